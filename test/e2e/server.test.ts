// The example workflows that wait for the world, in a running `n8n start`: webhooks answered
// through n8n's production webhook URLs, and the Soniox Trigger polling an activated workflow.
import { makeWav, startEmulator, type Emulator } from '../emulator';
import {
	exampleWorkflow,
	N8nInstance,
	withParameters,
	type ExampleWorkflow,
	type N8nServer,
} from './n8n';
import { MINUTE } from './usage';
import {
	E2E_OWNER,
	emulatorCredentialData,
	ENDPOINT_SECRET,
	endpointSecretCredential,
	entriesToReceiverWorkflow,
	EVERY_MINUTE,
	EXAMPLE_CREDENTIAL,
	exampleCredential,
	LoopbackReceiver,
	serveAudio,
	transcribeInBrowserStyle,
} from './workflows';

jest.setTimeout(600_000);

let emulator: Emulator;
let receiver: LoopbackReceiver;
let n8n: N8nInstance;
let server: N8nServer;

const SUBTITLES = exampleWorkflow('transcribe-audio-to-subtitles.json');
const TEMPORARY_KEY = exampleWorkflow('temporary-key-endpoint.json');
const ENDPOINT_SECRET_VALUE = 'e2e-endpoint-secret-0123456789';

/** The spend alert example, polling every minute (n8n's shortest) with a low threshold. */
function spendAlert(): ExampleWorkflow {
	const polledOften = withParameters(
		exampleWorkflow('spend-alert-to-slack.json'),
		'New spend over threshold',
		(parameters) => {
			parameters.pollTimes = EVERY_MINUTE;
			parameters.thresholdUsd = '0.10';
		},
	);
	return withParameters(polledOften, 'Alert message', (parameters) => {
		setAssignment(parameters, 'slackWebhookUrl', `${receiver.url}/alert`);
	});
}

function setAssignment(parameters: Record<string, unknown>, name: string, value: unknown) {
	const { assignments } = parameters.assignments as {
		assignments: Array<{ name: string; value: unknown }>;
	};
	const assignment = assignments.find((candidate) => candidate.name === name);
	if (!assignment) throw new Error(`no assignment ${name}`);
	assignment.value = value;
}

beforeAll(async () => {
	[emulator, receiver, n8n] = await Promise.all([
		startEmulator(),
		LoopbackReceiver.start(),
		N8nInstance.create(),
	]);
	await n8n.importCredentials([
		exampleCredential(emulator),
		endpointSecretCredential(ENDPOINT_SECRET_VALUE),
	]);
	const active: ExampleWorkflow[] = [
		entriesToReceiverWorkflow('triggerEntries', 'Trigger: every new entry', receiver.url),
		spendAlert(),
		SUBTITLES,
		TEMPORARY_KEY,
	];
	await n8n.importWorkflow(active);
	for (const workflow of active) await n8n.publishWorkflow(workflow.id);
	server = await n8n.start();
	await server.setupOwner(E2E_OWNER);
});

afterAll(async () => {
	await server?.stop();
	await Promise.all([emulator?.close(), receiver?.close()]);
	n8n?.remove();
});

// First in the file: the trigger's state starts at activation, before any other usage.
describe('Soniox Trigger in an activated workflow', () => {
	const usageLogPolls = () =>
		emulator.requests().filter((request) => request.route === 'GET /v1/usage-logs').length;
	const diagnostics = () =>
		[
			'usage-logs requests:',
			...emulator
				.requests()
				.filter((request) => request.route === 'GET /v1/usage-logs')
				.map((request) => `  ${request.at} ${request.status} ${JSON.stringify(request)}`),
			'n8n log:',
			server.log().slice(-3000),
		].join('\n');
	const postedUuids = () =>
		receiver.at('/entries').map((request) => (request.json as { uuid: string }).uuid);
	/** When the trigger started watching: the state n8n saves after its first poll. */
	async function pollerStart(workflowId: string, nodeName: string) {
		for (let attempt = 0; attempt < 120; attempt++) {
			const { staticData } = await server.rest<{
				staticData: Record<string, { usagePoller?: { since: number } }> | null;
			}>('GET', `/workflows/${workflowId}`);
			const since = staticData?.[`node:${nodeName}`]?.usagePoller?.since;
			if (since !== undefined) return since;
			await pause(1000);
		}
		throw new Error(`${workflowId}: the trigger saved no state:\n${diagnostics()}`);
	}

	test('emits every new entry once over poll cycles, late ones too, and alerts on spend', async () => {
		for (const id of ['triggerEntries', 'sonioxSpendAlert']) {
			expect(await server.rest('GET', `/workflows/${id}`)).toMatchObject({ active: true });
		}

		// Each trigger delivers what ended after its own activation, and n8n gives every
		// "every minute" schedule its own random second: wait until both have saved their
		// first poll, or an entry could end before the alert's trigger started watching.
		const activatedAt = await pollerStart('triggerEntries', 'New usage');
		await pollerStart('sonioxSpendAlert', 'New spend over threshold');
		expect(activatedAt).toBeLessThan(Date.now());

		// Cycle 1: two entries, one customer over the threshold.
		const [small, large] = emulator.insertUsage([
			{ endTime: Date.now() - 1, clientReferenceId: 'acme', inputAudioDurationMs: MINUTE },
			{
				endTime: Date.now(),
				clientReferenceId: 'globex',
				model: 'stt-rt-v5',
				kind: 'transcribe_websocket',
				inputAudioDurationMs: 45 * MINUTE,
			},
		]);
		await receiver.waitFor('/entries', 2, 90_000).catch((error) => {
			throw new Error(`${error.message}\n${diagnostics()}`);
		});
		expect(postedUuids()).toEqual([small.uuid, large.uuid]);
		const [alert] = await receiver.waitFor('/alert', 1, 90_000);
		const text = (alert.json as { text: string }).text;
		expect(text).toContain('*Soniox spend alert*: 1 customer at or over $0.10');
		expect(text).toContain(
			`• globex: $${Number(large.cost_usd).toFixed(2)} · 1 req · 45 audio min`,
		);
		expect(text).not.toContain('acme');

		// Cycle 2: a new entry, and one Soniox publishes late (it ended before cycle 1).
		const [newer, late] = emulator.insertUsage([
			{ endTime: Date.now(), clientReferenceId: 'initech', inputAudioDurationMs: MINUTE },
			{
				endTime: activatedAt + 1,
				visibleAt: Date.now(),
				clientReferenceId: 'umbrella',
				inputAudioDurationMs: MINUTE,
			},
		]);
		await receiver.waitFor('/entries', 4, 90_000);
		expect(postedUuids().slice(2).sort()).toEqual([newer.uuid, late.uuid].sort());

		// Cycle 3 (both workflows poll again): nothing is delivered twice.
		const polls = usageLogPolls();
		const deadline = Date.now() + 90_000;
		while (usageLogPolls() < polls + 2 && Date.now() < deadline) await pause(1000);
		expect(usageLogPolls()).toBeGreaterThanOrEqual(polls + 2);
		await pause(3000);
		expect(postedUuids()).toHaveLength(4);
		expect(receiver.at('/alert')).toHaveLength(1);

		// n8n recorded one successful execution per poll that found something.
		const executions = await server.executions('triggerEntries');
		expect(executions.map((execution) => [execution.mode, execution.status])).toEqual([
			['trigger', 'success'],
			['trigger', 'success'],
		]);
		const latest = await server.execution(executions[0].id);
		expect(latest.runData['New usage'][0].data!.main[0].map((item) => item.json.uuid)).toEqual(
			expect.arrayContaining([newer.uuid, late.uuid]),
		);
	});
});

const TWO_SPEAKERS = 'Hello and welcome to the show. Thanks, it is great to be here.';

describe('transcribe incoming audio to subtitles', () => {
	function expectSubtitles(body: { text: string; srt: string }) {
		expect(body.text.trim()).toBe(TWO_SPEAKERS);
		const cues = body.srt.trim().split(/\n\n+/);
		expect(cues.length).toBeGreaterThanOrEqual(2);
		expect(cues[0]).toMatch(/^1\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\nSpeaker 1: Hello/);
		expect(body.srt).toContain('Speaker 2: Thanks');
	}

	test('an uploaded file comes back as SRT and text, billed to the customer, cleaned up', async () => {
		const form = new FormData();
		form.append('customer_id', 'acme');
		form.append(
			'audio',
			new Blob([new Uint8Array(makeWav({ text: TWO_SPEAKERS, durationMs: 6000 }))], {
				type: 'audio/wav',
			}),
			'show.wav',
		);
		const response = await server.webhook('soniox/subtitles', { method: 'POST', body: form });
		const body = (await response.json()) as {
			text: string;
			srt: string;
			audio_duration_ms: number;
		};
		expect(response.status).toBe(200);
		expectSubtitles(body);
		expect(body.audio_duration_ms).toBe(6000);

		expect(emulator.ledger().at(-1)).toMatchObject({
			client_reference_id: 'acme',
			request_scope: 'api',
			model: expect.stringMatching(/^stt-async-/),
		});
		const routes = emulator.requests().map((request) => `${request.route} ${request.status}`);
		expect(routes).toEqual(
			expect.arrayContaining([
				'POST /v1/files 201',
				'POST /v1/transcriptions 201',
				'DELETE /v1/transcriptions/:id 204',
				'DELETE /v1/files/:id 204',
			]),
		);
	});

	test('an audio URL comes back as SRT and text', async () => {
		const audio = makeWav({ text: TWO_SPEAKERS, durationMs: 6000 });
		const audioServer = await serveAudio(audio);
		try {
			const response = await server.webhook('soniox/subtitles', {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ audio_url: audioServer.url, customer_id: 'globex' }),
			});
			const body = (await response.json()) as { text: string; srt: string };
			expect(response.status).toBe(200);
			expectSubtitles(body);
			expect(emulator.ledger().at(-1)).toMatchObject({ client_reference_id: 'globex' });
		} finally {
			await audioServer.close();
		}
	});
});

describe('temporary key endpoint for browsers', () => {
	const backend = {
		'content-type': 'application/json',
		[ENDPOINT_SECRET.header]: ENDPOINT_SECRET_VALUE,
	};

	test('refuses a caller without the endpoint secret: no key is made', async () => {
		const before = emulator.requests().length;
		for (const headers of [
			{ 'content-type': 'application/json' },
			{ 'content-type': 'application/json', [ENDPOINT_SECRET.header]: 'guessed' },
		]) {
			const response = await server.webhook('soniox/temporary-key', {
				method: 'POST',
				headers,
				body: JSON.stringify({ user_id: 'user_8f2c4b1a' }),
			});
			expect(response.status).toBe(403);
		}
		expect(emulator.requests().slice(before)).toEqual([]);
	});

	test('answers a signed-in user with a key bound to them, usable from a browser', async () => {
		const response = await server.webhook('soniox/temporary-key', {
			method: 'POST',
			headers: backend,
			body: JSON.stringify({ user_id: 'user_8f2c4b1a' }),
		});
		expect(response.status).toBe(200);
		expect(response.headers.get('cache-control')).toBe('no-store');
		const body = (await response.json()) as Record<string, string>;
		expect(Object.keys(body).sort()).toEqual(['api_key', 'expires_at', 'websocket_url']);
		expect(body.api_key).toMatch(/^snx_temp_/);
		expect(body.websocket_url).toBe(emulator.urls.sttWebSocket);
		const expiresIn = Date.parse(body.expires_at) - Date.now();
		expect(expiresIn).toBeGreaterThan(30_000);
		expect(expiresIn).toBeLessThanOrEqual(61_000);

		// What a browser then does: stream audio with the key, claiming to be someone else.
		const before = emulator.ledger().length;
		const text = await transcribeInBrowserStyle(body.websocket_url, body.api_key, 'not-me');
		expect(text.trim()).toBe('Hello from the browser.');
		const entries = emulator.ledger().slice(before);
		expect(entries).toHaveLength(1);
		expect(entries[0]).toMatchObject({
			request_scope: 'api',
			model: expect.stringMatching(/^stt-rt-/),
			client_reference_id: 'user_8f2c4b1a',
		});
		// Single use: a second session with the same key is refused.
		await expect(
			transcribeInBrowserStyle(body.websocket_url, body.api_key, 'again'),
		).rejects.toThrow();
	});

	test('refuses a request without a user', async () => {
		const response = await server.webhook('soniox/temporary-key', {
			method: 'POST',
			headers: backend,
			body: JSON.stringify({}),
		});
		expect(response.status).toBe(400);
		expect(await response.json()).toEqual({
			error: 'user_id is required: the ID of the signed-in user',
		});
	});
});

function pause(ms: number) {
	return new Promise((resolvePause) => setTimeout(resolvePause, ms));
}

describe('the credential test (the Test button)', () => {
	/** POST /rest/credentials/test, as the editor sends it for the saved Soniox credential. */
	async function testCredential(data: Record<string, unknown>) {
		return await server.rest<{ status: string; message: string }>('POST', '/credentials/test', {
			credentials: { ...EXAMPLE_CREDENTIAL, type: 'sonioxSuiteApi', data },
		});
	}

	test('passes when all four URLs answer, and says in words which one fails and why', async () => {
		const good = emulatorCredentialData(emulator);
		expect(await testCredential(good)).toEqual({
			status: 'OK',
			message: 'Connection successful: the key works, and all four Soniox URLs answer.',
		});
		expect(await testCredential({ ...good, apiKey: 'not-the-key' })).toEqual({
			status: 'Error',
			message:
				'Soniox rejected the API key. Copy the whole key from the Soniox Console, and check that its project is in the credential.',
		});
		expect(
			await testCredential({ ...good, sttWebSocketUrl: 'ws://127.0.0.1:9/transcribe-websocket' }),
		).toEqual({
			status: 'Error',
			message:
				'The Real-Time Speech-to-Text WebSocket URL ws://127.0.0.1:9/transcribe-websocket could not be opened: nothing answers there as a WebSocket.',
		});
		expect(await testCredential({ ...good, ttsRestUrl: 'http://127.0.0.1:9' })).toEqual({
			status: 'Error',
			message:
				'The Text-to-Speech REST URL http://127.0.0.1:9 refuses connections: nothing is listening at 127.0.0.1:9.',
		});
		expect(await testCredential({ ...good, ttsWebSocketUrl: 'tts.example.com/socket' })).toEqual({
			status: 'Error',
			message: 'The Text-to-Speech WebSocket URL is not a URL: "tts.example.com/socket".',
		});
		const unknownHost = await testCredential({ ...good, restUrl: 'http://soniox.invalid' });
		expect(unknownHost.message).toMatch(
			/^The REST API URL http:\/\/soniox.invalid (names a host that cannot be found|could not be reached)/,
		);
	});
});
