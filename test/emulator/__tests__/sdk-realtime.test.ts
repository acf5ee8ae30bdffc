// Conformance: the official SDK (@soniox/node) against the emulator's TTS REST and the two
// WebSockets. The SDK is a real client written by Soniox; where it and the emulator disagree,
// the contract decides (see the report in the emulator's docs).

import {
	BadRequestError,
	SonioxHttpError,
	SonioxNodeClient,
	type RealtimeToken,
} from '@soniox/node';

import { makeWav, recognizeBuffer } from '../audio';
import { API_KEY, startFakeServer, type FakeServer } from './fake-context';
import { chunksOf } from './ws-client';

let emulator: FakeServer;
let client: SonioxNodeClient;
beforeAll(async () => {
	emulator = await startFakeServer();
	client = new SonioxNodeClient({
		api_key: API_KEY,
		base_url: emulator.httpUrl,
		tts_api_url: emulator.httpUrl,
		realtime: {
			ws_base_url: `${emulator.wsUrl}/transcribe-websocket`,
			tts_ws_url: `${emulator.wsUrl}/tts-websocket`,
		},
	});
});
afterAll(() => emulator.close());
beforeEach(() => {
	emulator.ctx.ledger.length = 0;
});

const TEXT = 'The official client talks to the emulator. It works!';

describe('SDK TTS REST', () => {
	it('generates WAV speech the recogniser hears back', async () => {
		const audio = Buffer.from(
			await client.tts.generate({ text: TEXT, voice: 'Adrian', client_reference_id: 'sdk-rest' }),
		);
		expect(audio.toString('latin1', 0, 4)).toBe('RIFF');
		expect(recognizeBuffer(audio, {}).text).toBe(TEXT);
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(emulator.ctx.ledger).toEqual([
			expect.objectContaining({
				request_scope: 'api',
				kind: 'tts_rest',
				client_reference_id: 'sdk-rest',
			}),
		]);
	});

	it('streams the same bytes with generateStream', async () => {
		const options = { text: TEXT, voice: 'Nora', audio_format: 'mp3', bitrate: 64000 } as const;
		const whole = Buffer.from(await client.tts.generate(options));
		const parts: Buffer[] = [];
		for await (const chunk of client.tts.generateStream(options)) parts.push(Buffer.from(chunk));
		expect(Buffer.concat(parts).equals(whole)).toBe(true);
		expect(whole.toString('latin1', 0, 3)).toBe('ID3');
	});

	it('surfaces errors as SonioxHttpError with the TTS error body', async () => {
		const error = await client.tts
			.generate({ text: TEXT, voice: 'Nobody' })
			.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(SonioxHttpError);
		const httpError = error as SonioxHttpError;
		expect(httpError.statusCode).toBe(400);
		expect(JSON.parse(httpError.bodyText!)).toMatchObject({
			error_code: 400,
			error_type: 'invalid_request',
			error_message: "Invalid voice 'Nobody' for model 'tts-rt-v2'.",
		});
	});
});

describe('SDK real-time STT', () => {
	it('transcribes a WAV fixture in a session, with endpoint events', async () => {
		const wav = makeWav({ text: TEXT, durationMs: 4000 });
		const session = client.realtime.stt({
			model: 'stt-rt-v5',
			enable_endpoint_detection: true,
			client_reference_id: 'sdk-stt',
		});
		const finals: RealtimeToken[] = [];
		let endpoints = 0;
		session.on('result', (result) =>
			finals.push(...result.tokens.filter((token) => token.is_final)),
		);
		session.on('endpoint', () => endpoints++);
		await session.connect();
		for (const chunk of chunksOf(wav, 3200)) session.sendAudio(chunk);
		await session.finish();
		expect(finals.map((token) => token.text).join('')).toBe(TEXT);
		expect(endpoints).toBe(2);
		expect(session.state).toBe('finished');
		expect(emulator.ctx.ledger).toEqual([
			expect.objectContaining({
				request_scope: 'api',
				kind: 'transcribe_websocket',
				client_reference_id: 'sdk-stt',
				input_audio_duration_ms: 4000,
			}),
		]);
	});

	it('raises finalized after pause() and keeps the session usable', async () => {
		// The SDK warns that paused sessions are billed; expected here.
		jest.spyOn(console, 'warn').mockImplementationOnce(() => undefined);
		const wav = makeWav({ text: TEXT, durationMs: 4000 });
		const session = client.realtime.stt({ model: 'stt-rt-v5' });
		const finals: RealtimeToken[] = [];
		let finalized = 0;
		session.on('result', (result) =>
			finals.push(...result.tokens.filter((token) => token.is_final)),
		);
		session.on('finalized', () => finalized++);
		await session.connect();
		session.sendAudio(wav.subarray(0, 40000));
		session.pause();
		await new Promise((resolve) => setTimeout(resolve, 100));
		session.resume();
		session.sendAudio(wav.subarray(40000));
		await session.finish();
		expect(finalized).toBe(1);
		expect(finals.map((token) => token.text).join('')).toBe(TEXT);
	});

	it('maps a bad model to BadRequestError', async () => {
		const session = client.realtime.stt({ model: 'stt-rt-v0' });
		const errors: Error[] = [];
		session.on('error', (error) => errors.push(error));
		await session.connect();
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(errors[0]).toBeInstanceOf(BadRequestError);
		expect(errors[0].message).toBe('Invalid model specified.');
		expect(session.state).toBe('error');
	});
});

describe('SDK real-time TTS', () => {
	it('speaks a single stream with the same bytes as REST', async () => {
		const stream = await client.realtime.tts({
			model: 'tts-rt-v2',
			voice: 'Adrian',
			language: 'en',
			audio_format: 'pcm_s16le',
		});
		stream.sendText('The official client ');
		stream.sendText('talks to the emulator. It works!');
		stream.finish();
		const parts: Buffer[] = [];
		for await (const chunk of stream) parts.push(Buffer.from(chunk));
		stream.close();
		const rest = Buffer.from(
			await client.tts.generate({ text: TEXT, voice: 'Adrian', audio_format: 'pcm_s16le' }),
		);
		expect(Buffer.concat(parts).equals(rest)).toBe(true);
		expect(emulator.ctx.ledger.map((entry) => entry.kind).sort()).toEqual([
			'tts_rest',
			'tts_websocket',
		]);
	});

	it('runs several streams on one connection, with timestamps', async () => {
		const connection = await client.realtime.tts.multiStream();
		const texts = ['One.', 'Two words.', 'And three words.'];
		const results = await Promise.all(
			texts.map(async (text) => {
				const stream = await connection.stream({
					model: 'tts-rt-v2',
					voice: 'Nora',
					language: 'en',
					audio_format: 'wav',
					return_timestamps: true,
				});
				const characters: string[] = [];
				stream.on('audio', (_chunk, timestamps) =>
					characters.push(...(timestamps?.characters ?? [])),
				);
				stream.sendText(text, { end: true });
				const parts: Buffer[] = [];
				for await (const chunk of stream) parts.push(Buffer.from(chunk));
				return { text, audio: Buffer.concat(parts), characters: characters.join('') };
			}),
		);
		connection.close();
		for (const result of results) {
			expect(recognizeBuffer(result.audio, {}).text).toBe(result.text);
			expect(result.characters).toBe(result.text);
		}
	});
});
