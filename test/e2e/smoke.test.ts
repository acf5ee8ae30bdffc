import { startEmulator, type Emulator } from '../emulator';
import { chainWorkflow, N8nInstance, sonioxCredential } from './n8n';
import { emulatorCredentialData } from './workflows';

jest.setTimeout(600_000);

let n8n: N8nInstance;
let emulator: Emulator;

beforeAll(async () => {
	emulator = await startEmulator();
	n8n = await N8nInstance.create();
});

afterAll(async () => {
	await emulator?.close();
	n8n?.remove();
});

test('the packed package runs Model → Get Many in a real n8n', async () => {
	const credential = sonioxCredential(emulatorCredentialData(emulator));
	await n8n.importCredentials([credential]);
	await n8n.importWorkflow(
		chainWorkflow('smokeModels', [
			{
				name: 'Soniox',
				type: 'n8n-nodes-soniox-suite.soniox',
				parameters: { resource: 'model', operation: 'getMany', modelType: 'stt', returnAll: true },
				credentials: { sonioxSuiteApi: { id: credential.id, name: credential.name } },
			},
		]),
	);
	const run = await n8n.execute('smokeModels');
	expect(run.error).toBeUndefined();
	const models = N8nInstance.items(run, 'Soniox');
	expect(models.map((model) => model.id)).toEqual(expect.arrayContaining(['stt-async-v5']));
	// The emulator refuses other keys: a 200 means n8n sent the credential's key.
	expect(emulator.requests()).toEqual(
		expect.arrayContaining([expect.objectContaining({ route: 'GET /v1/models', status: 200 })]),
	);
});
