// The packed package in the newest n8n 1.x, on the same Node.js 24 (n8n 1.123 supports
// Node.js 20.19 to 24.x): the credential, the node and a usage workflow work there too.
import { startEmulator, type Emulator } from '../emulator';
import {
	chainWorkflow,
	exampleWorkflow,
	N8N_1_VERSION,
	N8nInstance,
	sonioxCredential,
} from './n8n';
import { DAY, utcMonthStart } from './usage';
import { emulatorCredentialData, exampleCredential } from './workflows';

jest.setTimeout(900_000);

let n8n: N8nInstance;
let emulator: Emulator;

beforeAll(async () => {
	emulator = await startEmulator();
	n8n = await N8nInstance.create({ n8nVersion: N8N_1_VERSION });
});

afterAll(async () => {
	await emulator?.close();
	n8n?.remove();
});

test(`n8n ${N8N_1_VERSION} runs Model → Get Many and Usage → Aggregate`, async () => {
	emulator.insertUsage([
		{ endTime: Date.now() - 60_000, clientReferenceId: 'acme', inputAudioDurationMs: 60_000 },
	]);
	const credential = sonioxCredential(emulatorCredentialData(emulator));
	await n8n.importCredentials([credential]);
	const credentials = { sonioxSuiteApi: { id: credential.id, name: credential.name } };
	await n8n.importWorkflow(
		chainWorkflow('compatOne', [
			{
				name: 'Models',
				type: 'n8n-nodes-soniox-suite.soniox',
				parameters: { resource: 'model', operation: 'getMany', modelType: 'stt', returnAll: true },
				credentials,
			},
			{
				name: 'Usage',
				type: 'n8n-nodes-soniox-suite.soniox',
				parameters: {
					resource: 'usage',
					operation: 'aggregate',
					timeRange: 'last24Hours',
					groupBy: ['client_reference_id'],
				},
				credentials,
				executeOnce: true,
			},
		]),
	);
	const run = await n8n.execute('compatOne');
	expect(run.error).toBeUndefined();
	expect(N8nInstance.items(run, 'Models').map((model) => model.id)).toContain('stt-async-v5');
	expect(N8nInstance.items(run, 'Usage')).toEqual([
		expect.objectContaining({ client_reference_id: 'acme', request_count: 1 }),
	]);
});

test(`n8n ${N8N_1_VERSION} runs the monthly invoice lines example`, async () => {
	emulator.insertUsage([
		{
			endTime: utcMonthStart(Date.now(), 1) + 3 * DAY,
			clientReferenceId: 'globex',
			inputAudioDurationMs: 120_000,
		},
	]);
	await n8n.importCredentials([exampleCredential(emulator)]);
	await n8n.importWorkflow(exampleWorkflow('monthly-invoice-lines.json'));
	const run = await n8n.execute('sonioxInvoiceLines');
	expect(run.error).toBeUndefined();
	expect(N8nInstance.items(run, 'Invoice line')).toEqual([
		expect.objectContaining({ customer: 'globex', requests: 1, audio_minutes: 2 }),
	]);
});
