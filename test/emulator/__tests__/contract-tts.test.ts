// The contract, part 2: voices, TTS models, shared voices and POST /tts, over real HTTP.
// Every documented status of these nine operations is produced and validated strictly.
import { makeWav, startEmulator, type Emulator } from '..';
import { contractClient, Coverage, operationIds, UNKNOWN_ID } from './contract-helpers';

const OPERATIONS = operationIds((path) => /voices|tts/.test(path));

let emulator: Emulator;
let api: ReturnType<typeof contractClient>;
const coverage = new Coverage();

beforeAll(async () => {
	emulator = await startEmulator();
	api = contractClient(emulator, coverage);
});
afterEach(() => {
	expect(emulator.contractViolations().filter((v) => v.problem.startsWith('response'))).toEqual([]);
	emulator.reset();
});
afterAll(() => emulator.close());

function voiceForm(name: string | undefined, durationMs = 3000) {
	const form = new FormData();
	if (name !== undefined) form.append('name', name);
	form.append(
		'file',
		new Blob([new Uint8Array(makeWav({ text: 'My voice.', durationMs }))]),
		'me.wav',
	);
	return form;
}

const createVoice = (name?: string, durationMs?: number) =>
	api.call('/v1/voices', { method: 'POST', body: voiceForm(name, durationMs) });

async function voiceStatus(id: string) {
	const voice = await api.conforms<{
		models: Array<{ status: string; error_type: string | null }>;
	}>('get_voice', api.call(`/v1/voices/${id}`), 200);
	return voice.models[0];
}

describe('voices', () => {
	it('create_voice: 201 processing then ready; 400 without a name; 409 for a taken name', async () => {
		const voice = await api.conforms<{ id: string }>('create_voice', createVoice('Me'), 201);
		await api.waitFor(async () => (await voiceStatus(voice.id)).status === 'ready');
		const missing = await api.conforms<{ validation_errors: Array<{ location: string }> }>(
			'create_voice',
			createVoice(undefined),
			400,
			'invalid_request',
		);
		expect(missing.validation_errors.map((error) => error.location)).toEqual(['file.name']);
		await api.conforms('create_voice', createVoice('Me'), 409);
		await api.conforms(
			'create_voice',
			api.call('/v1/voices', { method: 'POST', body: voiceForm('X') }, null),
			401,
		);
		for (const status of [429, 500]) {
			api.inject('POST', '/v1/voices', status);
			await api.conforms('create_voice', createVoice('Y'), status);
		}
	});

	it('a reference clip over voice_cloning_max_audio_duration_ms fails with voice_audio_too_long', async () => {
		const voice = await api.conforms<{ id: string }>(
			'create_voice',
			createVoice('Long', 25_000),
			201,
		);
		await api.waitFor(async () => (await voiceStatus(voice.id)).status === 'failed');
		expect((await voiceStatus(voice.id)).error_type).toBe('voice_audio_too_long');
	});

	it('get_voices, get_voices_count, get_voice, recompute_voice, delete_voice', async () => {
		const a = await api.conforms<{ id: string }>('create_voice', createVoice('A'), 201);
		await api.conforms('create_voice', createVoice('B'), 201);
		const page = await api.conforms<{ voices: unknown[]; next_page_cursor: string }>(
			'get_voices',
			api.call('/v1/voices?limit=1'),
			200,
		);
		expect(page.voices).toHaveLength(1);
		await api.conforms('get_voices', api.call(`/v1/voices?cursor=${page.next_page_cursor}`), 200);
		await api.conforms('get_voices', api.call('/v1/voices?cursor=nope'), 400);
		await api.commonErrors('get_voices', 'GET', '/v1/voices');
		expect(await api.conforms('get_voices_count', api.call('/v1/voices/count'), 200)).toEqual({
			total: 2,
		});
		await api.commonErrors('get_voices_count', 'GET', '/v1/voices/count');

		await api.conforms('get_voice', api.call(`/v1/voices/${a.id}`), 200);
		await api.conforms('recompute_voice', api.post(`/v1/voices/${a.id}/recompute`, {}), 200);
		await api.conforms(
			'recompute_voice',
			api.post(`/v1/voices/${a.id}/recompute`, { model: 'tts-rt-v2' }),
			200,
		);
		await api.conforms(
			'recompute_voice',
			api.post(`/v1/voices/${a.id}/recompute`, { model: 'tts-rt-v0' }),
			400,
			'invalid_request',
		);
		await api.conforms('recompute_voice', api.post(`/v1/voices/${UNKNOWN_ID}/recompute`, {}), 404);
		await api.commonErrors('recompute_voice', 'POST', `/v1/voices/${a.id}/recompute`, {
			body: '{}',
		});

		await api.conforms('delete_voice', api.call(`/v1/voices/${a.id}`, { method: 'DELETE' }), 204);
		await api.conforms('get_voice', api.call(`/v1/voices/${a.id}`), 404);
		await api.conforms('delete_voice', api.call(`/v1/voices/${a.id}`, { method: 'DELETE' }), 404);
		await api.commonErrors('get_voice', 'GET', `/v1/voices/${UNKNOWN_ID}`);
		await api.commonErrors('delete_voice', 'DELETE', `/v1/voices/${UNKNOWN_ID}`);
	});
});

describe('TTS models and shared voices', () => {
	it('get_tts_models: every field the spec requires, voice cloning included', async () => {
		const { models } = await api.conforms<{ models: Array<Record<string, unknown>> }>(
			'get_tts_models',
			api.call('/v1/tts-models'),
			200,
		);
		expect(models[0]).toMatchObject({
			supports_voice_cloning: true,
			voice_cloning_max_audio_duration_ms: 20_000,
		});
		await api.commonErrors('get_tts_models', 'GET', '/v1/tts-models');
	});

	it('get_shared_voices: all filters must match; lists repeat or use commas; pages follow the filtered list', async () => {
		const voices = async (query: string) =>
			(
				await api.conforms<{ voices: Array<{ id: string; gender: string; use_case: string[] }> }>(
					'get_shared_voices',
					api.call(`/v1/shared-voices?model=tts-rt-v2${query}`),
					200,
				)
			).voices;
		const all = await voices('');
		expect(all.length).toBeGreaterThan(10);
		const british = await voices('&gender=female&age=middle_aged&accent=british');
		expect(british.map((voice) => voice.id)).toContain('Victoria');
		expect(british.every((voice) => voice.gender === 'female')).toBe(true);
		const commas = await voices('&use_case=educational,narration');
		expect(await voices('&use_case=educational&use_case=narration')).toEqual(commas);
		expect(commas.every((voice) => voice.use_case.includes('narration'))).toBe(true);
		expect(commas.length).toBeLessThan(all.length);

		const first = await api.conforms<{ voices: Array<{ id: string }>; next_page_cursor: string }>(
			'get_shared_voices',
			api.call('/v1/shared-voices?model=tts-rt-v2&gender=male&limit=3'),
			200,
		);
		const next = await api.conforms<{ voices: Array<{ id: string }> }>(
			'get_shared_voices',
			api.call(
				`/v1/shared-voices?model=tts-rt-v2&gender=male&limit=3&cursor=${first.next_page_cursor}`,
			),
			200,
		);
		const males = await voices('&gender=male');
		expect([...first.voices, ...next.voices].map((voice) => voice.id)).toEqual(
			males.slice(0, 6).map((voice) => voice.id),
		);
		await api.conforms(
			'get_shared_voices',
			api.call('/v1/shared-voices?model=tts-rt-v2&gender=robot'),
			400,
			'invalid_request',
		);
		await api.conforms(
			'get_shared_voices',
			api.call('/v1/shared-voices?gender=male'),
			400,
			'invalid_request',
		);
		await api.conforms(
			'get_shared_voices',
			api.call('/v1/shared-voices?model=tts-rt-v2&limit=201'),
			400,
			'invalid_request',
		);
		await api.conforms(
			'get_shared_voices',
			api.call('/v1/shared-voices?model=tts-rt-v2&cursor=bad'),
			400,
			'invalid_cursor',
		);
		const unknown = await api.conforms<{ message: string }>(
			'get_shared_voices',
			api.call('/v1/shared-voices?model=tts-rt-v0'),
			404,
			'invalid_request',
		);
		expect(unknown.message).toBe("TTS model 'tts-rt-v0' not found.");
		await api.commonErrors('get_shared_voices', 'GET', '/v1/shared-voices?model=tts-rt-v2');
	});
});

describe('POST /tts', () => {
	const speech = {
		model: 'tts-rt-v2',
		language: 'en',
		voice: 'Adrian',
		audio_format: 'wav',
		text: 'Hello.',
	};

	it('generate_tts: audio in a documented media type; TTSApiError bodies for 400 and 401', async () => {
		for (const audio_format of ['wav', 'mp3', 'pcm_s16le', 'opus', 'flac'])
			await api.conforms('generate_tts', api.post('/tts', { ...speech, audio_format }), 200);
		const missing = await api.conforms<{ error_message: string }>(
			'generate_tts',
			api.post('/tts', { ...speech, model: undefined }),
			400,
			'invalid_request',
		);
		expect(missing.error_message).toBe('Missing required field: model');
		const extra = await api.conforms<{ error_message: string }>(
			'generate_tts',
			api.post('/tts', { ...speech, pitch: 2 }),
			400,
			'invalid_request',
		);
		expect(extra.error_message).toMatch(/pitch/);
		await api.conforms('generate_tts', api.post('/tts', speech, null), 401, 'unauthenticated');
		const { api_key } = (await (
			await api.post('/v1/auth/temporary-api-key', {
				usage_type: 'transcribe_websocket',
				expires_in_seconds: 60,
			})
		).json()) as { api_key: string };
		const wrongUse = await api.conforms<{ error_message: string }>(
			'generate_tts',
			api.post('/tts', speech, api_key),
			401,
			'unauthenticated',
		);
		expect(wrongUse.error_message).toMatch(/usage_type/);
	});

	it.each([
		[402, 'organization_balance_exhausted'],
		[403, 'temp_api_key_session_expired'],
		[408, 'request_timeout'],
		[429, 'limit_exceeded'],
		[500, 'internal_error'],
		[503, 'service_unavailable'],
	])('generate_tts %i: the TTSApiError body with %s', async (status, errorType) => {
		api.inject('POST', '/tts', status);
		await api.conforms('generate_tts', api.post('/tts', speech), status, errorType);
	});
});

it('produced every documented status of these operations', () => {
	expect(OPERATIONS).toHaveLength(9);
	expect(coverage.missing(OPERATIONS)).toEqual([]);
});
