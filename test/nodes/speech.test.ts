import { makeWav, startEmulator, type Emulator } from '../emulator';
import {
	emulatorCredentials,
	readBinary,
	runNode,
	storeBinary,
	expectRequestsToConform,
} from '../harness';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator();
});
afterEach(() => expectRequestsToConform(emulator));
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const credentials = () => emulatorCredentials(emulator);
const run = (
	resource: string,
	operation: string,
	parameters: Record<string, unknown>,
	items?: unknown[],
	continueOnFail = false,
) =>
	runNode({
		parameters: { resource, operation, ...parameters },
		credentials: credentials(),
		items: items as never,
		continueOnFail,
	});
const sent = () => emulator.requests().filter((request) => request.path !== '/v1/tts-models');

describe('Speech → Synthesize (REST)', () => {
	it('streams WAV audio into a binary field at the requested sample rate, billed to the client reference ID', async () => {
		const { items, error } = await run('speech', 'synthesize', {
			text: 'Your order has shipped.',
			audioFormat: 'wav',
			voice: 'Nora',
			clientReferenceId: 'shop-12',
			speechOptions: { sampleRate: 16000 },
		});
		expect(error).toBeUndefined();
		const audio = await readBinary(items[0]);
		expect(audio.subarray(0, 4).toString()).toBe('RIFF');
		expect(audio.readUInt32LE(24)).toBe(16000);
		expect(items[0].binary?.data).toMatchObject({ mimeType: 'audio/wav', fileName: 'speech.wav' });
		expect(items[0].json).toMatchObject({
			mode: 'rest',
			voice: 'Nora',
			bytes: audio.length,
			client_reference_id: 'shop-12',
		});
		expect(emulator.ledger()).toMatchObject([
			{ request_scope: 'api', model: 'tts-rt-v2', client_reference_id: 'shop-12' },
		]);
	});

	it('gives MP3 a frame header and longer text longer audio', async () => {
		const short = await run('speech', 'synthesize', { text: 'Hi.', audioFormat: 'mp3' });
		const long = await run('speech', 'synthesize', { text: 'Hi. '.repeat(40), audioFormat: 'mp3' });
		const shortAudio = await readBinary(short.items[0]);
		const longAudio = await readBinary(long.items[0]);
		expect(shortAudio[0] === 0xff || shortAudio.subarray(0, 3).toString() === 'ID3').toBe(true);
		expect(longAudio.length).toBeGreaterThan(shortAudio.length * 5);
		expect(long.items[0].binary?.data.mimeType).toBe('audio/mpeg');
	});

	it('speaks several items over one real-time connection', async () => {
		const { items, error } = await run(
			'speech',
			'synthesizeRealTime',
			{
				text: '={{ $json.line }}',
				audioFormat: 'wav',
				clientReferenceId: '={{ $json.customer }}',
				returnTimestamps: true,
			},
			[
				{ json: { line: 'First line.', customer: 'a' } },
				{ json: { line: 'Second line, a little longer.', customer: 'b' } },
				{ json: { line: 'Third.', customer: 'c' } },
			],
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		for (const item of items)
			expect((await readBinary(item)).subarray(0, 4).toString()).toBe('RIFF');
		expect(items[1].json.timestamps).toBeDefined();
		expect(
			emulator
				.ledger()
				.map((entry) => entry.client_reference_id)
				.sort(),
		).toEqual(['a', 'b', 'c']);
		expect(emulator.ledger().every((entry) => entry.model.startsWith('tts-'))).toBe(true);
	});

	it.each([
		['empty text', { text: '   ' }, /Text of item 0 is empty/],
		['text over 5000 characters', { text: 'a'.repeat(5001) }, /at most 5000/],
		[
			'a sample rate the format lacks',
			{ audioFormat: 'pcm_mulaw', speechOptions: { sampleRate: 24000 } },
			/which pcm_mulaw does not offer/,
		],
		[
			'a bitrate on WAV',
			{ audioFormat: 'wav', speechOptions: { bitrate: 128000 } },
			/Bitrate of item 0 applies only/,
		],
		[
			'a speed out of range',
			{ speechOptions: { speed: 2 } },
			/Speed of item 0 must be a number from 0.7 to 1.3, not 2/,
		],
		['an overlong client reference ID', { clientReferenceId: 'x'.repeat(300) }, /at most 256/],
	])('refuses %s before sending anything', async (_name, parameters, message) => {
		const { error } = await run('speech', 'synthesize', { text: 'Hello there.', ...parameters });
		expect(error?.message).toMatch(message);
		expect(sent()).toHaveLength(0);
	});

	it('shows the TTS error for an unknown voice, and continues on fail with the next item', async () => {
		const { items } = await run(
			'speech',
			'synthesize',
			{ text: 'Hello.', voice: '={{ $json.voice }}' },
			[{ json: { voice: 'Nobody' } }, { json: { voice: 'Adrian' } }],
			true,
		);
		expect(items[0].json.error).toMatch(/Invalid voice 'Nobody' for model 'tts-rt-v2'/);
		expect(items[1].binary?.data).toBeDefined();
	});

	it('retries a 429 from the TTS endpoint', async () => {
		emulator.faults.arm({ route: 'POST /tts', statuses: [429], retryAfterSeconds: 0 });
		const { items } = await run('speech', 'synthesize', { text: 'Hello again.' });
		expect(items[0].binary?.data).toBeDefined();
		expect(
			emulator
				.requests()
				.filter((request) => request.route === 'POST /tts')
				.map((request) => request.status),
		).toEqual([429, 200]);
	});
});

describe('Temporary Key → Create', () => {
	it('creates a key bound to the end user that the TTS API bills to that user, never exposing the credential key', async () => {
		const { items, run: execution } = await run('temporaryKey', 'create', {
			usageType: 'tts_rt',
			expiresInSeconds: 120,
			clientReferenceId: 'end-user-9',
			keyOptions: { singleUse: true },
		});
		const key = items[0].json;
		expect(key).toMatchObject({
			usage_type: 'tts_rt',
			client_reference_id: 'end-user-9',
			rest_url: `${emulator.urls.ttsRest}/tts`,
			websocket_url: emulator.urls.ttsWebSocket,
		});
		expect(String(key.api_key)).toMatch(/^snx_temp_/);
		expect(JSON.stringify(execution)).not.toContain(emulator.apiKey);
		const speech = await fetch(`${emulator.urls.ttsRest}/tts`, {
			method: 'POST',
			headers: {
				Authorization: `Bearer ${String(key.api_key)}`,
				'Content-Type': 'application/json',
			},
			body: JSON.stringify({
				model: 'tts-rt-v2',
				language: 'en',
				voice: 'Adrian',
				audio_format: 'wav',
				text: 'Hi',
				client_reference_id: 'spoofed',
			}),
		});
		await speech.arrayBuffer();
		expect(speech.status).toBe(200);
		expect(emulator.ledger()).toMatchObject([{ client_reference_id: 'end-user-9' }]);
	});

	it('gives the real-time transcription URL for that usage type', async () => {
		const { items } = await run('temporaryKey', 'create', {
			usageType: 'transcribe_websocket',
			expiresInSeconds: 60,
		});
		expect(items[0].json.websocket_url).toBe(emulator.urls.sttWebSocket);
	});

	it.each([
		[
			'expiry 0',
			{ expiresInSeconds: 0 },
			/Expires In \(Seconds\) of item 0 must be a whole number from 1 to 3600/,
		],
		['expiry 3601', { expiresInSeconds: 3601 }, /from 1 to 3600/],
		[
			'a session of 20000 seconds',
			{ keyOptions: { maxSessionDurationSeconds: 20000 } },
			/from 1 to 18000/,
		],
	])('refuses %s before sending anything', async (_name, parameters, message) => {
		const { error } = await run('temporaryKey', 'create', {
			usageType: 'tts_rt',
			expiresInSeconds: 60,
			...parameters,
		});
		expect(error?.message).toMatch(message);
		expect(emulator.requests()).toHaveLength(0);
	});
});

describe('Voice, Account and Model', () => {
	it('clones, gets, lists and deletes a voice', async () => {
		const clip = await storeBinary(
			makeWav({ text: 'This is my voice.', durationMs: 3000 }),
			'me.wav',
			'audio/wav',
		);
		const created = await run('voice', 'create', { name: 'Narrator' }, [
			{ json: {}, binary: { data: clip } },
		]);
		const id = String(created.items[0].json.id);
		expect(created.items[0].json.name).toBe('Narrator');
		expect((await run('voice', 'get', { voiceId: id })).items[0].json.id).toBe(id);
		expect((await run('voice', 'getMany', { returnAll: true })).items).toHaveLength(1);
		const duplicate = await run('voice', 'create', { name: 'Narrator' }, [
			{ json: {}, binary: { data: clip } },
		]);
		expect(duplicate.error?.message).toContain('already exists');
		expect((await run('voice', 'delete', { voiceId: id })).items[0].json).toEqual({
			id,
			deleted: true,
		});
	});

	it('counts files, transcriptions and voices, and recomputes a voice for a model', async () => {
		const clip = await storeBinary(
			makeWav({ text: 'This is my voice.', durationMs: 3000 }),
			'me.wav',
			'audio/wav',
		);
		const created = await run('voice', 'create', { name: 'Counted' }, [
			{ json: {}, binary: { data: clip } },
		]);
		const id = String(created.items[0].json.id);
		for (const [resource, total] of [
			['file', 0],
			['transcription', 0],
			['voice', 1],
		] as const) {
			const { items, error } = await run(resource, 'count', {});
			expect(error).toBeUndefined();
			expect(items[0].json).toMatchObject({ total });
		}
		const all = await run('voice', 'recompute', { voiceId: id, model: '' });
		expect(all.error).toBeUndefined();
		expect(all.items[0].json.id).toBe(id);
		const one = await run('voice', 'recompute', { voiceId: id, model: 'tts-rt-v2' });
		expect(one.error).toBeUndefined();
		expect(emulator.contractViolations()).toEqual([]);
		await run('voice', 'delete', { voiceId: id });
	});

	it('lists shared voices of a model by filter, page by page', async () => {
		const every = await run('voice', 'getManyShared', { model: 'tts-rt-v2', returnAll: true });
		expect(every.error).toBeUndefined();
		expect(every.items.length).toBeGreaterThan(1);
		const female = await run('voice', 'getManyShared', {
			model: 'tts-rt-v2',
			returnAll: true,
			filters: { gender: 'female' },
		});
		expect(female.items.length).toBeGreaterThan(0);
		expect(female.items.length).toBeLessThan(every.items.length);
		expect(female.items.every((item) => item.json.gender === 'female')).toBe(true);
		const two = await run('voice', 'getManyShared', { model: 'tts-rt-v2', limit: 2 });
		expect(two.items).toHaveLength(2);
		expect(emulator.contractViolations()).toEqual([]);
		const wrong = await run('voice', 'getManyShared', {
			model: 'tts-rt-v2',
			filters: { gender: 'robot' },
		});
		expect(wrong.error?.message).toMatch(/^Gender of item 0 must be /);
	});

	it('reads concurrency limits and history, and refuses a reversed window', async () => {
		const limits = await run('account', 'getConcurrencyLimits', {});
		expect(limits.items[0].json).toHaveProperty('organization.limits.transcribe_concurrent', 10);
		const history = await run('account', 'getStreamsHistory', {
			kind: 'tts',
			startTime: '2026-11-24T00:00:00Z',
			endTime: '2026-11-24T06:00:00Z',
			periodSec: 3600,
		});
		expect(history.items[0].json.entries).toHaveLength(6);
		const reversed = await run('account', 'getStreamsHistory', {
			kind: 'tts',
			startTime: '2026-11-24T06:00:00Z',
			endTime: '2026-11-24T00:00:00Z',
			periodSec: 3600,
		});
		expect(reversed.error?.message).toMatch(/End after Start/);
	});

	it('lists models by type and mode, with a limit, and explains a wrong key without showing it', async () => {
		const asyncModels = await run('model', 'getMany', {
			modelType: 'stt',
			transcriptionMode: 'async',
			returnAll: true,
		});
		expect(asyncModels.items.every((item) => item.json.transcription_mode === 'async')).toBe(true);
		const tts = await run('model', 'getMany', { modelType: 'tts', returnAll: false, limit: 1 });
		expect(tts.items.map((item) => item.json.id)).toEqual(['tts-rt-v2']);
		const wrong = await runNode({
			parameters: { resource: 'model', operation: 'getMany', modelType: 'stt', returnAll: true },
			credentials: { ...credentials(), apiKey: 'sk-wrong-secret' },
		});
		expect(wrong.error?.message).toMatch(/^Soniox did not accept the API key: /);
		expect(wrong.error?.description).toContain('Check the API key');
		expect(JSON.stringify(wrong.run)).not.toContain('sk-wrong-secret');
	});
});
