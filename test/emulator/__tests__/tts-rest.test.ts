import { request } from 'node:http';

import { recognizeBuffer, synthesize } from '../audio';
import { audioTokensForDuration, textTokensForText } from '../tokens';
import { API_KEY, startFakeServer, type FakeServer } from './fake-context';

let emulator: FakeServer;
beforeAll(async () => {
	emulator = await startFakeServer();
});
afterAll(() => emulator.close());
beforeEach(() => {
	emulator.ctx.ledger.length = 0;
});

const TEXT = 'Hello from the emulator. It speaks every format.';
const base = {
	model: 'tts-rt-v2',
	language: 'en',
	voice: 'Adrian',
	audio_format: 'wav',
	text: TEXT,
};

function postTts(
	body: unknown,
	key: string | null = API_KEY,
	headers: Record<string, string> = {},
): Promise<Response> {
	return fetch(`${emulator.httpUrl}/tts`, {
		method: 'POST',
		headers: {
			'Content-Type': 'application/json',
			...(key === null ? {} : { Authorization: `Bearer ${key}` }),
			...headers,
		},
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
}

/** The status, once the whole body was read (so the request's slot and ledger entry settle). */
async function statusAfterBody(pending: Promise<Response>): Promise<number> {
	const response = await pending;
	await response.arrayBuffer();
	await new Promise((resolve) => setTimeout(resolve, 10));
	return response.status;
}

async function expectError(
	response: Response,
	status: number,
	errorType: string,
	message: string | RegExp,
) {
	expect(response.status).toBe(status);
	expect(response.headers.get('content-type')).toBe('application/json');
	const body = await response.json();
	expect(Object.keys(body).sort()).toEqual([
		'error_code',
		'error_message',
		'error_type',
		'more_info',
		'request_id',
	]);
	expect(body.error_code).toBe(status);
	expect(body.error_type).toBe(errorType);
	if (typeof message === 'string') expect(body.error_message).toBe(message);
	else expect(body.error_message).toMatch(message);
	expect(body.more_info).toBe(
		`https://soniox.com/docs/api-reference/errors#${errorType.replace(/_/g, '-')}`,
	);
	expect(body.request_id).toMatch(/^[0-9a-f-]{36}$/);
}

describe('POST /tts success', () => {
	it.each([
		['wav', 'application/octet-stream'],
		['mp3', 'audio/mpeg'],
		['aac', 'application/octet-stream'],
		['opus', 'audio/opus'],
		['flac', 'audio/flac'],
		['pcm_s16le', 'audio/pcm'],
		['pcm_s16be', 'audio/pcm'],
		['pcm_f32le', 'audio/pcm'],
		['pcm_mulaw', 'audio/pcm'],
		['pcm_alaw', 'audio/pcm'],
	])('returns %s audio as %s, byte for byte what synthesize gives', async (format, contentType) => {
		const response = await postTts({ ...base, audio_format: format });
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe(contentType);
		expect(response.headers.get('transfer-encoding')).toBe('chunked');
		const bytes = Buffer.from(await response.arrayBuffer());
		const expected = Buffer.concat([
			...synthesize({ text: TEXT, audioFormat: format as 'wav' }).chunks(),
		]);
		expect(bytes.equals(expected)).toBe(true);
	});

	it('follows sample_rate, speed and bitrate', async () => {
		const wav = Buffer.from(
			await (await postTts({ ...base, sample_rate: 16000, speed: 1.25 })).arrayBuffer(),
		);
		expect(wav.readUInt32LE(24)).toBe(16000);
		const seconds = wav.readUInt32LE(40) / 2 / 16000;
		expect(seconds).toBeCloseTo((TEXT.length * 0.06) / 1.25, 2);
		expect(recognizeBuffer(wav, {}).text).toBe(TEXT);

		const mp3 = Buffer.from(
			await (await postTts({ ...base, audio_format: 'mp3', bitrate: 32000 })).arrayBuffer(),
		);
		const expectedBytes = (32000 * TEXT.length * 0.06) / 8;
		expect(mp3.length).toBeGreaterThan(expectedBytes * 0.95);
		expect(mp3.length).toBeLessThan(expectedBytes * 1.1);
	});

	it('streams a long response in many chunks', async () => {
		const text = 'word '.repeat(390);
		const response = await postTts({
			...base,
			text,
			audio_format: 'pcm_f32le',
			sample_rate: 48000,
		});
		const reader = response.body!.getReader();
		let reads = 0;
		let total = 0;
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			reads++;
			total += value.length;
		}
		expect(total).toBe(Math.round(text.length * 0.06 * 48000) * 4);
		expect(reads).toBeGreaterThan(10);
	});

	it('accepts a cloned voice that is ready for the model', async () => {
		const cloned = '7d1c1a52-2f0e-4c1b-9a57-2f3c1b0e6a11';
		expect(await statusAfterBody(postTts({ ...base, voice: cloned }))).toBe(200);
	});

	it('accepts an alias model and a temporary key of usage type tts_rt', async () => {
		expect(await statusAfterBody(postTts({ ...base, model: 'tts-rt-v1' }))).toBe(200);
		const temp = emulator.ctx.addTempKey({ usageType: 'tts_rt', clientReferenceId: null });
		expect(await statusAfterBody(postTts(base, temp))).toBe(200);
	});
});

describe('POST /tts errors', () => {
	it('refuses missing, malformed and wrong keys', async () => {
		await expectError(
			await postTts(base, null),
			401,
			'unauthenticated',
			/^Missing API key\. Provide it as an Authorization header/,
		);
		await expectError(
			await postTts(base, null, { Authorization: `Basic ${API_KEY}` }),
			401,
			'unauthenticated',
			/^Authorization header must use the Bearer scheme/,
		);
		await expectError(
			await postTts(base, 'wrong-key'),
			401,
			'unauthenticated',
			'Incorrect API key provided. You can get an API key at https://console.soniox.com',
		);
		const sttOnly = emulator.ctx.addTempKey({
			usageType: 'transcribe_websocket',
			clientReferenceId: null,
		});
		expect(await statusAfterBody(postTts(base, sttOnly))).toBe(401);
	});

	it('refuses invalid JSON', async () => {
		await expectError(await postTts('{"model": '), 400, 'invalid_request', 'Invalid JSON body');
		await expectError(await postTts('[1]'), 400, 'invalid_request', 'Invalid JSON body');
	});

	it.each(['model', 'language', 'voice', 'audio_format', 'text'])('requires %s', async (field) => {
		const body: Record<string, unknown> = { ...base };
		delete body[field];
		await expectError(
			await postTts(body),
			400,
			'invalid_request',
			`Missing required field: ${field}`,
		);
	});

	it('checks lengths', async () => {
		const long = 'x'.repeat(51);
		await expectError(
			await postTts({ ...base, model: long }),
			400,
			'invalid_request',
			'Model name is too long (max length 50).',
		);
		await expectError(
			await postTts({ ...base, language: long }),
			400,
			'invalid_request',
			'Language is too long (max length 50).',
		);
		await expectError(
			await postTts({ ...base, voice: long }),
			400,
			'invalid_request',
			'Voice is too long (max length 50).',
		);
		await expectError(
			await postTts({ ...base, audio_format: long }),
			400,
			'invalid_request',
			'Audio format is too long (max length 50).',
		);
		await expectError(
			await postTts({ ...base, text: 'x'.repeat(5001) }),
			400,
			'invalid_request',
			'Text is too long (max length 5000).',
		);
		await expectError(
			await postTts({ ...base, client_reference_id: 'r'.repeat(257) }),
			400,
			'invalid_request',
			'Client reference ID is too long (max length 256).',
		);
	});

	it('checks model, language and voice', async () => {
		await expectError(
			await postTts({ ...base, model: 'tts-rt-v9' }),
			400,
			'model_not_available',
			'The requested model is not available. See https://soniox.com/docs/tts/models for the list of supported TTS models.',
		);
		await expectError(
			await postTts({ ...base, language: 'xx' }),
			400,
			'invalid_request',
			"Invalid language 'xx' for model 'tts-rt-v2'.",
		);
		await expectError(
			await postTts({ ...base, voice: 'Maya' }),
			400,
			'invalid_request',
			"Invalid voice 'Maya' for model 'tts-rt-v2'.",
		);
	});

	it('checks the audio parameters against the format table and the model', async () => {
		await expectError(
			await postTts({ ...base, audio_format: 'ogg' }),
			400,
			'invalid_request',
			"Invalid audio format 'ogg'.",
		);
		await expectError(
			await postTts({ ...base, audio_format: 'pcm_mulaw', sample_rate: 16000 }),
			400,
			'invalid_request',
			"Invalid sample rate 16000 for audio format 'pcm_mulaw'.",
		);
		await expectError(
			await postTts({ ...base, audio_format: 'mp3', bitrate: 100 }),
			400,
			'invalid_request',
			"Invalid bitrate 100 for audio format 'mp3'.",
		);
		await expectError(
			await postTts({ ...base, speed: 2 }),
			400,
			'invalid_request',
			/^Invalid speed 2 for model 'tts-rt-v2'/,
		);
		await expectError(
			await postTts({ ...base, speed: 0.5 }),
			400,
			'invalid_request',
			/^Invalid speed 0\.5/,
		);
		expect(await statusAfterBody(postTts({ ...base, audio_format: 'wav', bitrate: 128000 }))).toBe(
			200,
		);
	});

	it('refuses text that would need more than 2 minutes of audio', async () => {
		await expectError(
			await postTts({ ...base, text: 'x'.repeat(2001) }),
			400,
			'invalid_request',
			/2 minutes/,
		);
		expect(
			await statusAfterBody(postTts({ ...base, text: 'x'.repeat(2000), audio_format: 'mp3' })),
		).toBe(200);
		expect(
			await statusAfterBody(
				postTts({ ...base, text: 'x'.repeat(2001), audio_format: 'mp3', speed: 1.1 }),
			),
		).toBe(200);
	});

	it('answers 429 beyond the concurrency cap and frees the slot afterwards', async () => {
		const held = [0, 1, 2].map(() => emulator.ctx.acquireSlot('tts')!);
		await expectError(
			await postTts(base),
			429,
			'limit_exceeded',
			'Concurrent requests limit for text-to-speech has been exceeded for your project.',
		);
		held.forEach((release) => release());
		expect(await statusAfterBody(postTts(base))).toBe(200);
		expect(emulator.ctx.slotsInUse.tts).toBe(0);
		expect(emulator.ctx.ledger).toHaveLength(1);
	});

	it('logs nothing for failed requests', async () => {
		await postTts({ ...base, voice: 'Nobody' });
		await postTts(base, 'wrong');
		expect(emulator.ctx.ledger).toHaveLength(0);
	});
});

describe('POST /tts usage', () => {
	it('logs one tts_rest entry with tokens, duration and the request client_reference_id', async () => {
		const before = Date.now();
		const response = await postTts({ ...base, client_reference_id: 'order-42' });
		await response.arrayBuffer();
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(emulator.ctx.ledger).toHaveLength(1);
		const entry = emulator.ctx.ledger[0];
		const durationMs = TEXT.length * 60;
		expect(entry).toMatchObject({
			request_scope: 'api',
			kind: 'tts_rest',
			model: 'tts-rt-v2',
			client_reference_id: 'order-42',
			input_text_tokens: textTokensForText(TEXT),
			input_audio_tokens: 0,
			input_audio_duration_ms: 0,
			output_text_tokens: 0,
			output_audio_duration_ms: durationMs,
			output_audio_tokens: audioTokensForDuration(durationMs),
		});
		expect(Date.parse(entry.start_time)).toBeGreaterThanOrEqual(before - 1);
		expect(Date.parse(entry.end_time)).toBeGreaterThanOrEqual(Date.parse(entry.start_time));
	});

	it("applies a temporary key's client_reference_id rule", async () => {
		const bound = emulator.ctx.addTempKey({ usageType: 'tts_rt', clientReferenceId: 'bound-7' });
		const unbound = emulator.ctx.addTempKey({ usageType: 'tts_rt', clientReferenceId: null });
		await (await postTts({ ...base, client_reference_id: 'from-request' }, bound)).arrayBuffer();
		await (await postTts({ ...base, client_reference_id: 'from-request' }, unbound)).arrayBuffer();
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(emulator.ctx.ledger.map((entry) => entry.client_reference_id)).toEqual(['bound-7', '']);
	});

	it('logs nothing when the client aborts mid-body', async () => {
		const url = new URL(`${emulator.httpUrl}/tts`);
		const body = JSON.stringify({
			...base,
			text: 'x'.repeat(1900),
			audio_format: 'pcm_f32le',
			sample_rate: 48000,
		});
		await new Promise<void>((resolve, reject) => {
			const req = request(
				url,
				{
					method: 'POST',
					headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
				},
				(res) => {
					res.once('data', () => {
						req.destroy();
						res.destroy();
						resolve();
					});
				},
			);
			req.on('error', (error) => (error.message.includes('aborted') ? resolve() : reject(error)));
			req.end(body);
		});
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(emulator.ctx.ledger).toHaveLength(0);
		expect(emulator.ctx.slotsInUse.tts).toBe(0);
	});
});
