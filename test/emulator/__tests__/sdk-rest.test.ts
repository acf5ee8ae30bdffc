// Conformance: the official SDK (@soniox/node), a real client written by Soniox, against the
// emulator's REST API. Where the SDK and the emulator disagree, the contract decides.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { SonioxHttpError, SonioxNodeClient } from '@soniox/node';

import { makeWav, startEmulator, type Emulator } from '..';
import { startReceiver, eventually } from './rest-helpers';

let emulator: Emulator;
let client: SonioxNodeClient;
let audioServer: Server;
let audioUrl: string;
const SPOKEN = 'The official client hears the emulator clearly.';
const DAY = 86_400_000;

beforeAll(async () => {
	emulator = await startEmulator({ transcription: { queuedMs: 20, processingBaseMs: 50 } });
	client = new SonioxNodeClient({ api_key: emulator.apiKey, base_url: emulator.baseUrl });
	const wav = makeWav({ text: SPOKEN, durationMs: 3000 });
	audioServer = createServer((_req, res) => res.end(wav));
	await new Promise<void>((resolve) => audioServer.listen(0, '127.0.0.1', resolve));
	audioUrl = `http://127.0.0.1:${(audioServer.address() as AddressInfo).port}/talks/meeting.wav`;
});

afterAll(async () => {
	await emulator.close();
	audioServer.close();
});

beforeEach(() => emulator.reset());
// The official client is a second real client: nothing it sends or receives may break the spec.
afterEach(() => expect(emulator.contractViolations()).toEqual([]));

const routeCalls = (route: string) =>
	emulator.requests().filter((request) => request.route === route).length;

describe('files', () => {
	it('uploads, lists newest first across pages, gets, counts and deletes', async () => {
		const uploaded = [];
		for (let index = 0; index < 5; index++) {
			uploaded.push(
				await client.files.upload(makeWav({ text: `file ${index}`, durationMs: 500 }), {
					filename: `clip-${index}.wav`,
					client_reference_id: 'tenant-a',
				}),
			);
		}
		expect(uploaded[0]).toMatchObject({ filename: 'clip-0.wav', client_reference_id: 'tenant-a' });
		expect(uploaded[0].size).toBe(makeWav({ text: 'file 0', durationMs: 500 }).length);

		const listed = [];
		for await (const file of await client.files.list({ limit: 2 })) listed.push(file.id);
		expect(listed).toEqual(uploaded.map((file) => file.id).reverse());
		expect(routeCalls('GET /v1/files')).toBe(3);

		expect((await client.files.get(uploaded[1].id))?.size).toBe(uploaded[1].size);
		expect(await client.files.count()).toEqual({ total: 5, public_api: 5, playground: 0 });
		await client.files.delete(uploaded[1].id);
		expect(await client.files.get(uploaded[1].id)).toBeNull();
		// The SDK treats a 404 on delete as done: deleting twice is not an error.
		await client.files.delete(uploaded[1].id);
		await client.files.delete_all();
		expect((await client.files.count()).total).toBe(0);
	});
});

describe('transcriptions', () => {
	it('transcribes an uploaded file: create, wait, transcript, ledger, delete', async () => {
		const file = await client.files.upload(makeWav({ text: SPOKEN, durationMs: 3000 }), {
			filename: 'spoken.wav',
		});
		const transcription = await client.stt.create({
			model: 'stt-async-v5',
			file_id: file.id,
			enable_speaker_diarization: true,
			client_reference_id: 'customer-7',
		});
		expect(transcription).toMatchObject({ status: 'queued', filename: 'spoken.wav' });
		const statuses: string[] = [];
		const done = await transcription.wait({
			interval_ms: 1000,
			on_status_change: (status) => statuses.push(status),
		});
		expect(done.status).toBe('completed');
		expect(statuses).toContain('completed');
		expect(done.audio_duration_ms).toBe(3000);
		const transcript = await done.getTranscript();
		expect(transcript?.text).toBe(SPOKEN);
		expect(transcript?.tokens.every((token) => token.speaker !== undefined)).toBe(true);

		expect(emulator.ledger()).toMatchObject([
			{
				request_scope: 'api',
				model: 'stt-async-v5',
				client_reference_id: 'customer-7',
				input_audio_duration_ms: 3000,
				output_text_tokens: transcript?.tokens.length,
			},
		]);
		await done.delete();
		expect(await client.stt.get(done.id)).toBeNull();
		expect(await client.stt.getTranscript(done.id)).toBeNull();
	});

	it('transcribes a loopback audio_url and lists and counts transcriptions across pages', async () => {
		const first = await client.stt.create({ model: 'stt-async-v5', audio_url: audioUrl });
		const second = await client.stt.create({ model: 'stt-async-v4', audio_url: audioUrl });
		expect(first.filename).toBe('meeting.wav');
		expect(second.model).toBe('stt-async-v4');
		await first.wait({ interval_ms: 1000 });
		expect((await first.getTranscript())?.text).toBe(SPOKEN);
		const ids = [];
		for await (const item of await client.stt.list({ limit: 1 })) ids.push(item.id);
		expect(ids).toEqual([second.id, first.id]);
		expect(routeCalls('GET /v1/transcriptions')).toBe(2);
		expect((await client.stt.count()).total).toBe(2);
	});

	it('ends in status error for audio the emulator cannot reach, and bills nothing', async () => {
		const transcription = await client.stt.create({
			model: 'stt-async-v5',
			audio_url: 'https://media.example.com/a.mp3',
		});
		const done = await transcription.wait({ interval_ms: 1000 });
		expect(done.status).toBe('error');
		expect(done.error_type).toBe('audio_download_failed');
		expect(done.error_message).toContain('media.example.com');
		expect(emulator.ledger()).toHaveLength(0);
	});

	it('runs the transcribe() helper end to end: upload, wait, transcript, cleanup', async () => {
		const result = await client.stt.transcribe({
			model: 'stt-async-v5',
			file: makeWav({ text: 'Helpers clean up after themselves.', durationMs: 2000 }),
			filename: 'helper.wav',
			client_reference_id: 'helper-user',
			wait: true,
			wait_options: { interval_ms: 1000 },
			cleanup: ['file', 'transcription'],
		});
		expect(result.status).toBe('completed');
		expect(result.transcript?.text).toBe('Helpers clean up after themselves.');
		expect((await client.files.count()).total).toBe(0);
		expect((await client.stt.count()).total).toBe(0);
		// The helper passes client_reference_id to the upload and to the job; the job bills it.
		expect(emulator.ledger().map((entry) => entry.client_reference_id)).toEqual(['helper-user']);
	});

	it('runs the translate() helper: translation tokens follow the originals', async () => {
		const job = await client.stt.translate({
			file: makeWav({ text: 'Good morning everyone.', durationMs: 2000 }),
			to: 'de',
			wait: true,
			wait_options: { interval_ms: 1000 },
		});
		expect(job.status).toBe('completed');
		const transcript = await job.getTranscript();
		const statuses = new Set(transcript?.tokens.map((token) => token.translation_status));
		expect(statuses).toEqual(new Set(['original', 'translation']));
		expect(
			transcript?.tokens
				.filter((token) => token.translation_status === 'translation')
				.every((token) => token.language === 'de'),
		).toBe(true);
	});

	it('delivers a webhook the SDK handler accepts, with the configured auth header', async () => {
		const receiver = await startReceiver();
		try {
			const transcription = await client.stt.create({
				model: 'stt-async-v5',
				audio_url: audioUrl,
				webhook_url: `${receiver.url}/hooks/soniox?tenant=acme`,
				webhook_auth_header_name: 'X-Webhook-Secret',
				webhook_auth_header_value: 's3cret',
			});
			expect(transcription.webhook_auth_header_value).toBe('******************');
			await eventually(() => receiver.received.length === 1);
			const [delivery] = receiver.received;
			expect(delivery.url).toBe('/hooks/soniox?tenant=acme');
			const handled = client.webhooks.handle({
				method: delivery.method,
				headers: delivery.headers as Record<string, string>,
				body: JSON.parse(delivery.body),
				auth: { name: 'x-webhook-secret', value: 's3cret' },
			});
			expect(handled).toMatchObject({
				ok: true,
				status: 200,
				event: { id: transcription.id, status: 'completed' },
			});
			expect((await handled.fetchTranscript?.())?.text).toBe(SPOKEN);
			expect((await client.stt.get(transcription.id))?.webhook_status_code).toBe(200);
		} finally {
			await receiver.close();
		}
	});

	it('surfaces validation errors as SonioxHttpError with the error envelope in the body', async () => {
		const error = await client.stt
			.create({ model: 'stt-rt-v5', audio_url: audioUrl })
			.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(SonioxHttpError);
		expect((error as SonioxHttpError).statusCode).toBe(400);
		expect(JSON.parse((error as SonioxHttpError).bodyText ?? '{}')).toMatchObject({
			status_code: 400,
			error_type: 'invalid_request',
			validation_errors: [{ location: 'body.payload.model', message: 'Invalid model' }],
		});
	});
});

describe('models and voices', () => {
	it('lists STT models from data, with aliases, modes and 60 languages', async () => {
		const models = await client.models.list();
		const byId = new Map(models.map((model) => [model.id, model]));
		for (const id of ['stt-async-v6', 'stt-rt-v6', 'stt-async-v5', 'stt-rt-v5'])
			expect(byId.get(id)?.aliased_model_id).toBeNull();
		expect(byId.get('stt-rt-v4')?.aliased_model_id).toBe('stt-rt-v5');
		expect(byId.get('stt-async-v4')?.aliased_model_id).toBe('stt-async-v5');
		expect(byId.get('stt-async-v5')?.transcription_mode).toBe('async');
		expect(byId.get('stt-rt-v5')?.languages).toHaveLength(60);
		expect(byId.get('stt-rt-v5')?.languages).toContainEqual({ code: 'sl', name: 'Slovenian' });
	});

	it('lists TTS models: tts-rt-v2 with its voices; tts-rt-v1 is gone', async () => {
		const models = await client.tts.listModels();
		expect(models.map((model) => model.id)).toEqual(['tts-rt-v2']);
		const voices = models[0].voices.map((voice) => voice.id);
		expect(voices).toEqual(expect.arrayContaining(['Adrian', 'Bryce', 'Nora', 'Priya']));
		expect(voices).not.toContain('Maya');
		expect(models[0]).toMatchObject({ speed_min: 0.7, speed_max: 1.3, supports_timestamps: true });
	});

	it('clones a voice: create, ready for tts-rt-v2, list, count, recompute, conflict, delete', async () => {
		const voices = client.tts.voices;
		const clip = makeWav({ text: 'This is my narrator voice.', durationMs: 4000 });
		const voice = await voices.create({ name: 'Narrator', file: clip, filename: 'narrator.wav' });
		expect(voice).toMatchObject({ name: 'Narrator', filename: 'narrator.wav' });
		let current = voice;
		for (let attempt = 0; attempt < 50 && !current.isReady('tts-rt-v2'); attempt++) {
			await new Promise((resolve) => setTimeout(resolve, 20));
			current = (await voices.get(voice.id)) ?? current;
		}
		expect(current.isReady('tts-rt-v2')).toBe(true);
		expect(emulator.ctx.clonedVoiceStatus?.(voice.id, 'tts-rt-v2')).toBe('ready');

		const listed = [];
		for await (const item of await voices.list({ limit: 1 })) listed.push(item.id);
		expect(listed).toEqual([voice.id]);
		expect((await voices.count()).total).toBe(1);
		expect((await voices.recompute(voice.id)).models).toEqual(current.models);
		const duplicate = await voices
			.create({ name: 'Narrator', file: clip })
			.catch((error: SonioxHttpError) => error);
		expect((duplicate as SonioxHttpError).statusCode).toBe(409);
		await voices.delete(voice.id);
		expect(await voices.get(voice.id)).toBeNull();
	});
});

describe('keys, usage and limits', () => {
	it('creates temporary keys, and the SDK refuses out-of-range values before sending', async () => {
		const key = await client.auth.createTemporaryKey({
			usage_type: 'transcribe_websocket',
			expires_in_seconds: 60,
			client_reference_id: 'browser-user',
			single_use: true,
			max_session_duration_seconds: 18000,
		});
		expect(key.api_key).toMatch(/^snx_temp_/);
		expect(Date.parse(key.expires_at) - Date.now()).toBeGreaterThan(55_000);
		for (const bad of [
			{ expires_in_seconds: 0 },
			{ expires_in_seconds: 3601 },
			{ expires_in_seconds: 60, max_session_duration_seconds: 0 },
			{ expires_in_seconds: 60, max_session_duration_seconds: 18001 },
		]) {
			await expect(
				client.auth.createTemporaryKey({ usage_type: 'tts_rt', ...bad }),
			).rejects.toThrow();
		}
		expect(routeCalls('POST /v1/auth/temporary-api-key')).toBe(1);
	});

	it('iterates usage logs across pages, both ways, and the summary adds up exactly', async () => {
		const now = Date.now();
		await emulator.seedUsage({ count: 2500, clients: 40, start: now - 3 * DAY, end: now });
		const window = {
			start_time: new Date(now - 4 * DAY).toISOString(),
			end_time: new Date(now + 1000).toISOString(),
		};
		const ascending: string[] = [];
		for await (const log of await client.usageLogs.list({ ...window, limit: 1000 }))
			ascending.push(log.uuid);
		expect(ascending).toEqual(emulator.ledger().map((entry) => entry.uuid));
		expect(routeCalls('GET /v1/usage-logs')).toBe(3);
		const descending: string[] = [];
		for await (const log of await client.usageLogs.list({
			...window,
			limit: 700,
			sort: 'end_time_desc',
		}))
			descending.push(log.uuid);
		expect(descending).toEqual([...ascending].reverse());

		const summary = await client.usageLogs.getSummary(window);
		const units = (cost: string) => BigInt(cost.replace('.', ''));
		const ledgerTotal = emulator.ledger().reduce((sum, entry) => sum + units(entry.cost_usd), 0n);
		expect(summary.total.total_num_requests).toBe(2500);
		expect(units(summary.total.total_cost_usd)).toBe(ledgerTotal);
		expect(summary.total.model).toBeNull();
		expect(summary.total.days).toHaveLength(5);
		expect(summary.models.map((model) => model.model)).toEqual([
			'stt-async-v5',
			'stt-rt-v5',
			'tts-rt-v2',
		]);
	});

	it('reads concurrency limits (live counts) and streams history', async () => {
		const release = emulator.ctx.acquireSlot('transcribe');
		try {
			const limits = await client.concurrencyLimits.get();
			expect(limits.organization).toEqual({
				current: { transcribe_concurrent: 1, tts_concurrent: 0 },
				limits: { transcribe_concurrent: 10, tts_concurrent: 5 },
			});
		} finally {
			release?.();
		}
		const history = await client.concurrencyLimits.getHistory({
			start_time: new Date(Date.now() - 3_600_000).toISOString(),
			end_time: new Date().toISOString(),
			period_sec: 60,
			kind: 'stt',
		});
		expect(history.kind).toBe('stt');
		expect(history.entries).toHaveLength(60);
		expect(history.entries.some((entry) => entry.sample_max === 1)).toBe(true);
	});
});
