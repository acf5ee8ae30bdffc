// Conformance: the official SDK (@soniox/node), a real client written by Soniox, against the
// emulator's REST API. Where the SDK and the emulator disagree, the contract decides.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { SonioxNodeClient } from '@soniox/node';

import { makeWav, startEmulator, type Emulator } from '..';

let emulator: Emulator;
let client: SonioxNodeClient;
let audioServer: Server;
let audioUrl: string;
const SPOKEN = 'The official client hears the emulator clearly.';

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

describe('files', () => {
	it('uploads, lists across pages, gets, counts and deletes', async () => {
		const uploaded = [];
		for (let index = 0; index < 5; index++) {
			uploaded.push(
				await client.files.upload(makeWav({ text: `file ${index}`, durationMs: 500 }), {
					filename: `clip-${index}.wav`,
					client_reference_id: 'tenant-a',
				}),
			);
		}
		expect(uploaded[0].filename).toBe('clip-0.wav');
		expect(uploaded[0].client_reference_id).toBe('tenant-a');

		const listed = [];
		for await (const file of await client.files.list({ limit: 2 })) listed.push(file.id);
		expect(listed.sort()).toEqual(uploaded.map((file) => file.id).sort());
		expect(emulator.requests().filter((request) => request.route === 'GET /v1/files')).toHaveLength(
			3,
		);

		expect((await client.files.get(uploaded[1].id))?.size).toBe(uploaded[1].size);
		expect((await client.files.count()).total).toBe(5);
		await client.files.delete(uploaded[1].id);
		expect(await client.files.get(uploaded[1].id)).toBeNull();
		expect((await client.files.count()).total).toBe(4);
	});
});

describe('transcriptions', () => {
	it('transcribes an uploaded file: create, wait, transcript, delete', async () => {
		const file = await client.files.upload(makeWav({ text: SPOKEN, durationMs: 3000 }), {
			filename: 'spoken.wav',
		});
		const transcription = await client.stt.create({
			model: 'stt-async-v5',
			file_id: file.id,
			enable_speaker_diarization: true,
			client_reference_id: 'customer-7',
		});
		expect(transcription.status).toBe('queued');
		const done = await transcription.wait({ interval_ms: 1000 });
		expect(done.status).toBe('completed');
		expect(done.audio_duration_ms).toBe(3000);
		const transcript = await done.getTranscript();
		expect(transcript?.text).toBe(SPOKEN);
		expect(transcript?.tokens.every((token) => token.speaker !== undefined)).toBe(true);

		const [entry] = emulator.ledger();
		expect(entry).toMatchObject({
			request_scope: 'transcribe_async',
			model: 'stt-async-v5',
			client_reference_id: 'customer-7',
			input_audio_duration_ms: 3000,
		});
		await done.delete();
		expect(await client.stt.get(done.id)).toBeNull();
	});

	it('transcribes a loopback audio_url and lists and counts transcriptions', async () => {
		const transcription = await client.stt.create({ model: 'stt-async-v5', audio_url: audioUrl });
		expect(transcription.filename).toBe('meeting.wav');
		await transcription.wait({ interval_ms: 1000 });
		expect((await transcription.getTranscript())?.text).toBe(SPOKEN);
		const ids = [];
		for await (const item of await client.stt.list({ limit: 1 })) ids.push(item.id);
		expect(ids).toEqual([transcription.id]);
		expect((await client.stt.count()).total).toBe(1);
	});

	it('ends in status error for audio the emulator cannot reach', async () => {
		const transcription = await client.stt.create({
			model: 'stt-async-v5',
			audio_url: 'https://media.example.com/a.mp3',
		});
		const done = await transcription.wait({ interval_ms: 1000 });
		expect(done.status).toBe('error');
		expect(done.error_type).toBe('audio_download_failed');
		expect(emulator.ledger()).toHaveLength(0);
	});
});

describe('models, keys, usage and limits', () => {
	it('lists models, including aliases', async () => {
		const models = await client.models.list();
		const ids = models.map((model) => model.id);
		expect(ids).toEqual(expect.arrayContaining(['stt-async-v5', 'stt-rt-v5', 'stt-async-v4']));
		expect(models.find((model) => model.id === 'stt-rt-v4')?.aliased_model_id).toBe('stt-rt-v5');
	});

	it('creates temporary keys and keeps the SDK range checks', async () => {
		const key = await client.auth.createTemporaryKey({
			usage_type: 'transcribe_websocket',
			expires_in_seconds: 60,
			client_reference_id: 'browser-user',
		});
		expect(key.api_key).toMatch(/^temp:/);
		expect(Date.parse(key.expires_at)).toBeGreaterThan(Date.now());
		await expect(
			client.auth.createTemporaryKey({ usage_type: 'tts_rt', expires_in_seconds: 3601 }),
		).rejects.toThrow();
		expect(emulator.requests().filter((request) => request.method === 'POST')).toHaveLength(1);
	});

	it('iterates usage logs across pages and reads the daily summary', async () => {
		const now = Date.now();
		await emulator.seedUsage({ count: 2500, clients: 40, start: now - 3 * 86_400_000, end: now });
		const seen = new Set<string>();
		const result = await client.usageLogs.list({
			start_time: new Date(now - 4 * 86_400_000).toISOString(),
			end_time: new Date(now + 1000).toISOString(),
			limit: 1000,
		});
		for await (const log of result) seen.add(log.uuid);
		expect(seen.size).toBe(2500);
		expect(
			emulator.requests().filter((request) => request.route === 'GET /v1/usage-logs'),
		).toHaveLength(3);

		const summary = await client.usageLogs.getSummary({
			start_time: new Date(now - 4 * 86_400_000).toISOString(),
			end_time: new Date(now + 1000).toISOString(),
		});
		expect(summary.total.total_num_requests).toBe(2500);
		expect(summary.total.days.length).toBeGreaterThanOrEqual(4);
		expect(summary.models.map((model) => model.model).sort()).toEqual([
			'stt-async-v5',
			'stt-rt-v5',
			'tts-rt-v2',
		]);
	});

	it('reads concurrency limits and history', async () => {
		const limits = await client.concurrencyLimits.get();
		expect(limits.organization.limits.transcribe_concurrent).toBe(10);
		const history = await client.concurrencyLimits.getHistory({
			start_time: new Date(Date.now() - 3_600_000).toISOString(),
			end_time: new Date().toISOString(),
			period_sec: 60,
			kind: 'stt',
		});
		expect(history.entries.length).toBeGreaterThanOrEqual(60);
	});
});
