// The alert examples in a running `n8n start`: the Soniox Trigger polls an activated workflow
// against the emulator, and Slack is a loopback receiver.
import { startEmulator, type Emulator } from '../emulator';
import {
	exampleWorkflow,
	N8nInstance,
	withParameters,
	type ExampleWorkflow,
	type N8nServer,
} from './n8n';
import { MINUTE } from './usage';
import { E2E_OWNER, exampleCredential, LoopbackReceiver } from './workflows';

jest.setTimeout(600_000);

let emulator: Emulator;
let receiver: LoopbackReceiver;
let n8n: N8nInstance;
let server: N8nServer;

const ANOMALY_TRIGGER = 'Usage anomaly';
const CLIENTS = ['acme', 'globex', 'initech'];

/** The anomaly example polling every minute, in 5-minute windows, minimums for the emulator. */
function anomalyAlert(): ExampleWorkflow {
	const polledOften = withParameters(
		exampleWorkflow('usage-anomaly-alert-to-slack.json'),
		ANOMALY_TRIGGER,
		(parameters) => {
			parameters.pollTimes = { item: [{ mode: 'everyMinute' }] };
			parameters.anomalyWindowMinutes = 5;
			parameters.anomalyMinCostUsd = '0.05';
		},
	);
	return withParameters(polledOften, 'Alert message', (parameters) => {
		const { assignments } = parameters.assignments as {
			assignments: Array<{ name: string; value: unknown }>;
		};
		assignments.find((assignment) => assignment.name === 'slackWebhookUrl')!.value =
			`${receiver.url}/anomaly`;
	});
}

beforeAll(async () => {
	[emulator, receiver, n8n] = await Promise.all([
		startEmulator(),
		LoopbackReceiver.start(),
		N8nInstance.create(),
	]);
	await n8n.importCredentials([exampleCredential(emulator)]);
	// Two hours of normal traffic: what the first activation learns the baselines from.
	emulator.insertUsagePattern({
		pattern: 'normal',
		clients: CLIENTS,
		start: Date.now() - 130 * MINUTE,
		end: Date.now() - 1000,
		everyMs: 30_000,
	});
	const workflow = anomalyAlert();
	await n8n.importWorkflow([workflow]);
	await n8n.publishWorkflow(workflow.id);
	server = await n8n.start();
	await server.setupOwner(E2E_OWNER);
});

afterAll(async () => {
	await server?.stop();
	await Promise.all([emulator?.close(), receiver?.close()]);
	n8n?.remove();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const usageLogPolls = () =>
	emulator.requests().filter((request) => request.route === 'GET /v1/usage-logs').length;

/** The IDs the trigger learned: the anomaly state n8n saved after the first poll. */
async function learnedIds(workflowId: string): Promise<string[]> {
	for (let attempt = 0; attempt < 120; attempt++) {
		const { staticData } = await server.rest<{
			staticData: Record<string, { usageAnomaly?: { clients: object } }> | null;
		}>('GET', `/workflows/${workflowId}`);
		const clients = staticData?.[`node:${ANOMALY_TRIGGER}`]?.usageAnomaly?.clients;
		if (clients) return Object.keys(clients).sort();
		await pause(1000);
	}
	throw new Error(`the trigger saved no baseline:\n${server.log().slice(-3000)}`);
}

describe('usage anomaly alert to Slack', () => {
	test('learns the customers, then posts one alert for a new client reference ID', async () => {
		expect(await learnedIds('sonioxAnomalyAlert')).toEqual(CLIENTS.map((id) => `=${id}`));
		expect(receiver.at('/anomaly')).toEqual([]);

		emulator.insertUsagePattern({
			pattern: 'normal',
			clients: CLIENTS,
			start: Date.now() - 20_000,
			end: Date.now(),
			everyMs: 10_000,
		});
		emulator.insertUsagePattern({
			pattern: 'newClientReferenceId',
			clientReferenceId: 'leaked-key',
			at: Date.now(),
			spreadMs: 10_000,
		});
		const [post] = await receiver.waitFor('/anomaly', 1, 150_000);
		const text = (post.json as { text: string }).text;
		expect(text).toMatch(
			/^:rotating_light: \*Soniox usage anomaly\* \(new client reference ID\): leaked-key, a client reference ID not seen before, spent \$[\d.]+ in 25 requests in the 5 minutes from \d\d:\d\d UTC\n• leaked-key: \$0\.\d\d · 25 req · \d\d:\d\d–\d\d:\d\d UTC$/,
		);

		// Two more polls: the same ID spends on, normal traffic goes on; nothing more is posted.
		emulator.insertUsagePattern({
			pattern: 'newClientReferenceId',
			clientReferenceId: 'leaked-key',
			at: Date.now(),
			spreadMs: 10_000,
		});
		const polls = usageLogPolls();
		const deadline = Date.now() + 150_000;
		while (usageLogPolls() < polls + 2 && Date.now() < deadline) await pause(1000);
		expect(usageLogPolls()).toBeGreaterThanOrEqual(polls + 2);
		await pause(3000);
		expect(receiver.at('/anomaly')).toHaveLength(1);
	});
});
