// The contract, part 1: files, transcriptions, models, temporary keys, usage and concurrency,
// over real HTTP. Every documented status of every one of these operations is produced and
// its body validated strictly against Soniox's OpenAPI document.
import { startEmulator, type Emulator } from '..';
import { contractClient, Coverage, operationIds, UNKNOWN_ID } from './contract-helpers';

const OPERATIONS = operationIds((path) => !/voices|tts/.test(path));

let emulator: Emulator;
let api: ReturnType<typeof contractClient>;
const coverage = new Coverage();

beforeAll(async () => {
	emulator = await startEmulator({ transcription: { queuedMs: 20, processingBaseMs: 20 } });
	api = contractClient(emulator, coverage);
});
afterEach(() => {
	// Requests a test sends on purpose to be refused are violations too: only responses count.
	expect(emulator.contractViolations().filter((v) => v.problem.startsWith('response'))).toEqual([]);
	emulator.reset();
});
afterAll(() => emulator.close());

const isoAgo = (ms: number) => new Date(Date.now() - ms).toISOString();
const HOUR = 3_600_000;

async function uploaded(text?: string) {
	return api.conforms<{ id: string }>('upload_file', api.upload(text), 201);
}

async function completedTranscription() {
	const file = await uploaded('Contracts are kept.');
	const created = await api.conforms<{ id: string }>(
		'create_transcription',
		api.post('/v1/transcriptions', { model: 'stt-async-v5', file_id: file.id }),
		201,
	);
	await api.waitFor(async () => {
		const found = (await (await api.call(`/v1/transcriptions/${created.id}`)).json()) as {
			status: string;
		};
		return found.status === 'completed';
	});
	return created.id;
}

describe('files', () => {
	it('get_files: pages with cursors; a bad cursor is invalid_cursor', async () => {
		await uploaded();
		await uploaded();
		const first = await api.conforms<{ files: unknown[]; next_page_cursor: string }>(
			'get_files',
			api.call('/v1/files?limit=1'),
			200,
		);
		expect(first.files).toHaveLength(1);
		const second = await api.conforms<{ next_page_cursor: string | null }>(
			'get_files',
			api.call(`/v1/files?limit=1&cursor=${first.next_page_cursor}`),
			200,
		);
		expect(second.next_page_cursor).toBeNull();
		await api.conforms('get_files', api.call('/v1/files?cursor=nope'), 400, 'invalid_cursor');
		await api.commonErrors('get_files', 'GET', '/v1/files');
	});

	it('upload_file: 201 with the reference id; a missing file is invalid_request at file.file; quota is 429', async () => {
		const file = await api.conforms<{ client_reference_id: string }>(
			'upload_file',
			api.upload('Hi.', { client_reference_id: 'ref-1' }),
			201,
		);
		expect(file.client_reference_id).toBe('ref-1');
		const form = new FormData();
		form.append('client_reference_id', 'x');
		const missing = await api.conforms<{ validation_errors: Array<{ location: string }> }>(
			'upload_file',
			api.call('/v1/files', { method: 'POST', body: form }),
			400,
			'invalid_request',
		);
		expect(missing.validation_errors.map((error) => error.location)).toContain('file.file');
		const odd = new FormData();
		odd.append('file', new Blob(['x']), 'a.wav');
		odd.append('filename', 'b.wav');
		const extra = await api.conforms<{ validation_errors: Array<{ location: string }> }>(
			'upload_file',
			api.call('/v1/files', { method: 'POST', body: odd }),
			400,
			'invalid_request',
		);
		expect(extra.validation_errors.map((error) => error.location)).toEqual(['file.filename']);
		emulator.config.quotas = { files: 1 };
		try {
			await api.conforms('upload_file', api.upload(), 429, 'limit_exceeded');
		} finally {
			emulator.config.quotas = undefined;
		}
		await api.conforms(
			'upload_file',
			api.call('/v1/files', { method: 'POST', body: form }, null),
			401,
		);
		api.inject('POST', '/v1/files', 500);
		await api.conforms('upload_file', api.upload(), 500, 'internal_error');
	});

	it('get_files_count: total, public_api and playground', async () => {
		await uploaded();
		const count = await api.conforms('get_files_count', api.call('/v1/files/count'), 200);
		expect(count).toEqual({ total: 1, public_api: 1, playground: 0 });
		await api.commonErrors('get_files_count', 'GET', '/v1/files/count');
	});

	it('get_file and delete_file: 200, 204, then 404 file_not_found', async () => {
		const file = await uploaded();
		await api.conforms('get_file', api.call(`/v1/files/${file.id}`), 200);
		await api.conforms('delete_file', api.call(`/v1/files/${file.id}`, { method: 'DELETE' }), 204);
		await api.conforms('get_file', api.call(`/v1/files/${file.id}`), 404, 'file_not_found');
		await api.conforms(
			'delete_file',
			api.call(`/v1/files/${file.id}`, { method: 'DELETE' }),
			404,
			'file_not_found',
		);
		await api.commonErrors('get_file', 'GET', `/v1/files/${UNKNOWN_ID}`);
		await api.commonErrors('delete_file', 'DELETE', `/v1/files/${UNKNOWN_ID}`);
	});

	it('delete_file of a file a queued transcription needs: 204, and the transcription fails with file_not_found', async () => {
		emulator.config.transcription.queuedMs = 300;
		try {
			const file = await uploaded();
			const created = await api.conforms<{ id: string }>(
				'create_transcription',
				api.post('/v1/transcriptions', { model: 'stt-async-v5', file_id: file.id }),
				201,
			);
			await api.conforms(
				'delete_file',
				api.call(`/v1/files/${file.id}`, { method: 'DELETE' }),
				204,
			);
			let failed: Record<string, unknown> = {};
			await api.waitFor(async () => {
				failed = await api.conforms(
					'get_transcription',
					api.call(`/v1/transcriptions/${created.id}`),
					200,
				);
				return failed.status === 'error';
			});
			expect(failed.error_type).toBe('file_not_found');
		} finally {
			emulator.config.transcription.queuedMs = 20;
		}
	});
});

describe('transcriptions', () => {
	it('create_transcription: 201; bad fields and an unknown file_id are 400 invalid_request; 402 and 429 bodies', async () => {
		const created = await api.conforms<Record<string, unknown>>(
			'create_transcription',
			api.post('/v1/transcriptions', {
				model: 'stt-async-v5',
				audio_url: 'http://127.0.0.1:9/a.wav',
				context: { terms: ['Soniox'] },
				webhook_url: 'http://127.0.0.1:9/hook',
				webhook_auth_header_name: 'X-Secret',
				webhook_auth_header_value: 'shh',
				client_reference_id: 'c-1',
			}),
			201,
		);
		expect(created).toMatchObject({
			status: 'queued',
			webhook_auth_header_value: '******************',
		});
		const refused = await api.conforms<{
			validation_errors: Array<{ location: string; error_type: string }>;
		}>(
			'create_transcription',
			api.post('/v1/transcriptions', { model: 'stt-async-v5', file_id: 'f-1', speakers: 2 }),
			400,
			'invalid_request',
		);
		expect(refused.validation_errors).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ location: 'body.payload.file_id', error_type: 'uuid_parsing' }),
				expect.objectContaining({
					location: 'body.payload.speakers',
					error_type: 'extra_forbidden',
				}),
			]),
		);
		await api.conforms(
			'create_transcription',
			api.post('/v1/transcriptions', { model: 'stt-async-v5', file_id: UNKNOWN_ID }),
			400,
			'invalid_request',
		);
		api.inject('POST', '/v1/transcriptions', 402);
		await api.conforms(
			'create_transcription',
			api.post('/v1/transcriptions', {
				model: 'stt-async-v5',
				audio_url: 'http://127.0.0.1:9/a.wav',
			}),
			402,
			'organization_balance_exhausted',
		);
		emulator.config.quotas = { pendingTranscriptions: 0 };
		try {
			await api.conforms(
				'create_transcription',
				api.post('/v1/transcriptions', {
					model: 'stt-async-v5',
					audio_url: 'http://127.0.0.1:9/b.wav',
				}),
				429,
				'limit_exceeded',
			);
		} finally {
			emulator.config.quotas = undefined;
		}
		await api.commonErrors('create_transcription', 'POST', '/v1/transcriptions', {
			body: JSON.stringify({ model: 'stt-async-v5', audio_url: 'http://127.0.0.1:9/a.wav' }),
		});
	});

	it('get_transcriptions and get_transcriptions_count: pages, cursors, counts', async () => {
		for (const name of ['a', 'b'])
			await api.post('/v1/transcriptions', {
				model: 'stt-async-v5',
				audio_url: `http://127.0.0.1:9/${name}.wav`,
			});
		const page = await api.conforms<{ next_page_cursor: string }>(
			'get_transcriptions',
			api.call('/v1/transcriptions?limit=1'),
			200,
		);
		await api.conforms(
			'get_transcriptions',
			api.call(`/v1/transcriptions?cursor=${page.next_page_cursor}`),
			200,
		);
		await api.conforms(
			'get_transcriptions',
			api.call('/v1/transcriptions?cursor=zzz'),
			400,
			'invalid_cursor',
		);
		await api.commonErrors('get_transcriptions', 'GET', '/v1/transcriptions');
		const count = await api.conforms(
			'get_transcriptions_count',
			api.call('/v1/transcriptions/count'),
			200,
		);
		expect(count).toEqual({ total: 2, public_api: 2, playground: 0 });
		await api.commonErrors('get_transcriptions_count', 'GET', '/v1/transcriptions/count');
	});

	it('get_transcription, its transcript, delete: 200, 409 while unfinished, 404 when gone', async () => {
		emulator.config.transcription.queuedMs = 400;
		const file = await uploaded();
		const pending = await api.conforms<{ id: string }>(
			'create_transcription',
			api.post('/v1/transcriptions', { model: 'stt-async-v5', file_id: file.id }),
			201,
		);
		await api.conforms(
			'get_transcription_transcript',
			api.call(`/v1/transcriptions/${pending.id}/transcript`),
			409,
			'transcription_invalid_state',
		);
		emulator.config.transcription.queuedMs = 20;
		const id = await completedTranscription();
		await api.conforms('get_transcription', api.call(`/v1/transcriptions/${id}`), 200);
		const transcript = await api.conforms<{ text: string }>(
			'get_transcription_transcript',
			api.call(`/v1/transcriptions/${id}/transcript`),
			200,
		);
		expect(transcript.text).toBe('Contracts are kept.');
		await api.conforms(
			'delete_transcription',
			api.call(`/v1/transcriptions/${id}`, { method: 'DELETE' }),
			204,
		);
		for (const [operationId, path] of [
			['get_transcription', `/v1/transcriptions/${id}`],
			['get_transcription_transcript', `/v1/transcriptions/${id}/transcript`],
		])
			await api.conforms(operationId, api.call(path), 404, 'transcription_not_found');
		await api.conforms(
			'delete_transcription',
			api.call(`/v1/transcriptions/${id}`, { method: 'DELETE' }),
			404,
			'transcription_not_found',
		);
		await api.commonErrors('get_transcription', 'GET', `/v1/transcriptions/${UNKNOWN_ID}`);
		await api.commonErrors(
			'get_transcription_transcript',
			'GET',
			`/v1/transcriptions/${UNKNOWN_ID}/transcript`,
		);
		await api.commonErrors('delete_transcription', 'DELETE', `/v1/transcriptions/${UNKNOWN_ID}`);
	});

	it('delete_transcription while processing: 409 transcription_invalid_state', async () => {
		emulator.config.transcription.processingBaseMs = 2000;
		try {
			const file = await uploaded();
			const created = await api.conforms<{ id: string }>(
				'create_transcription',
				api.post('/v1/transcriptions', { model: 'stt-async-v5', file_id: file.id }),
				201,
			);
			await api.waitFor(async () => {
				const found = (await (await api.call(`/v1/transcriptions/${created.id}`)).json()) as {
					status: string;
				};
				return found.status === 'processing';
			});
			await api.conforms(
				'delete_transcription',
				api.call(`/v1/transcriptions/${created.id}`, { method: 'DELETE' }),
				409,
				'transcription_invalid_state',
			);
		} finally {
			emulator.config.transcription.processingBaseMs = 20;
		}
	});
});

describe('models, temporary keys, usage, concurrency', () => {
	it('get_models', async () => {
		await api.conforms('get_models', api.call('/v1/models'), 200);
		await api.conforms('get_models', api.call('/v1/models', {}, null), 401, 'unauthenticated');
		api.inject('GET', '/v1/models', 500);
		await api.conforms('get_models', api.call('/v1/models'), 500, 'internal_error');
	});

	it('create_temporary_api_key: an snx_temp_ key; out-of-range fields are invalid_request', async () => {
		const key = await api.conforms<{ api_key: string }>(
			'create_temporary_api_key',
			api.post('/v1/auth/temporary-api-key', {
				usage_type: 'transcribe_websocket',
				expires_in_seconds: 1800,
				max_session_duration_seconds: 120,
				single_use: true,
				client_reference_id: 'reference_id',
			}),
			201,
		);
		expect(key.api_key).toMatch(/^snx_temp_[\w-]{36}\.[\w-]{86}\.[\w-]{6}$/);
		await api.conforms(
			'create_temporary_api_key',
			api.post('/v1/auth/temporary-api-key', { usage_type: 'tts_rt', expires_in_seconds: 3601 }),
			400,
			'invalid_request',
		);
		await api.commonErrors('create_temporary_api_key', 'POST', '/v1/auth/temporary-api-key', {
			body: JSON.stringify({ usage_type: 'tts_rt', expires_in_seconds: 60 }),
		});
	});

	it('a temporary key on a REST call: 401 unauthenticated, the only documented refusal', async () => {
		const { api_key } = (await (
			await api.post('/v1/auth/temporary-api-key', { usage_type: 'tts_rt', expires_in_seconds: 60 })
		).json()) as { api_key: string };
		const refused = await api.conforms<{ message: string }>(
			'get_files',
			api.call('/v1/files', {}, api_key),
			401,
			'unauthenticated',
		);
		expect(refused.message).toMatch(/usage_type/);
	});

	it('get_usage_logs: request_scope api, keyset cursors; invalid windows and cursors are 400', async () => {
		const now = Date.now();
		emulator.insertUsage([
			{ endTime: now - 3000, kind: 'transcribe_async' },
			{ endTime: now - 2000, kind: 'transcribe_websocket' },
			{ endTime: now - 1000, kind: 'tts_rest' },
		]);
		const window = `start_time=${isoAgo(HOUR)}&end_time=${new Date(now + 1000).toISOString()}`;
		const page = await api.conforms<{
			usage_logs: Array<{ request_scope: string }>;
			next_page_cursor: string;
		}>('get_usage_logs', api.call(`/v1/usage-logs?${window}&limit=2`), 200);
		expect(page.usage_logs.map((entry) => entry.request_scope)).toEqual(['api', 'api']);
		const rest = await api.conforms<{ usage_logs: unknown[]; next_page_cursor: null }>(
			'get_usage_logs',
			api.call(`/v1/usage-logs?${window}&limit=2&cursor=${page.next_page_cursor}`),
			200,
		);
		expect(rest).toMatchObject({ next_page_cursor: null });
		await api.conforms(
			'get_usage_logs',
			api.call(`/v1/usage-logs?${window}&cursor=%%%`),
			400,
			'invalid_cursor',
		);
		await api.conforms(
			'get_usage_logs',
			api.call(`/v1/usage-logs?start_time=${isoAgo(0)}`),
			400,
			'invalid_request',
		);
		await api.conforms(
			'get_usage_logs',
			api.call(`/v1/usage-logs?${window}&sort=end_time_desc&cursor=${page.next_page_cursor}`),
			400,
			'invalid_request',
		);
		await api.commonErrors('get_usage_logs', 'GET', `/v1/usage-logs?${window}`);
	});

	it('get_usage_summary: per day and model; 404 not_found injected', async () => {
		emulator.insertUsage([{ endTime: Date.now() - 1000 }]);
		const path = `/v1/usage/summary?start_time=${isoAgo(48 * HOUR)}&end_time=${isoAgo(-HOUR)}`;
		const summary = await api.conforms<{ models: unknown[] }>(
			'get_usage_summary',
			api.call(path),
			200,
		);
		expect(summary.models).toHaveLength(1);
		await api.conforms(
			'get_usage_summary',
			api.call(`/v1/usage/summary?start_time=${isoAgo(0)}&end_time=${isoAgo(HOUR)}`),
			400,
			'invalid_request',
		);
		api.inject('GET', path, 404);
		await api.conforms('get_usage_summary', api.call(path), 404, 'not_found');
		await api.commonErrors('get_usage_summary', 'GET', path);
	});

	it('get_concurrency_limits and get_concurrent_streams_history', async () => {
		await api.conforms('get_concurrency_limits', api.call('/v1/concurrency-limits'), 200);
		// No request makes this one a 400; the status is documented, so it is injected.
		api.inject('GET', '/v1/concurrency-limits', 400);
		await api.conforms('get_concurrency_limits', api.call('/v1/concurrency-limits'), 400);
		await api.commonErrors('get_concurrency_limits', 'GET', '/v1/concurrency-limits');
		const path = `/v1/concurrent-streams-history?start_time=${isoAgo(HOUR)}&end_time=${isoAgo(0)}&period_sec=60&kind=stt`;
		const history = await api.conforms<{ kind: string; entries: unknown[] }>(
			'get_concurrent_streams_history',
			api.call(path),
			200,
		);
		expect(history.kind).toBe('stt');
		await api.conforms(
			'get_concurrent_streams_history',
			api.call(path.replace('period_sec=60', 'period_sec=61')),
			400,
			'invalid_request',
		);
		await api.commonErrors('get_concurrent_streams_history', 'GET', path);
	});
});

it('produced every documented status of these operations', () => {
	expect(OPERATIONS).toHaveLength(17);
	expect(coverage.missing(OPERATIONS)).toEqual([]);
});
