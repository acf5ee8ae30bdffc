// Soniox's calls into a running `n8n start`, over real sockets from the emulator:
// - Transcribe → Wait "Until Soniox Calls Back": the execution is saved as waiting, the
//   emulator's webhook (with the credential's secret header) resumes it through n8n's waiting
//   webhook, and the node's output is the formatted transcript of every item; a failed
//   transcription is an item that says so; when the timeout passes first, n8n goes on with the
//   node's input items.
// - The Soniox Transcription Trigger: an app creates a transcription with the trigger's URL as
//   its webhook, and the workflow starts with the transcript.
import { randomUUID } from 'node:crypto';

import { startEmulator, type Emulator } from '../emulator';
import {
	callbackCredential,
	callbackTranscriptions,
	callbackWorkflow,
	createTranscription,
	executionIds,
	executionWith,
	listTranscriptions,
	nodeOutput,
	pause,
	SECRET,
	SECRET_HEADER,
	startAudioServer,
	startCallbackRun,
	triggerWorkflow,
} from './callback';
import { E2E_OWNER } from './workflows';
import { N8nInstance, type N8nServer } from './n8n';

jest.setTimeout(600_000);

const WAIT = 'sonioxCallbackWait';
const TIMEOUT = 'sonioxCallbackTimeout';
const TRIGGER = 'sonioxTranscriptionTrigger';
const TRIGGER_WEBHOOK_ID = randomUUID();
const TEXTS: Record<string, string> = {
	'/first.wav': 'The first recording has arrived.',
	'/second.wav': 'And here is the second one.',
};

let emulator: Emulator;
let n8n: N8nInstance;
let server: N8nServer;
let audio: Awaited<ReturnType<typeof startAudioServer>>;

/** Transcriptions queue for 0.5 s, then process for `ms` whatever their length. */
const processingTakes = (ms: number) => {
	emulator.config.transcription = {
		queuedMs: 500,
		processingBaseMs: ms,
		processingPerAudioSecondMs: 0,
	};
};

const triggerUrl = () => `${server.url}/webhook/${TRIGGER_WEBHOOK_ID}/soniox-transcription`;

beforeAll(async () => {
	emulator = await startEmulator();
	audio = await startAudioServer(TEXTS);
	n8n = await N8nInstance.create();
	await n8n.importCredentials([callbackCredential(emulator)]);
	await n8n.importWorkflow([
		callbackWorkflow(WAIT, 'soniox/callback-wait', 30),
		// 0.05 minutes: n8n ends the wait at its next look at waiting executions.
		callbackWorkflow(TIMEOUT, 'soniox/callback-timeout', 0.05),
		triggerWorkflow(TRIGGER, TRIGGER_WEBHOOK_ID, {
			outputFormat: 'text',
			cleanup: ['transcription'],
		}),
	]);
	for (const id of [WAIT, TIMEOUT, TRIGGER]) await n8n.publishWorkflow(id);
	server = await n8n.start();
	await server.setupOwner(E2E_OWNER);
});

beforeEach(() => {
	// Long enough to see the execution waiting before Soniox calls back.
	processingTakes(4000);
});

afterEach(() => {
	expect(emulator.contractViolations()).toEqual([]);
});

afterAll(async () => {
	await server?.stop();
	await emulator?.close();
	await audio?.close();
	n8n?.remove();
});

describe('Transcribe → Wait "Until Soniox Calls Back"', () => {
	test('two items wait as one execution, resume on the callbacks, and come out formatted and cleaned up', async () => {
		// Both end at the same moment, so Soniox's two calls arrive together.
		const requestsBefore = emulator.requests().length;
		const earlier = await startCallbackRun(server, audio.base, WAIT, 'soniox/callback-wait', [
			'/first.wav',
			'/second.wav',
		]);
		const waitingId = await executionWith(server, WAIT, 'waiting', earlier);
		const transcriptions = await callbackTranscriptions(emulator, waitingId);
		expect(transcriptions).toHaveLength(2);
		expect(transcriptions.every((t) => t.status !== 'completed')).toBe(true);

		const doneId = await executionWith(server, WAIT, 'success', earlier);
		expect(doneId).toBe(waitingId);
		const output = await nodeOutput(server, doneId, 'Transcribe');
		expect(output.map((item) => item.json.text)).toEqual([
			TEXTS['/first.wav'],
			TEXTS['/second.wav'],
		]);
		for (const item of output) {
			expect(item.json).toMatchObject({ cleanup: { transcription: 'deleted' } });
		}
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(await callbackTranscriptions(emulator, waitingId)).toEqual([]);
		// The webhook secret is in no saved run data, nor in n8n's log.
		expect(JSON.stringify(await server.execution(doneId))).not.toContain(SECRET);
		expect(server.log()).not.toContain(SECRET);
		// One call resumed it: each transcript read once, each transcription deleted once.
		const routes = emulator
			.requests()
			.slice(requestsBefore)
			.map((request) => `${request.route} ${request.status}`);
		expect(routes.filter((route) => route.includes('/transcript '))).toEqual([
			'GET /v1/transcriptions/:id/transcript 200',
			'GET /v1/transcriptions/:id/transcript 200',
		]);
		expect(routes.filter((route) => route.startsWith('DELETE'))).toEqual([
			'DELETE /v1/transcriptions/:id 204',
			'DELETE /v1/transcriptions/:id 204',
		]);
	});

	test('a call without the secret header, or with a wrong one, is refused and the execution goes on waiting', async () => {
		processingTakes(15_000);
		const earlier = await startCallbackRun(server, audio.base, WAIT, 'soniox/callback-wait', [
			'/first.wav',
		]);
		const waitingId = await executionWith(server, WAIT, 'waiting', earlier);
		const [transcription] = await callbackTranscriptions(emulator, waitingId);
		const call = async (headers: Record<string, string>) =>
			await fetch(transcription.webhook_url!, {
				method: 'POST',
				headers: { 'content-type': 'application/json', ...headers },
				body: JSON.stringify({ id: transcription.id, status: 'completed' }),
			});
		expect((await call({})).status).toBe(401);
		expect((await call({ [SECRET_HEADER]: 'guessed' })).status).toBe(403);
		const newest = (await server.executions(WAIT)).find((e) => e.id === waitingId);
		expect(newest?.status).toBe('waiting');
		// The real call still resumes it.
		expect(await executionWith(server, WAIT, 'success', earlier, 60_000)).toBe(waitingId);
	});

	test('a transcription that fails resumes the execution with an item that says so, beside the one that completed', async () => {
		// /missing.wav is a 404: Soniox cannot download it and ends the transcription in error.
		const earlier = await startCallbackRun(server, audio.base, WAIT, 'soniox/callback-wait', [
			'/first.wav',
			'/missing.wav',
		]);
		const doneId = await executionWith(server, WAIT, 'success', earlier);
		const output = await nodeOutput(server, doneId, 'Transcribe');
		expect(output[0].json.text).toBe(TEXTS['/first.wav']);
		expect(output[1].json).toEqual({
			id: expect.stringMatching(/^[0-9a-f-]{36}$/),
			status: 'error',
			error: expect.stringMatching(
				/^Transcription [0-9a-f-]{36} failed: audio_download_failed: Could not download audio: HTTP 404/,
			),
			error_type: 'audio_download_failed',
			error_message: expect.stringContaining('HTTP 404'),
			details: 'Check that the audio is reachable and in a supported format.',
			client_reference_id: null,
			cleanup: { transcription: 'deleted' },
		});
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(await callbackTranscriptions(emulator, doneId)).toEqual([]);
	});

	test('when the timeout passes first, the workflow goes on with the input items and the transcription stays at Soniox', async () => {
		// A transcription that does not end while the test runs.
		processingTakes(600_000);
		const earlier = await startCallbackRun(server, audio.base, TIMEOUT, 'soniox/callback-timeout', [
			'/first.wav',
		]);
		const waitingId = await executionWith(server, TIMEOUT, 'waiting', earlier);
		// n8n looks at waiting executions once a minute.
		const doneId = await executionWith(server, TIMEOUT, 'success', earlier, 150_000);
		expect(doneId).toBe(waitingId);
		const output = await nodeOutput(server, doneId, 'Transcribe');
		expect(output.map((item) => item.json)).toEqual([{ url: `${audio.base}/first.wav` }]);

		const [transcription] = await callbackTranscriptions(emulator, doneId);
		expect(transcription.status).toBe('processing');
		// Soniox's call after the timeout resumes nothing: n8n answers that the execution ended.
		const late = await fetch(transcription.webhook_url!, {
			method: 'POST',
			headers: { 'content-type': 'application/json', [SECRET_HEADER]: SECRET },
			body: JSON.stringify({ id: transcription.id, status: 'completed' }),
		});
		expect(late.status).toBe(409);
		expect(await nodeOutput(server, doneId, 'Transcribe')).toEqual(output);
		expect((await server.executions(TIMEOUT)).filter((e) => !earlier.has(e.id))).toHaveLength(1);
	});
});

describe('Soniox Transcription Trigger', () => {
	test("an app's transcription with the trigger's URL and secret starts the workflow with its transcript", async () => {
		const earlier = await executionIds(server, TRIGGER);
		const created = await createTranscription(emulator, {
			audio_url: `${audio.base}/second.wav`,
			webhook_url: triggerUrl(),
			secret: SECRET,
			client_reference_id: 'app-42',
		});
		const doneId = await executionWith(server, TRIGGER, 'success', earlier);
		expect(
			(await nodeOutput(server, doneId, 'Transcription ended')).map((item) => item.json),
		).toEqual([
			expect.objectContaining({
				id: created.id,
				text: TEXTS['/second.wav'],
				client_reference_id: 'app-42',
				cleanup: { transcription: 'deleted' },
			}),
		]);
		expect((await listTranscriptions(emulator)).some((t) => t.id === created.id)).toBe(false);
		expect((await server.executions(TRIGGER)).filter((e) => !earlier.has(e.id))).toHaveLength(1);
	});

	test('a call without the secret, or with a wrong one, is refused and starts nothing', async () => {
		const earlier = await executionIds(server, TRIGGER);
		const wrong = await createTranscription(emulator, {
			audio_url: `${audio.base}/first.wav`,
			webhook_url: triggerUrl(),
			secret: 'guessed',
		});
		const none = await createTranscription(emulator, {
			audio_url: `${audio.base}/first.wav`,
			webhook_url: triggerUrl(),
		});
		// Soniox's call and its two retries are refused.
		const refusals = async () =>
			(await listTranscriptions(emulator))
				.filter((t) => t.id === wrong.id || t.id === none.id)
				.map((t) => [t.id, t.webhook_status_code]);
		const deadline = Date.now() + 60_000;
		while ((await refusals()).some(([, code]) => code === null) && Date.now() < deadline) {
			await pause(500);
		}
		await pause(2000);
		expect(Object.fromEntries(await refusals())).toEqual({ [wrong.id]: 403, [none.id]: 401 });
		const direct = await fetch(triggerUrl(), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ id: wrong.id, status: 'completed' }),
		});
		expect(direct.status).toBe(401);
		expect(await direct.json()).toEqual({ error: 'The webhook secret is missing or wrong' });
		expect(await executionIds(server, TRIGGER)).toEqual(earlier);
	});

	test('a failed transcription starts the workflow with an item that says it failed, with Soniox’s error', async () => {
		const earlier = await executionIds(server, TRIGGER);
		const created = await createTranscription(emulator, {
			audio_url: `${audio.base}/missing.wav`,
			webhook_url: triggerUrl(),
			secret: SECRET,
		});
		const doneId = await executionWith(server, TRIGGER, 'success', earlier);
		expect(
			(await nodeOutput(server, doneId, 'Transcription ended')).map((item) => item.json),
		).toEqual([
			{
				id: created.id,
				status: 'error',
				error: expect.stringMatching(
					new RegExp(`^Transcription ${created.id} failed: audio_download_failed: `),
				),
				error_type: 'audio_download_failed',
				error_message: expect.stringContaining('HTTP 404'),
				details: 'Check that the audio is reachable and in a supported format.',
				client_reference_id: null,
				cleanup: { transcription: 'deleted' },
			},
		]);
	});
});
