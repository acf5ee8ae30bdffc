// Transcribe → Wait "Until Soniox Calls Back" in a running `n8n start`: the execution is saved
// as waiting, the emulator's webhook (with the credential's secret header) resumes it through
// n8n's waiting webhook, and the node's output is the formatted transcript of every item.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { makeWav, startEmulator, type Emulator } from '../emulator';
import { N8nInstance, sonioxCredential, type N8nServer } from './n8n';
import { emulatorCredentialData } from './workflows';

jest.setTimeout(600_000);

const SECRET_HEADER = 'X-Soniox-Webhook-Secret';
const SECRET = 'callback-e2e-secret-0123456789abcdef';
const WORKFLOW_ID = 'sonioxCallbackWait';
const CREDENTIAL = sonioxCredential({}, 'soniox-callback-credential', 'Soniox (callback)');
const TEXTS: Record<string, string> = {
	'/first.wav': 'The first recording has arrived.',
	'/second.wav': 'And here is the second one.',
};

let emulator: Emulator;
let n8n: N8nInstance;
let server: N8nServer;
let audio: Server;
let audioBase: string;

/** Webhook → Split Out (one item per audio URL) → Soniox Transcribe, waiting for Soniox's call. */
function callbackWorkflow(timeoutMinutes: number) {
	const node = (name: string, type: string, parameters: object, extra: object = {}) => ({
		id: randomUUID(),
		name,
		type,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		...extra,
	});
	return {
		id: WORKFLOW_ID,
		name: WORKFLOW_ID,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			node(
				'Audio arrives',
				'n8n-nodes-base.webhook',
				{
					httpMethod: 'POST',
					path: 'soniox/callback-wait',
					responseMode: 'onReceived',
					options: {},
				},
				{ typeVersion: 2, webhookId: randomUUID() },
			),
			node('One item per URL', 'n8n-nodes-base.splitOut', {
				fieldToSplitOut: 'body.urls',
				options: { destinationFieldName: 'url' },
			}),
			node(
				'Transcribe',
				'n8n-nodes-soniox-suite.soniox',
				{
					resource: 'transcription',
					operation: 'transcribe',
					audioSource: 'url',
					audioUrl: '={{ $json.url }}',
					waitMode: 'callback',
					waitTimeoutMinutes: timeoutMinutes,
					outputFormat: 'text',
				},
				{ credentials: { sonioxSuiteApi: { id: CREDENTIAL.id, name: CREDENTIAL.name } } },
			),
		],
		connections: {
			'Audio arrives': { main: [[{ node: 'One item per URL', type: 'main', index: 0 }]] },
			'One item per URL': { main: [[{ node: 'Transcribe', type: 'main', index: 0 }]] },
		},
	};
}

const pause = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

/** The newest execution of the workflow once it has the status, checked every half second. */
async function executionWith(status: string, after: Set<string>, timeoutMs = 120_000) {
	const deadline = Date.now() + timeoutMs;
	let seen = '';
	while (Date.now() < deadline) {
		const newest = (await server.executions(WORKFLOW_ID)).find((e) => !after.has(e.id));
		seen = newest?.status ?? 'none';
		if (newest && newest.status === status) return newest.id;
		await pause(500);
	}
	throw new Error(`no execution became ${status} (last: ${seen}):\n${server.log().slice(-3000)}`);
}

/** Starts the workflow with these audio paths; resolves with the IDs of earlier executions. */
async function start(paths: string[]) {
	const earlier = new Set((await server.executions(WORKFLOW_ID)).map((e) => e.id));
	const response = await server.webhook('soniox/callback-wait', {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ urls: paths.map((path) => `${audioBase}${path}`) }),
	});
	expect(response.status).toBe(200);
	return earlier;
}

/** The transcriptions at the emulator that call back this execution. */
async function callbackTranscriptions(executionId: string) {
	const response = await fetch(`${emulator.urls.api}/v1/transcriptions?limit=100`, {
		headers: { authorization: `Bearer ${emulator.apiKey}` },
	});
	const { transcriptions } = (await response.json()) as {
		transcriptions: Array<{ id: string; status: string; webhook_url: string | null }>;
	};
	return transcriptions.filter((t) => t.webhook_url?.includes(`/webhook-waiting/${executionId}`));
}

beforeAll(async () => {
	emulator = await startEmulator();
	audio = createServer((req, res) => {
		const text = TEXTS[req.url ?? ''];
		if (!text) return void res.writeHead(404).end();
		const wav = makeWav({ text, durationMs: 3000 });
		res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': wav.length }).end(wav);
	});
	await new Promise<void>((resolve) => audio.listen(0, '127.0.0.1', resolve));
	audioBase = `http://127.0.0.1:${(audio.address() as AddressInfo).port}`;
	n8n = await N8nInstance.create();
	await n8n.importCredentials([
		{
			...CREDENTIAL,
			data: {
				...emulatorCredentialData(emulator),
				webhookHeaderName: SECRET_HEADER,
				webhookSecret: SECRET,
			},
		},
	]);
	await n8n.importWorkflow(callbackWorkflow(30));
	await n8n.publishWorkflow(WORKFLOW_ID);
	server = await n8n.start();
	await server.setupOwner({
		email: 'callback@example.com',
		password: 'E2e-Password-1',
		firstName: 'Call',
		lastName: 'Back',
	});
});

beforeEach(() => {
	// Long enough to see the execution waiting before Soniox calls back.
	emulator.config.transcription = {
		queuedMs: 500,
		processingBaseMs: 4000,
		processingPerAudioSecondMs: 0,
	};
});

afterAll(async () => {
	await server?.stop();
	await emulator?.close();
	await new Promise((resolve) => audio?.close(resolve));
	n8n?.remove();
});

test('two items wait as one execution, resume on the callbacks, and come out formatted and cleaned up', async () => {
	const earlier = await start(['/first.wav', '/second.wav']);
	const waitingId = await executionWith('waiting', earlier);
	const transcriptions = await callbackTranscriptions(waitingId);
	expect(transcriptions).toHaveLength(2);
	expect(transcriptions.every((t) => t.status !== 'completed')).toBe(true);

	const doneId = await executionWith('success', earlier);
	expect(doneId).toBe(waitingId);
	const run = await server.execution(doneId);
	const output = run.runData.Transcribe[0].data!.main[0];
	expect(output.map((item) => item.json.text)).toEqual([TEXTS['/first.wav'], TEXTS['/second.wav']]);
	for (const item of output) {
		expect(item.json).toMatchObject({ cleanup: { transcription: 'deleted' } });
	}
	expect((output as Array<{ pairedItem?: unknown }>).map((item) => item.pairedItem)).toEqual([
		{ item: 0 },
		{ item: 1 },
	]);
	expect(await callbackTranscriptions(waitingId)).toEqual([]);
	expect(emulator.contractViolations()).toEqual([]);
});

test('a call without the secret header, or with a wrong one, is refused and the execution goes on waiting', async () => {
	emulator.config.transcription = {
		queuedMs: 500,
		processingBaseMs: 15_000,
		processingPerAudioSecondMs: 0,
	};
	const earlier = await start(['/first.wav']);
	const waitingId = await executionWith('waiting', earlier);
	const [transcription] = await callbackTranscriptions(waitingId);
	const call = async (headers: Record<string, string>) =>
		await fetch(transcription.webhook_url!, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...headers },
			body: JSON.stringify({ id: transcription.id, status: 'completed' }),
		});
	expect((await call({})).status).toBe(401);
	expect((await call({ [SECRET_HEADER]: 'guessed' })).status).toBe(403);
	const newest = (await server.executions(WORKFLOW_ID)).find((e) => e.id === waitingId);
	expect(newest?.status).toBe('waiting');
	// The real call still resumes it.
	expect(await executionWith('success', earlier, 60_000)).toBe(waitingId);
});
