// The REST error envelope, field by field: validation errors with their locations, 401/403/
// 404/405/409 with Soniox's messages, and request ids that match the X-Request-Id header.
import { startEmulator, type Emulator } from '..';
import { DAY, logsPath, rest, type ErrorEnvelope } from './rest-helpers';

let emulator: Emulator;
let api: ReturnType<typeof rest>;

beforeAll(async () => {
	emulator = await startEmulator({ transcription: { queuedMs: 10, processingBaseMs: 20 } });
	api = rest(emulator);
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const ASYNC = { model: 'stt-async-v5', audio_url: 'http://127.0.0.1:9/a.wav' };
const KEY = { usage_type: 'tts_rt', expires_in_seconds: 60 };

async function expectError(
	response: Response,
	status: number,
	errorType: string,
): Promise<ErrorEnvelope> {
	expect(response.status).toBe(status);
	expect(response.headers.get('content-type')).toBe('application/json');
	const body = (await response.json()) as ErrorEnvelope;
	expect(Object.keys(body).sort()).toEqual(
		['error_type', 'message', 'more_info', 'request_id', 'status_code', 'validation_errors'].sort(),
	);
	expect(body).toMatchObject({ status_code: status, error_type: errorType });
	expect(body.request_id).toBe(response.headers.get('x-request-id'));
	expect(body.request_id).toMatch(
		/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
	);
	expect(body.more_info).toBe(
		`https://soniox.com/docs/api-reference/errors#${errorType.replace(/_/g, '-')}`,
	);
	return body;
}

describe('validation errors: 400 invalid_request naming the field', () => {
	const now = () => Date.now();
	const cases: Array<[string, () => Promise<Response>, string, string?]> = [
		[
			'an overlong client_reference_id on a transcription',
			() => api.post('/v1/transcriptions', { ...ASYNC, client_reference_id: 'x'.repeat(257) }),
			'body.payload.client_reference_id',
			'string_too_long',
		],
		[
			'an overlong client_reference_id on a temporary key',
			() =>
				api.post('/v1/auth/temporary-api-key', { ...KEY, client_reference_id: 'x'.repeat(257) }),
			'body.payload.client_reference_id',
			'string_too_long',
		],
		[
			'an overlong client_reference_id on an upload',
			() => api.upload('abc', { client_reference_id: 'y'.repeat(257) }),
			'file.client_reference_id',
			'string_too_long',
		],
		[
			'an upload without a file part',
			() => {
				const form = new FormData();
				form.append('client_reference_id', 'c');
				return api.call('/v1/files', { method: 'POST', body: form });
			},
			'file.file',
			'missing',
		],
		[
			'both audio_url and file_id',
			() =>
				api.post('/v1/transcriptions', {
					...ASYNC,
					file_id: '00000000-0000-4000-8000-000000000000',
				}),
			'body.payload.audio_url',
		],
		[
			'neither audio_url nor file_id',
			() => api.post('/v1/transcriptions', { model: 'stt-async-v5' }),
			'body.payload.audio_url',
		],
		[
			'an audio_url that is not http(s)',
			() => api.post('/v1/transcriptions', { model: 'stt-async-v5', audio_url: 'ftp://x/a.wav' }),
			'body.payload.audio_url',
			'string_pattern_mismatch',
		],
		[
			'a missing model',
			() => api.post('/v1/transcriptions', { audio_url: ASYNC.audio_url }),
			'body.payload.model',
			'missing',
		],
		[
			'an unknown model',
			() => api.post('/v1/transcriptions', { ...ASYNC, model: 'stt-async-v1' }),
			'body.payload.model',
		],
		[
			'a real-time model for async',
			() => api.post('/v1/transcriptions', { ...ASYNC, model: 'stt-rt-v5' }),
			'body.payload.model',
		],
		[
			'a translation to a language the model lacks',
			() =>
				api.post('/v1/transcriptions', {
					...ASYNC,
					translation: { type: 'one_way', target_language: 'xx' },
				}),
			'body.payload.translation.target_language',
		],
		[
			'a translation of an unknown type',
			() => api.post('/v1/transcriptions', { ...ASYNC, translation: { type: 'three_way' } }),
			'body.payload.translation.type',
			'enum',
		],
		[
			'a context with a malformed general list',
			() => api.post('/v1/transcriptions', { ...ASYNC, context: { general: [{ key: 'k' }] } }),
			'body.payload.context.general.0.value',
		],
		[
			'over 100 language hints',
			() => api.post('/v1/transcriptions', { ...ASYNC, language_hints: Array(101).fill('en') }),
			'body.payload.language_hints',
		],
		[
			'a webhook_url that is not a URL',
			() => api.post('/v1/transcriptions', { ...ASYNC, webhook_url: 'not a url' }),
			'body.payload.webhook_url',
		],
		[
			'expires_in_seconds 0',
			() => api.post('/v1/auth/temporary-api-key', { ...KEY, expires_in_seconds: 0 }),
			'body.payload.expires_in_seconds',
			'greater_than_equal',
		],
		[
			'expires_in_seconds 3601',
			() => api.post('/v1/auth/temporary-api-key', { ...KEY, expires_in_seconds: 3601 }),
			'body.payload.expires_in_seconds',
			'less_than_equal',
		],
		[
			'a missing expires_in_seconds',
			() => api.post('/v1/auth/temporary-api-key', { usage_type: 'tts_rt' }),
			'body.payload.expires_in_seconds',
			'missing',
		],
		[
			'max_session_duration_seconds 18001',
			() => api.post('/v1/auth/temporary-api-key', { ...KEY, max_session_duration_seconds: 18001 }),
			'body.payload.max_session_duration_seconds',
			'less_than_equal',
		],
		[
			'an unknown usage_type',
			() => api.post('/v1/auth/temporary-api-key', { ...KEY, usage_type: 'files' }),
			'body.payload.usage_type',
			'enum',
		],
		[
			'a usage-log window over 31 days',
			() => api.call(logsPath(now() - 40 * DAY, now())),
			'query.payload',
		],
		[
			'a usage-log start over 91 days back',
			() => api.call(logsPath(now() - 95 * DAY, now() - 90 * DAY)),
			'query.start_time',
		],
		['a usage-log end equal to its start', () => api.call(logsPath(now(), now())), 'query.payload'],
		[
			'an unparseable usage-log time',
			() => api.call('/v1/usage-logs?start_time=yesterday&end_time=now'),
			'query.start_time',
			'datetime_parsing',
		],
		[
			'a usage-log request without end_time',
			() => api.call(`/v1/usage-logs?start_time=${new Date().toISOString()}`),
			'query.end_time',
			'missing',
		],
		[
			'an unknown usage-log sort',
			() => api.call(logsPath(now() - 1000, now(), '&sort=newest')),
			'query.sort',
			'enum',
		],
		[
			'a usage-log limit of 0',
			() => api.call(logsPath(now() - 1000, now(), '&limit=0')),
			'query.limit',
		],
		['a file list limit over 1000', () => api.call('/v1/files?limit=1001'), 'query.limit'],
		[
			'a transcription list limit that is not a number',
			() => api.call('/v1/transcriptions?limit=ten'),
			'query.limit',
		],
		[
			'a summary window over 366 days',
			() =>
				api.call(`/v1/usage/summary?start_time=2025-01-01T00:00:00Z&end_time=2026-01-03T00:00:00Z`),
			'query.payload',
		],
		[
			'a streams-history period that is not 60, 3600 or 86400',
			() =>
				api.call(
					`/v1/concurrent-streams-history?start_time=2026-01-01T00:00:00Z&end_time=2026-01-02T00:00:00Z&period_sec=120&kind=stt`,
				),
			'query.period_sec',
			'enum',
		],
		[
			'a JSON body that is not an object',
			() => api.call('/v1/transcriptions', { method: 'POST', body: '[1, 2]' }),
			'body',
			'json_invalid',
		],
	];

	// Every row gets four values: with fewer, jest would pass a `done` callback as the fourth.
	const rows = cases.map(
		([name, send, location, errorType]) => [name, send, location, errorType ?? ''] as const,
	);
	it.each(rows)('refuses %s', async (_name, send, location, errorType) => {
		const body = await expectError(await send(), 400, 'invalid_request');
		expect(body.message).toContain('did not pass validation');
		const found = body.validation_errors.find((error) => error.location === location);
		expect(found).toBeDefined();
		if (errorType) expect(found?.error_type).toBe(errorType);
		expect(found?.message).toEqual(expect.any(String));
		expect(emulator.ledger()).toHaveLength(0);
	});

	it('reports every invalid field of a request at once', async () => {
		const body = await expectError(
			await api.post('/v1/auth/temporary-api-key', {
				usage_type: 'nope',
				expires_in_seconds: 99999,
				single_use: 'yes',
				client_reference_id: 'z'.repeat(300),
			}),
			400,
			'invalid_request',
		);
		expect(body.validation_errors.map((error) => error.location).sort()).toEqual([
			'body.payload.client_reference_id',
			'body.payload.expires_in_seconds',
			'body.payload.single_use',
			'body.payload.usage_type',
		]);
	});

	it('accepts the boundaries: expires_in_seconds 1 and 3600, a 256-character reference id', async () => {
		for (const expires of [1, 3600]) {
			const response = await api.post('/v1/auth/temporary-api-key', {
				...KEY,
				expires_in_seconds: expires,
				client_reference_id: 'r'.repeat(256),
				max_session_duration_seconds: 18000,
			});
			expect(response.status).toBe(201);
			const created = (await response.json()) as { api_key: string; expires_at: string };
			expect(created.api_key).toMatch(/^snx_temp_[\w-]+\.[\w-]+\.[\w-]+$/);
			expect(Date.parse(created.expires_at)).toBeGreaterThan(Date.now() + expires * 1000 - 2000);
		}
	});
});

describe('cursors', () => {
	it('answers malformed and foreign cursors with 400 invalid_cursor', async () => {
		const envelope = await expectError(
			await api.call('/v1/files?cursor=not-a-cursor'),
			400,
			'invalid_cursor',
		);
		expect(envelope.message).toBe(
			'The `cursor` parameter is invalid. Omit `cursor` to start pagination from the beginning.',
		);
		await api.upload('a');
		await api.upload('b');
		const { next_page_cursor: filesCursor } = await api.json<{ next_page_cursor: string }>(
			api.call('/v1/files?limit=1'),
		);
		expect(filesCursor).toEqual(expect.any(String));
		// A files cursor means nothing to the transcriptions list.
		await expectError(
			await api.call(`/v1/transcriptions?cursor=${filesCursor}`),
			400,
			'invalid_cursor',
		);
		await expectError(
			await api.call(logsPath(Date.now() - 1000, Date.now(), `&cursor=${filesCursor}`)),
			400,
			'invalid_cursor',
		);
	});

	it('treats an empty cursor as the first page and ends with null, never ""', async () => {
		await api.upload('only');
		const page = await api.json<{ files: unknown[]; next_page_cursor: unknown }>(
			api.call('/v1/files?cursor=&limit=1'),
		);
		expect(page.files).toHaveLength(1);
		expect(page.next_page_cursor).toBeNull();
	});
});

describe('authentication and missing things', () => {
	it('answers a missing key, a non-Bearer header and a wrong key with 401 and the API messages', async () => {
		const missing = await expectError(
			await api.call('/v1/models', {}, null),
			401,
			'unauthenticated',
		);
		expect(missing.message).toBe(
			"Missing API key. Provide it as an Authorization header (e.g. 'Authorization: Bearer <SONIOX_API_KEY>'). You can get an API key at https://console.soniox.com.",
		);
		const scheme = await expectError(
			await api.call(
				'/v1/models',
				{ headers: { Authorization: `Token ${emulator.apiKey}` } },
				null,
			),
			401,
			'unauthenticated',
		);
		expect(scheme.message).toMatch(/^Authorization header must use the Bearer scheme/);
		const wrong = await expectError(
			await api.call('/v1/models', {}, 'wrong-key'),
			401,
			'unauthenticated',
		);
		expect(wrong.message).toBe(
			'Incorrect API key provided. You can get an API key at https://console.soniox.com',
		);
		const unknownTemporary = await expectError(
			await api.call('/v1/models', {}, 'snx_temp_NOSUCHKEY.x.y'),
			401,
			'unauthenticated',
		);
		expect(unknownTemporary.message).toMatch(/^Invalid or expired temporary API key/);
	});

	it('refuses a temporary key on REST management calls with 401 unauthenticated (the spec documents no 403)', async () => {
		const { api_key } = await api.json<{ api_key: string }>(
			api.post('/v1/auth/temporary-api-key', KEY),
		);
		for (const path of [
			'/v1/files',
			'/v1/transcriptions',
			'/v1/models',
			logsPath(Date.now() - 1000, Date.now()),
		]) {
			await expectError(await api.call(path, {}, api_key), 401, 'unauthenticated');
		}
	});

	it('answers unknown ids with the 404 types and messages of the reference', async () => {
		const id = '00000000-0000-4000-8000-000000000000';
		const file = await expectError(await api.call(`/v1/files/${id}`), 404, 'file_not_found');
		expect(file.message).toMatch(/^No file with this ID exists in your project\./);
		await expectError(
			await api.call(`/v1/files/${id}`, { method: 'DELETE' }),
			404,
			'file_not_found',
		);
		const transcription = await expectError(
			await api.call(`/v1/transcriptions/${id}`),
			404,
			'transcription_not_found',
		);
		expect(transcription.message).toMatch(
			/^No transcription with this ID exists in your project\./,
		);
		await expectError(
			await api.call(`/v1/transcriptions/${id}/transcript`),
			404,
			'transcription_not_found',
		);
		// The spec documents no 404 for creating a transcription: an unknown file is a 400.
		const unknownFile = await expectError(
			await api.post('/v1/transcriptions', { model: 'stt-async-v5', file_id: id }),
			400,
			'invalid_request',
		);
		expect(unknownFile.validation_errors.map((error) => error.location)).toEqual([
			'body.payload.file_id',
		]);
		await expectError(await api.call(`/v1/voices/${id}`), 404, 'voice_not_found');
	});

	it('answers unknown routes with 404 and known paths with another method with 405 and Allow', async () => {
		await expectError(await api.call('/v1/nothing-here'), 404, 'not_found');
		await expectError(await api.call('/v2/files'), 404, 'not_found');
		const response = await api.call('/v1/files', { method: 'PUT' });
		await expectError(response, 405, 'method_not_allowed');
		expect(response.headers.get('allow')).toBe('POST, GET');
	});

	it('answers the transcript of an unfinished or failed job with 409 transcription_invalid_state', async () => {
		emulator.config.transcription.queuedMs = 200;
		try {
			const created = await api.json<{ id: string }>(api.post('/v1/transcriptions', ASYNC));
			const early = await expectError(
				await api.call(`/v1/transcriptions/${created.id}/transcript`),
				409,
				'transcription_invalid_state',
			);
			expect(early.message).toMatch(/^The transcript is not ready yet/);
			// Port 9 (discard) refuses the download: the job fails.
			await api.waitForTranscription(created.id);
			const failed = await expectError(
				await api.call(`/v1/transcriptions/${created.id}/transcript`),
				409,
				'transcription_invalid_state',
			);
			expect(failed.message).toMatch(/failed/);
		} finally {
			emulator.config.transcription.queuedMs = 10;
		}
	});
});
