// The contract, part 3: both WebSockets against Soniox's WebSocket docs (the OpenAPI document
// does not cover them). Every server message is validated with contract/realtime.ts; both
// login paths are used with a temporary key: the sub-protocol and the first message.
import { makeWav, startEmulator, type Emulator } from '..';
import { validateRealtimeMessage, type RealtimeMessageKind } from '../contract/realtime';
import { chunksOf, openSocket, type KeyDelivery, type TestSocket } from './ws-client';

const TEXT = 'Good morning. Contracts hold.';
const WAV = makeWav({ text: TEXT, durationMs: 3000 });

let emulator: Emulator;

beforeAll(async () => {
	emulator = await startEmulator({ realtimeIdleTimeoutMs: 2000 });
});
afterEach(() => emulator.reset());
afterAll(() => emulator.close());

async function temporaryKey(usage_type: 'transcribe_websocket' | 'tts_rt') {
	const response = await fetch(`${emulator.baseUrl}/v1/auth/temporary-api-key`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${emulator.apiKey}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({ usage_type, expires_in_seconds: 60, client_reference_id: 'rt-1' }),
	});
	return ((await response.json()) as { api_key: string }).api_key;
}

const conformsAs = (kind: RealtimeMessageKind, message: Record<string, unknown>) =>
	expect(validateRealtimeMessage(kind, message)).toEqual([]);

async function stt(config: Record<string, unknown>, key: string, delivery: KeyDelivery) {
	const socket = await openSocket(emulator.urls.sttWebSocket, key, delivery);
	socket.send(JSON.stringify(delivery === 'message' ? { ...config, api_key: key } : config));
	return socket;
}

async function streamAll(socket: TestSocket, chunks: Buffer[]) {
	for (const chunk of chunks) {
		socket.send(chunk);
		await new Promise((resolve) => setImmediate(resolve));
	}
	socket.send(Buffer.alloc(0));
}

describe('speech-to-text WebSocket', () => {
	it.each<KeyDelivery>(['protocol', 'message'])(
		'logs in with an snx_temp_ key by %s; results, tokens and finished match the docs',
		async (delivery) => {
			const key = await temporaryKey('transcribe_websocket');
			expect(key).toMatch(/^snx_temp_/);
			const socket = await stt({ model: 'stt-rt-v5', audio_format: 'auto' }, key, delivery);
			if (delivery === 'protocol') expect(socket.protocol).toBe('soniox-api-key');
			socket.send(JSON.stringify({ type: 'keepalive' }));
			await streamAll(socket, chunksOf(WAV, 4000));
			await socket.closed;
			for (const message of socket.messages) conformsAs('sttResult', message);
			expect(socket.messages.at(-1)).toMatchObject({ finished: true });
			const finals = socket.messages.flatMap((message) =>
				(message.tokens as Array<{ text: string; is_final: boolean }>).filter(
					(token) => token.is_final,
				),
			);
			expect(finals.map((token) => token.text).join('')).toBe(TEXT);
			expect(emulator.ledger()).toMatchObject([
				{
					request_scope: 'api',
					model: 'stt-rt-v5',
					client_reference_id: 'rt-1',
					output_audio_tokens: 0,
				},
			]);
		},
	);

	it('finalize makes everything heard final and sends the <fin> token', async () => {
		const socket = await stt(
			{ model: 'stt-rt-v5', audio_format: 'auto' },
			emulator.apiKey,
			'header',
		);
		for (const chunk of chunksOf(WAV, 4000)) socket.send(chunk);
		socket.send(JSON.stringify({ type: 'finalize' }));
		const finalized = await socket.waitFor((message) =>
			(message.tokens as Array<{ text: string }>).some((token) => token.text === '<fin>'),
		);
		conformsAs('sttResult', finalized);
		socket.close();
	});

	it('errors carry error_code, error_type, error_message and request_id, then the socket closes', async () => {
		const wrongUse = await temporaryKey('tts_rt');
		const refused = await stt({ model: 'stt-rt-v5', audio_format: 'auto' }, wrongUse, 'message');
		const error = await refused.waitFor((message) => 'error_code' in message);
		conformsAs('sttError', error);
		expect(error).toMatchObject({ error_code: 401, error_type: 'unauthenticated' });
		await refused.closed;
		const invalid = await stt({ audio_format: 'auto' }, emulator.apiKey, 'header');
		const missingModel = await invalid.waitFor((message) => 'error_code' in message);
		conformsAs('sttError', missingModel);
		expect(missingModel).toMatchObject({ error_code: 400, error_type: 'invalid_request' });
	});
});

describe('text-to-speech WebSocket', () => {
	const config = { model: 'tts-rt-v2', language: 'en', voice: 'Adrian', audio_format: 'pcm_s16le' };

	it.each<KeyDelivery>(['protocol', 'message'])(
		'logs in with an snx_temp_ key by %s; audio, audio_end and terminated match the docs',
		async (delivery) => {
			const key = await temporaryKey('tts_rt');
			const socket = await openSocket(emulator.urls.ttsWebSocket, key, delivery);
			const start = {
				...config,
				stream_id: 's1',
				...(delivery === 'message' ? { api_key: key } : {}),
			};
			socket.send(JSON.stringify(start));
			socket.send(JSON.stringify({ keep_alive: true }));
			socket.send(JSON.stringify({ stream_id: 's1', text: 'Hello there.', text_end: true }));
			await socket.waitFor((message) => message.terminated === true);
			const audio = socket.messages.filter((message) => 'audio' in message);
			for (const message of audio) conformsAs('ttsAudio', message);
			expect(audio.at(-1)).toMatchObject({ audio_end: true });
			conformsAs('ttsTerminated', socket.messages.at(-1) as Record<string, unknown>);
			socket.close();
			await new Promise((resolve) => setTimeout(resolve, 20));
			expect(emulator.ledger()).toMatchObject([
				{
					request_scope: 'api',
					model: 'tts-rt-v2',
					client_reference_id: 'rt-1',
					input_audio_tokens: 0,
				},
			]);
		},
	);

	it('cancel ends a stream with terminated; a bad config is an error with the stream id', async () => {
		const socket = await openSocket(emulator.urls.ttsWebSocket, emulator.apiKey, 'header');
		socket.send(JSON.stringify({ ...config, stream_id: 'c' }));
		socket.send(JSON.stringify({ stream_id: 'c', text: 'A long text to cancel. '.repeat(20) }));
		socket.send(JSON.stringify({ stream_id: 'c', cancel: true }));
		conformsAs('ttsTerminated', await socket.waitFor((message) => message.terminated === true));
		socket.send(JSON.stringify({ ...config, stream_id: 'bad', voice: 'Nobody' }));
		const error = await socket.waitFor((message) => 'error_code' in message);
		conformsAs('ttsError', error);
		expect(error).toMatchObject({
			stream_id: 'bad',
			error_code: 400,
			error_type: 'invalid_request',
		});
		socket.close();
	});
});
