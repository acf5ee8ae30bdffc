// Raw-protocol checks the SDK does not reach: validation errors, cursors under concurrent
// inserts, the client_reference_id rule, ledger contents, ingestion lag, faults, large uploads.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

import { makeWav, startEmulator, type Emulator } from '..';
import { watchRetainedMemory } from '../../harness/memory';

let emulator: Emulator;
const DAY = 86_400_000;

beforeAll(async () => {
	emulator = await startEmulator({ transcription: { queuedMs: 10, processingBaseMs: 20 } });
});
afterAll(() => emulator.close());
beforeEach(() => {
	emulator.reset();
	emulator.config.ingestionLagMs = 0;
});

function call(path: string, init: RequestInit = {}, key = emulator.apiKey) {
	return fetch(`${emulator.baseUrl}${path}`, {
		...init,
		headers: {
			Authorization: `Bearer ${key}`,
			'Content-Type': 'application/json',
			...(init.headers ?? {}),
		},
	});
}

const post = (path: string, body: unknown, key?: string) =>
	call(path, { method: 'POST', body: JSON.stringify(body) }, key);

function logsPath(start: number, end: number, extra = '') {
	return `/v1/usage-logs?start_time=${new Date(start).toISOString()}&end_time=${new Date(end).toISOString()}${extra}`;
}

async function upload(text: string, fields: Record<string, string> = {}) {
	const form = new FormData();
	form.append('file', new Blob([new Uint8Array(makeWav({ text, durationMs: 2000 }))]), 'talk.wav');
	for (const [name, value] of Object.entries(fields)) form.append(name, value);
	return fetch(`${emulator.baseUrl}/v1/files`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${emulator.apiKey}` },
		body: form,
	});
}

async function waitFor(id: string) {
	for (let attempt = 0; attempt < 100; attempt++) {
		const transcription = (await (await call(`/v1/transcriptions/${id}`)).json()) as {
			status: string;
		};
		if (transcription.status === 'completed' || transcription.status === 'error')
			return transcription;
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	throw new Error('transcription did not finish');
}

describe('validation errors', () => {
	const cases: Array<[string, () => Promise<Response>, string]> = [
		[
			'an overlong client_reference_id',
			() =>
				post('/v1/transcriptions', {
					model: 'stt-async-v5',
					audio_url: 'http://127.0.0.1/a.wav',
					client_reference_id: 'x'.repeat(257),
				}),
			'body.payload.client_reference_id',
		],
		[
			'both audio_url and file_id',
			() =>
				post('/v1/transcriptions', {
					model: 'stt-async-v5',
					audio_url: 'http://127.0.0.1/a.wav',
					file_id: '00000000-0000-4000-8000-000000000000',
				}),
			'body.payload.audio_url',
		],
		[
			'neither audio_url nor file_id',
			() => post('/v1/transcriptions', { model: 'stt-async-v5' }),
			'body.payload.audio_url',
		],
		[
			'an unknown model',
			() =>
				post('/v1/transcriptions', { model: 'stt-async-v1', audio_url: 'http://127.0.0.1/a.wav' }),
			'body.payload.model',
		],
		[
			'a real-time model for async',
			() => post('/v1/transcriptions', { model: 'stt-rt-v5', audio_url: 'http://127.0.0.1/a.wav' }),
			'body.payload.model',
		],
		[
			'expires_in_seconds 0',
			() => post('/v1/auth/temporary-api-key', { usage_type: 'tts_rt', expires_in_seconds: 0 }),
			'body.payload.expires_in_seconds',
		],
		[
			'expires_in_seconds 3601',
			() => post('/v1/auth/temporary-api-key', { usage_type: 'tts_rt', expires_in_seconds: 3601 }),
			'body.payload.expires_in_seconds',
		],
		[
			'an unknown usage_type',
			() => post('/v1/auth/temporary-api-key', { usage_type: 'files', expires_in_seconds: 60 }),
			'body.payload.usage_type',
		],
		[
			'a usage-log window over 31 days',
			() => call(logsPath(Date.now() - 40 * DAY, Date.now())),
			'query.payload',
		],
		[
			'a usage-log start over 91 days back',
			() => call(logsPath(Date.now() - 95 * DAY, Date.now() - 90 * DAY)),
			'query.start_time',
		],
		[
			'a usage-log end before its start',
			() => call(logsPath(Date.now(), Date.now() - 1000)),
			'query.payload',
		],
		[
			'an unparseable usage-log time',
			() => call('/v1/usage-logs?start_time=yesterday&end_time=now'),
			'query.start_time',
		],
		['a limit over 1000', () => call('/v1/files?limit=1001'), 'query.limit'],
	];

	it.each(cases)('refuses %s with 400 and names the field', async (_name, send, location) => {
		const response = await send();
		expect(response.status).toBe(400);
		const body = (await response.json()) as Record<string, unknown>;
		expect(body).toMatchObject({ status_code: 400, error_type: 'invalid_request' });
		expect(body.request_id).toEqual(expect.any(String));
		expect(
			(body.validation_errors as Array<{ location: string }>).map((error) => error.location),
		).toContain(location);
	});

	it('answers unknown and invalid cursors with invalid_cursor', async () => {
		const response = await call('/v1/files?cursor=not-a-cursor');
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({ error_type: 'invalid_cursor' });
	});

	it('answers a wrong key and a missing key with 401', async () => {
		const wrong = await call('/v1/models', {}, 'wrong-key');
		expect(wrong.status).toBe(401);
		expect(await wrong.json()).toMatchObject({
			error_type: 'unauthenticated',
			message: expect.stringContaining('Incorrect API key'),
		});
		const missing = await fetch(`${emulator.baseUrl}/v1/models`);
		expect(await missing.json()).toMatchObject({
			message: expect.stringContaining('Missing API key'),
		});
	});

	it('refuses a temporary key on REST management calls', async () => {
		const { api_key } = (await (
			await post('/v1/auth/temporary-api-key', { usage_type: 'tts_rt', expires_in_seconds: 60 })
		).json()) as { api_key: string };
		expect((await call('/v1/files', {}, api_key)).status).toBe(401);
	});
});

describe('usage logs', () => {
	it('keeps a cursor correct while entries arrive: no repeats, no skips of earlier entries', async () => {
		const now = Date.now();
		const initial = emulator.insertUsage(
			Array.from({ length: 250 }, (_, index) => ({
				endTime: now - 3_600_000 + index * 1000,
				clientReferenceId: `c${index % 7}`,
			})),
		);
		const seen: string[] = [];
		let cursor: string | null = '';
		let page = 0;
		do {
			const response = await call(
				logsPath(now - 2 * 3_600_000, now + 60_000, `&limit=40&cursor=${cursor ?? ''}`),
			);
			const body = (await response.json()) as {
				usage_logs: Array<{ uuid: string }>;
				next_page_cursor: string | null;
			};
			seen.push(...body.usage_logs.map((entry) => entry.uuid));
			cursor = body.next_page_cursor;
			// New entries land behind and ahead of the cursor while paging.
			emulator.insertUsage([
				{ endTime: now - 3_600_000 + page * 1000 - 500 },
				{ endTime: now + 30_000 + page },
			]);
			page++;
		} while (cursor);
		expect(new Set(seen).size).toBe(seen.length);
		for (const entry of initial) expect(seen).toContain(entry.uuid);
	});

	it('refuses a cursor with another window or sort', async () => {
		const now = Date.now();
		emulator.insertUsage(
			Array.from({ length: 5 }, (_, index) => ({ endTime: now - index * 1000 })),
		);
		const first = (await (await call(logsPath(now - 60_000, now + 1, '&limit=2'))).json()) as {
			next_page_cursor: string;
		};
		const other = await call(
			logsPath(
				now - 60_000,
				now + 1,
				`&limit=2&sort=end_time_desc&cursor=${first.next_page_cursor}`,
			),
		);
		expect(other.status).toBe(400);
	});

	it('shows entries only after the ingestion lag and orders them both ways', async () => {
		const now = Date.now();
		emulator.insertUsage([
			{ endTime: now - 5000, visibleAt: now + 60_000 },
			{ endTime: now - 4000 },
			{ endTime: now - 3000 },
		]);
		const read = async (sort: string) =>
			(
				(await (await call(logsPath(now - 10_000, now, `&sort=${sort}`))).json()) as {
					usage_logs: Array<{ end_time: string }>;
				}
			).usage_logs.map((entry) => Date.parse(entry.end_time));
		expect(await read('end_time_asc')).toEqual([now - 4000, now - 3000]);
		expect(await read('end_time_desc')).toEqual([now - 3000, now - 4000]);
		expect(emulator.ledger()).toHaveLength(3);
	});

	it('writes one exact ledger entry per completed async transcription, with the request id of a long-lived key', async () => {
		const file = (await (
			await upload('Billing is exact to the last digit.', { client_reference_id: 'file-owner' })
		).json()) as { id: string; client_reference_id: string };
		expect(file.client_reference_id).toBe('file-owner');
		const created = (await (
			await post('/v1/transcriptions', {
				model: 'stt-async-v5',
				file_id: file.id,
				client_reference_id: 'tenant-9',
			})
		).json()) as { id: string };
		const failed = (await (
			await post('/v1/transcriptions', {
				model: 'stt-async-v5',
				audio_url: 'https://example.com/x.wav',
				client_reference_id: 'tenant-9',
			})
		).json()) as { id: string };
		await waitFor(created.id);
		await waitFor(failed.id);
		const ledger = emulator.ledger();
		expect(ledger).toHaveLength(1);
		const [entry] = ledger;
		expect(Object.keys(entry)).toHaveLength(19);
		expect(entry).toMatchObject({
			request_scope: 'api',
			client_reference_id: 'tenant-9',
			model: 'stt-async-v5',
			input_audio_duration_ms: 2000,
			input_audio_tokens: 30,
			input_text_tokens: 0,
			output_audio_tokens: 0,
		});
		const cents = (value: string) => BigInt(value.replace('.', ''));
		expect(cents(entry.cost_usd)).toBe(cents(entry.input_cost_usd) + cents(entry.output_cost_usd));
		expect(cents(entry.input_cost_usd)).toBe(
			cents(entry.input_text_cost_usd) + cents(entry.input_audio_cost_usd),
		);
		expect(entry.cost_usd).toMatch(/^\d+\.\d{10}$/);
		const transcript = (await (
			await call(`/v1/transcriptions/${created.id}/transcript`)
		).json()) as { text: string };
		expect(transcript.text).toBe('Billing is exact to the last digit.');
	});

	// The aggregate benchmark's million entries; how fast is for bench/, not for a test.
	it('seeds a million entries and pages them', async () => {
		const seeded = await emulator.seedUsage({
			count: 1_000_000,
			clients: 1000,
			start: Date.now() - 10 * DAY,
			end: Date.now(),
		});
		expect(seeded).toBe(1_000_000);
		const response = await call(logsPath(Date.now() - 11 * DAY, Date.now() + 1000, '&limit=1000'));
		const body = (await response.json()) as {
			usage_logs: unknown[];
			next_page_cursor: string | null;
		};
		expect(body.usage_logs).toHaveLength(1000);
		expect(body.next_page_cursor).not.toBeNull();
	}, 120_000);
});

describe('transcription lifecycle', () => {
	it('posts the webhook with its auth header on completion, masks the secret, and refuses deletes while processing', async () => {
		const received: Array<{ body: string; secret: string | undefined }> = [];
		const receiver = createServer((req, res) => {
			let body = '';
			req.on('data', (chunk) => (body += chunk));
			req.on('end', () => {
				received.push({ body, secret: req.headers['x-webhook-secret'] as string | undefined });
				res.end('ok');
			});
		});
		await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
		const port = (receiver.address() as AddressInfo).port;
		const file = (await (await upload('Webhooks are called once.')).json()) as { id: string };
		emulator.config.transcription.processingBaseMs = 300;
		try {
			const created = (await (
				await post('/v1/transcriptions', {
					model: 'stt-async-v5',
					file_id: file.id,
					webhook_url: `http://127.0.0.1:${port}/hook?tenant=a`,
					webhook_auth_header_name: 'X-Webhook-Secret',
					webhook_auth_header_value: 's3cret',
				})
			).json()) as { id: string; webhook_auth_header_value: string };
			expect(created.webhook_auth_header_value).toBe('*'.repeat(18));
			await new Promise((resolve) => setTimeout(resolve, 100));
			const refused = await call(`/v1/transcriptions/${created.id}`, { method: 'DELETE' });
			expect(refused.status).toBe(409);
			expect(await refused.json()).toMatchObject({ error_type: 'transcription_invalid_state' });
			const done = (await waitFor(created.id)) as { status: string; webhook_status_code?: number };
			expect(done.status).toBe('completed');
			await new Promise((resolve) => setTimeout(resolve, 50));
			expect(received).toEqual([
				{ body: JSON.stringify({ id: created.id, status: 'completed' }), secret: 's3cret' },
			]);
			expect(
				(
					(await (await call(`/v1/transcriptions/${created.id}`)).json()) as {
						webhook_status_code: number;
					}
				).webhook_status_code,
			).toBe(200);
			expect((await call(`/v1/transcriptions/${created.id}`, { method: 'DELETE' })).status).toBe(
				204,
			);
		} finally {
			emulator.config.transcription.processingBaseMs = 20;
			receiver.close();
		}
	});
});

describe('faults', () => {
	it('serves a status sequence, then behaves normally', async () => {
		emulator.faults.arm({ route: 'GET /v1/models', statuses: [500, 503] });
		expect((await call('/v1/models')).status).toBe(500);
		expect((await call('/v1/models')).status).toBe(503);
		expect((await call('/v1/models')).status).toBe(200);
	});

	it('sends Retry-After with a 429', async () => {
		emulator.faults.arm({ route: 'GET /v1/files', statuses: [429], retryAfterSeconds: 2 });
		const response = await call('/v1/files');
		expect(response.status).toBe(429);
		expect(response.headers.get('retry-after')).toBe('2');
		expect(await response.json()).toMatchObject({ error_type: 'limit_exceeded' });
	});

	it('adds latency', async () => {
		emulator.faults.arm({ route: 'GET /v1/models', latencyMs: 300 });
		const started = Date.now();
		await call('/v1/models');
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);
	});

	it('resets the connection mid-body after the route acted', async () => {
		emulator.faults.arm({ route: 'POST /v1/transcriptions', resetMidBody: true });
		await expect(
			post('/v1/transcriptions', {
				model: 'stt-async-v5',
				audio_url: 'http://127.0.0.1:9/a.wav',
			}).then((response) => response.text()),
		).rejects.toThrow();
		// The server did create it: this is why clients must not blindly retry the POST.
		expect(
			((await (await call('/v1/transcriptions/count')).json()) as { total: number }).total,
		).toBe(1);
	});

	it('answers with malformed JSON', async () => {
		emulator.faults.arm({ route: 'GET /v1/usage-logs', malformedJson: true });
		const response = await call(logsPath(Date.now() - 1000, Date.now()));
		expect(response.status).toBe(200);
		await expect(response.json()).rejects.toThrow();
	});

	it('arms faults through the control endpoint too', async () => {
		await fetch(`${emulator.baseUrl}/_emulator/faults`, {
			method: 'POST',
			body: JSON.stringify({ route: '*', statuses: [502] }),
		});
		expect((await call('/v1/models')).status).toBe(502);
		expect((await call('/v1/models')).status).toBe(200);
	});

	it('never logs a key: the request log holds methods, paths, queries and statuses only', async () => {
		await call('/v1/models');
		await call('/v1/models', {}, 'wrong-key');
		const log = JSON.stringify(emulator.requests());
		expect(log).not.toContain(emulator.apiKey);
		expect(log).not.toContain('wrong-key');
		expect(emulator.requests().map((entry) => entry.status)).toEqual([200, 401]);
	});
});

describe('large uploads', () => {
	it('streams a 300 MB upload to disk without holding it in memory', async () => {
		const size = 300 * 1024 * 1024;
		const boundary = 'emulator-boundary-123456';
		const head = Buffer.from(
			`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.raw"\r\nContent-Type: application/octet-stream\r\n\r\n`,
		);
		const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
		const chunk = Buffer.alloc(1024 * 1024, 7);
		async function* body() {
			yield head;
			for (let sent = 0; sent < size; sent += chunk.length) yield chunk;
			yield tail;
		}
		const memory = watchRetainedMemory();
		const status = await new Promise<number>((resolve, reject) => {
			const req = request(
				`${emulator.baseUrl}/v1/files`,
				{
					method: 'POST',
					headers: {
						Authorization: `Bearer ${emulator.apiKey}`,
						'Content-Type': `multipart/form-data; boundary=${boundary}`,
						'Content-Length': head.length + size + tail.length,
					},
				},
				(res) => {
					res.resume();
					res.on('end', () => resolve(res.statusCode ?? 0));
				},
			);
			req.on('error', reject);
			Readable.from(body()).pipe(req);
		});
		const { peakBytes, samples } = memory.stop();
		expect(status).toBe(201);
		const [file] = ((await (await call('/v1/files')).json()) as { files: Array<{ size: number }> })
			.files;
		expect(file.size).toBe(size);
		expect(samples).toBeGreaterThan(0);
		expect(peakBytes).toBeLessThan(64 * 1024 * 1024);
	}, 120_000);
});
