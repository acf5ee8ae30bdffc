import { recognizeBuffer } from '../audio';
import { audioTokensForDuration, textTokensForText } from '../tokens';
import { API_KEY, startFakeServer, type FakeServer } from './fake-context';
import { openSocket, type KeyDelivery, type TestSocket } from './ws-client';

let emulator: FakeServer;
beforeAll(async () => {
	emulator = await startFakeServer({
		realtimeIdleTimeoutMs: 1500,
		concurrency: { transcribe: 3, tts: 10 },
	});
});
afterAll(() => emulator.close());
beforeEach(() => {
	emulator.ctx.ledger.length = 0;
	emulator.ctx.faults.clear();
});

const streamConfig = { model: 'tts-rt-v2', language: 'en', voice: 'Adrian', audio_format: 'wav' };

async function connect(delivery: KeyDelivery = 'header', key = API_KEY): Promise<TestSocket> {
	return openSocket(`${emulator.wsUrl}/tts-websocket`, key, delivery);
}

function openStream(
	socket: TestSocket,
	streamId: string,
	config: Record<string, unknown> = {},
): void {
	socket.send(JSON.stringify({ ...streamConfig, ...config, stream_id: streamId }));
}

function say(socket: TestSocket, streamId: string, ...parts: string[]): void {
	for (const text of parts)
		socket.send(JSON.stringify({ stream_id: streamId, text, text_end: false }));
	socket.send(JSON.stringify({ stream_id: streamId, text: '', text_end: true }));
}

const terminated = (socket: TestSocket, streamId: string) =>
	socket.waitFor((message) => message.stream_id === streamId && message.terminated === true);

function audioOf(socket: TestSocket, streamId: string): Buffer {
	return Buffer.concat(
		socket.messages
			.filter((message) => message.stream_id === streamId && typeof message.audio === 'string')
			.map((message) => Buffer.from(message.audio as string, 'base64')),
	);
}

async function restAudio(body: Record<string, unknown>): Promise<Buffer> {
	const response = await fetch(`${emulator.httpUrl}/tts`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
		body: JSON.stringify(body),
	});
	expect(response.status).toBe(200);
	return Buffer.from(await response.arrayBuffer());
}

describe('real-time TTS streams', () => {
	it('speaks a stream: audio chunks, the last with audio_end, then terminated; same bytes as REST', async () => {
		const socket = await connect();
		openStream(socket, 's1');
		say(socket, 's1', 'Hello there. ', 'This arrives ', 'in pieces.');
		await terminated(socket, 's1');
		const messages = socket.messages.filter((message) => message.stream_id === 's1');
		const audioMessages = messages.filter((message) => 'audio' in message);
		expect(audioMessages.length).toBeGreaterThan(1);
		expect(audioMessages.slice(0, -1).every((message) => !('audio_end' in message))).toBe(true);
		expect(audioMessages[audioMessages.length - 1].audio_end).toBe(true);
		expect(messages[messages.length - 1]).toEqual({ stream_id: 's1', terminated: true });
		const text = 'Hello there. This arrives in pieces.';
		const audio = audioOf(socket, 's1');
		expect(audio.equals(await restAudio({ ...streamConfig, text }))).toBe(true);
		expect(recognizeBuffer(audio, {}).text).toBe(text);
		socket.close();
	});

	it.each(['mp3', 'pcm_s16le', 'opus', 'flac'])(
		'gives the REST bytes for %s with rate, bitrate and speed',
		async (format) => {
			const socket = await connect();
			const params = {
				audio_format: format,
				sample_rate: 48000,
				speed: 1.2,
				...(format === 'mp3' || format === 'opus' ? { bitrate: 64000 } : {}),
			};
			openStream(socket, 'f', params);
			say(socket, 'f', 'Formats must match the REST endpoint.');
			await terminated(socket, 'f');
			expect(
				audioOf(socket, 'f').equals(
					await restAudio({
						...streamConfig,
						...params,
						text: 'Formats must match the REST endpoint.',
					}),
				),
			).toBe(true);
			socket.close();
		},
	);

	it('runs several streams on one connection at once', async () => {
		const socket = await connect();
		const texts: Record<string, string> = {
			a: 'First stream speaks.',
			b: 'Second stream is a little longer.',
			c: 'Third!',
		};
		for (const id of Object.keys(texts))
			openStream(socket, id, { audio_format: 'pcm_s16le', sample_rate: 16000 });
		for (const [id, text] of Object.entries(texts)) say(socket, id, text);
		await Promise.all(Object.keys(texts).map((id) => terminated(socket, id)));
		for (const [id, text] of Object.entries(texts)) {
			expect(audioOf(socket, id).length).toBe(Math.round(text.length * 0.06 * 16000) * 2);
		}
		// The streams' messages interleave.
		const order = socket.messages
			.filter((message) => 'audio' in message)
			.map((message) => message.stream_id);
		expect(order.indexOf('b')).toBeLessThan(order.lastIndexOf('a'));
		expect(emulator.ctx.ledger).toHaveLength(3);
		socket.close();
	});

	it('returns character timestamps when asked', async () => {
		const socket = await connect();
		const text = 'Timed words here.';
		openStream(socket, 't', { return_timestamps: true, audio_format: 'pcm_s16le' });
		say(socket, 't', text);
		await terminated(socket, 't');
		const timed = socket.messages.filter(
			(message) => message.stream_id === 't' && message.timestamps,
		);
		expect(timed.length).toBeGreaterThan(0);
		const stamps = timed.map((message) => message.timestamps as Record<string, unknown[]>);
		const characters = stamps.flatMap((stamp) => stamp.characters);
		const starts = stamps.flatMap((stamp) => stamp.character_start_times_seconds as number[]);
		const ends = stamps.flatMap((stamp) => stamp.character_end_times_seconds as number[]);
		expect(characters.join('')).toBe(text);
		expect(starts).toHaveLength(text.length);
		expect(ends[ends.length - 1]).toBeCloseTo(text.length * 0.06, 3);
		for (let i = 1; i < starts.length; i++) expect(starts[i]).toBeGreaterThanOrEqual(starts[i - 1]);

		openStream(socket, 'plain', { audio_format: 'pcm_s16le' });
		say(socket, 'plain', text);
		await terminated(socket, 'plain');
		expect(
			socket.messages.some((message) => message.stream_id === 'plain' && 'timestamps' in message),
		).toBe(false);
		socket.close();
	});

	it('cancels a stream: terminated without more audio, no usage entry', async () => {
		const socket = await connect();
		openStream(socket, 'c', { audio_format: 'pcm_f32le', sample_rate: 48000 });
		say(socket, 'c', 'x'.repeat(1500));
		await socket.waitFor((message) => message.stream_id === 'c' && 'audio' in message);
		socket.send(JSON.stringify({ stream_id: 'c', cancel: true }));
		await terminated(socket, 'c');
		const afterTerminated = socket.messages.slice(
			socket.messages.findIndex((m) => m.stream_id === 'c' && m.terminated),
		);
		expect(afterTerminated.filter((message) => 'audio' in message)).toEqual([]);
		expect(socket.messages.some((message) => message.audio_end === true)).toBe(false);
		expect(audioOf(socket, 'c').length).toBeLessThan(90 * 48000 * 4);
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(emulator.ctx.ledger).toHaveLength(0);
		expect(emulator.ctx.slotsInUse.tts).toBe(0);
		socket.close();
	});

	it('ignores keep_alive and lets a stream id be reused after terminated', async () => {
		const socket = await connect();
		socket.send(JSON.stringify({ keep_alive: true }));
		for (let round = 0; round < 2; round++) {
			openStream(socket, 'again');
			say(socket, 'again', `Round ${round}.`);
			await socket.waitFor(
				(m) =>
					m.stream_id === 'again' &&
					m.terminated === true &&
					socket.messages.filter((x) => x.terminated).length === round + 1,
			);
		}
		expect(socket.messages.some((message) => 'error_code' in message)).toBe(false);
		expect(emulator.ctx.ledger).toHaveLength(2);
		socket.close();
	});
});

describe('real-time TTS errors', () => {
	async function expectStreamError(
		config: Record<string, unknown>,
		code: number,
		type: string,
		message: string | RegExp,
	) {
		const socket = await connect();
		openStream(socket, 'bad', config);
		await terminated(socket, 'bad');
		const [error, end] = socket.messages.filter((m) => m.stream_id === 'bad');
		expect(Object.keys(error).sort()).toEqual([
			'error_code',
			'error_message',
			'error_type',
			'more_info',
			'request_id',
			'stream_id',
		]);
		expect(error).toMatchObject({ stream_id: 'bad', error_code: code, error_type: type });
		if (typeof message === 'string') expect(error.error_message).toBe(message);
		else expect(error.error_message).toMatch(message);
		expect(end).toEqual({ stream_id: 'bad', terminated: true });
		// The connection stays open for other streams.
		openStream(socket, 'good');
		say(socket, 'good', 'Still here.');
		await terminated(socket, 'good');
		expect(audioOf(socket, 'good').length).toBeGreaterThan(0);
		socket.close();
	}

	it('scopes validation errors to the stream and keeps the connection', async () => {
		await expectStreamError(
			{ voice: 'Nobody' },
			400,
			'invalid_request',
			"Invalid voice 'Nobody' for model 'tts-rt-v2'.",
		);
		await expectStreamError(
			{ model: 'tts-rt-v0' },
			400,
			'model_not_available',
			/^The requested model is not available\./,
		);
		await expectStreamError(
			{ language: undefined },
			400,
			'invalid_request',
			'Missing required field: language',
		);
		await expectStreamError(
			{ audio_format: 'pcm_alaw', sample_rate: 24000 },
			400,
			'invalid_request',
			/sample rate/,
		);
		await expectStreamError({ speed: 3 }, 400, 'invalid_request', /^Invalid speed 3/);
	});

	it('refuses a sixth active stream on a connection', async () => {
		const socket = await connect();
		for (const id of ['1', '2', '3', '4', '5', '6']) openStream(socket, id);
		await terminated(socket, '6');
		expect(socket.messages.find((m) => m.stream_id === '6' && m.error_code)).toMatchObject({
			error_code: 429,
			error_type: 'limit_exceeded',
			error_message: 'Maximum number of concurrent streams per connection (5) exceeded.',
		});
		say(socket, '1', 'One still works.');
		await terminated(socket, '1');
		openStream(socket, '7');
		say(socket, '7', 'A slot freed up.');
		await terminated(socket, '7');
		expect(audioOf(socket, '7').length).toBeGreaterThan(0);
		socket.close();
	});

	it('caps a stream at 2 minutes of audio', async () => {
		const socket = await connect();
		openStream(socket, 'long');
		socket.send(JSON.stringify({ stream_id: 'long', text: 'x'.repeat(1500), text_end: false }));
		socket.send(JSON.stringify({ stream_id: 'long', text: 'x'.repeat(600), text_end: false }));
		await terminated(socket, 'long');
		expect(socket.messages.find((m) => m.error_code)).toMatchObject({
			stream_id: 'long',
			error_code: 400,
			error_message: expect.stringMatching(/2 minutes/),
		});
		socket.close();
	});

	it('answers 429 when the project has no TTS slot left', async () => {
		const held = Array.from({ length: 10 }, () => emulator.ctx.acquireSlot('tts')!);
		try {
			await new Promise<void>((resolve, reject) => {
				connect()
					.then(async (socket) => {
						openStream(socket, 'full');
						await terminated(socket, 'full');
						expect(socket.messages[0]).toMatchObject({
							stream_id: 'full',
							error_code: 429,
							error_message:
								'Concurrent requests limit for text-to-speech has been exceeded for your project.',
						});
						socket.close();
						resolve();
					})
					.catch(reject);
			});
		} finally {
			held.forEach((release) => release());
		}
	});

	it('reports text for an unknown stream without closing', async () => {
		const socket = await connect();
		say(socket, 'ghost', 'Boo.');
		const error = await socket.waitFor((m) => m.stream_id === 'ghost' && 'error_code' in m);
		expect(error).toMatchObject({ error_code: 400, error_type: 'invalid_request' });
		openStream(socket, 'real');
		say(socket, 'real', 'Fine.');
		await terminated(socket, 'real');
		socket.close();
	});
});

describe('real-time TTS authentication', () => {
	it.each<KeyDelivery>(['header', 'protocol', 'message'])(
		'accepts the key by %s',
		async (delivery) => {
			const socket = await connect(delivery);
			if (delivery === 'protocol') expect(socket.protocol).toBe('soniox-api-key');
			openStream(socket, 'k', delivery === 'message' ? { api_key: API_KEY } : {});
			say(socket, 'k', 'Authenticated.');
			await terminated(socket, 'k');
			expect(audioOf(socket, 'k').length).toBeGreaterThan(0);
			socket.close();
		},
	);

	it('closes the connection on a bad connection key with a connection-level error', async () => {
		const socket = await connect('protocol', 'bad-key');
		const closed = await socket.closed;
		expect(closed.code).toBe(1000);
		expect(socket.messages).toEqual([
			expect.objectContaining({ error_code: 401, error_type: 'unauthenticated' }),
		]);
		expect(socket.messages[0]).not.toHaveProperty('stream_id');
	});

	it('refuses a stream with a bad or missing message key but keeps the connection', async () => {
		const socket = await connect('message', '');
		openStream(socket, 'nokey');
		openStream(socket, 'badkey', { api_key: 'wrong' });
		await terminated(socket, 'badkey');
		await terminated(socket, 'nokey');
		expect(
			socket.messages
				.filter((m) => m.error_code === 401)
				.map((m) => m.stream_id)
				.sort(),
		).toEqual(['badkey', 'nokey']);
		openStream(socket, 'ok', { api_key: API_KEY });
		say(socket, 'ok', 'Now with a key.');
		await terminated(socket, 'ok');
		socket.close();
	});

	it('closes an idle connection', async () => {
		const socket = await connect();
		const closed = await socket.closed;
		expect(closed.code).toBe(1000);
		expect(socket.messages[0]).toMatchObject({ error_code: 408, error_type: 'request_timeout' });
	});
});

describe('real-time TTS faults and usage', () => {
	it('drops the connection after N messages and logs nothing', async () => {
		emulator.ctx.faults.set('/tts-websocket', [{ kind: 'drop', afterMessages: 2 }]);
		const socket = await connect();
		openStream(socket, 'd', { audio_format: 'pcm_s16le' });
		say(socket, 'd', 'x'.repeat(300));
		const closed = await socket.closed;
		expect(closed).toEqual({ code: 1006, clean: false });
		expect(socket.messages).toHaveLength(2);
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(emulator.ctx.ledger).toHaveLength(0);
		expect(emulator.ctx.slotsInUse.tts).toBe(0);
	});

	it('sends 503 after N messages, then closes', async () => {
		emulator.ctx.faults.set('/tts-websocket', [{ kind: 'terminate503', afterMessages: 1 }]);
		const socket = await connect();
		openStream(socket, 'e', { audio_format: 'pcm_s16le' });
		say(socket, 'e', 'x'.repeat(300));
		await socket.closed;
		expect(socket.messages).toHaveLength(2);
		expect(socket.messages[1]).toMatchObject({
			error_code: 503,
			error_type: 'service_unavailable',
		});
		expect(emulator.ctx.ledger).toHaveLength(0);
	});

	it('logs one tts_websocket entry per finished stream with the client_reference_id rule', async () => {
		const socket = await connect('message', '');
		const bound = emulator.ctx.addTempKey({ usageType: 'tts_rt', clientReferenceId: 'bound-1' });
		const unbound = emulator.ctx.addTempKey({ usageType: 'tts_rt', clientReferenceId: null });
		const text = 'Billing counts this text.';
		const keys: Record<string, string> = { long: API_KEY, bound, unbound };
		for (const [id, key] of Object.entries(keys)) {
			openStream(socket, id, { api_key: key, client_reference_id: `request-${id}` });
			say(socket, id, text);
			await terminated(socket, id);
		}
		const durationMs = text.length * 60;
		expect(emulator.ctx.ledger.map((entry) => entry.client_reference_id)).toEqual([
			'request-long',
			'bound-1',
			'',
		]);
		for (const entry of emulator.ctx.ledger) {
			expect(entry).toMatchObject({
				request_scope: 'api',
				kind: 'tts_websocket',
				model: 'tts-rt-v2',
				input_text_tokens: textTokensForText(text),
				output_audio_duration_ms: durationMs,
				output_audio_tokens: audioTokensForDuration(durationMs),
				input_audio_duration_ms: 0,
				output_text_tokens: 0,
			});
		}
		socket.close();
	});
});
