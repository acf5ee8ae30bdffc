// The real-time clients against a WebSocket server that misbehaves on purpose: chatter without
// progress, messages that are not Soniox's, and Stop. Each must end with a clear error, bounded.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

import { WebSocketServer, type WebSocket } from 'ws';

import { rawLayout } from '../../nodes/Soniox/v1/helpers/audioLayout';
import { bufferSource } from '../../nodes/Soniox/v1/helpers/audioSource';
import { synthesizeInRealTime } from '../../nodes/Soniox/v1/transport/realtime/synthesizeSession';
import { transcribeInRealTime } from '../../nodes/Soniox/v1/transport/realtime/transcribeSession';
import { TEST_NODE } from './realtime-fixtures';

jest.setTimeout(15_000);

/** What the server does with each message of a connection. */
type Behaviour = (socket: WebSocket, message: Buffer, isBinary: boolean) => void;

let server: WebSocketServer;
let url: string;
let behaviour: Behaviour;
let closed: number;
const timers: NodeJS.Timeout[] = [];

beforeAll(async () => {
	server = new WebSocketServer({
		host: '127.0.0.1',
		port: 0,
		handleProtocols: () => 'soniox-api-key',
	});
	server.on('connection', (socket) => {
		socket.on('message', (message: Buffer, isBinary) => behaviour(socket, message, isBinary));
		socket.on('close', () => closed++);
	});
	await once(server, 'listening');
	url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/socket`;
});
beforeEach(() => (closed = 0));
afterEach(() => timers.splice(0).forEach(clearInterval));
afterAll(async () => {
	for (const client of server.clients) client.terminate();
	await new Promise((resolve) => server.close(resolve));
});

/** Sends `message` every 20 ms until the connection closes. */
function chatter(socket: WebSocket, message: () => string) {
	const timer = setInterval(() => socket.readyState === socket.OPEN && socket.send(message()), 20);
	timers.push(timer);
}

const transcribe = (options: { signal?: AbortSignal } = {}) =>
	transcribeInRealTime({
		node: TEST_NODE,
		url,
		apiKey: 'key',
		keySource: 'credential',
		config: { model: 'stt-rt-v5' },
		audio: bufferSource(Buffer.alloc(3200)),
		layout: rawLayout({ format: 'pcm_s16le', sampleRate: 16000, channels: 1 }),
		pace: 'fast',
		maxResumes: 0,
		silenceLimitMs: 300,
		...options,
	});

/** Answers the end of the audio (an empty message) with `reply`. */
const onAudioEnd =
	(reply: (socket: WebSocket) => void): Behaviour =>
	(socket, message) => {
		if (message.length === 0) reply(socket);
	};

describe('real-time transcription against a hostile server', () => {
	it('gives up when responses keep coming but carry no progress', async () => {
		behaviour = onAudioEnd((socket) => chatter(socket, () => '{"tokens": []}'));
		await expect(transcribe()).rejects.toThrow(
			'Soniox made no progress for 0.3 seconds while finishing the transcript',
		);
	});

	it.each([
		['null', 'null', 'is not a JSON object'],
		['a list', '[1, 2]', 'is not a JSON object'],
		['not JSON', '{"tokens": [', 'is not valid JSON'],
		['tokens that are text', '{"tokens": "hello"}', 'has tokens that are not a list'],
		['a token without text', '{"tokens": [{"is_final": true}]}', 'has a token without text'],
		[
			'a huge list of tokens',
			JSON.stringify({ tokens: Array.from({ length: 20_000 }, () => ({ text: 'a' })) }),
			'has 20000 tokens in one response',
		],
	])('names a message that is %s', async (_title, message, problem) => {
		behaviour = onAudioEnd((socket) => socket.send(message));
		await expect(transcribe()).rejects.toThrow(`Soniox sent a real-time message that ${problem}`);
	});

	it('refuses a message larger than any of Soniox’s, and closes the connection', async () => {
		behaviour = onAudioEnd((socket) => socket.send('x'.repeat(17 * 1024 * 1024)));
		await expect(transcribe()).rejects.toThrow(
			/^Soniox sent a real-time message that is \d+ bytes long$/,
		);
		await waitFor(() => closed === 1);
	});

	it('stops when the execution is stopped: closes the connection and sends nothing more', async () => {
		let frames = 0;
		behaviour = (_socket, _message, isBinary) => isBinary && frames++;
		const stop = new AbortController();
		const running = transcribeInRealTime({
			node: TEST_NODE,
			url,
			apiKey: 'key',
			keySource: 'credential',
			config: { model: 'stt-rt-v5' },
			// Ten minutes of audio at real-time pace.
			audio: bufferSource(Buffer.alloc(16000 * 2 * 600)),
			layout: rawLayout({ format: 'pcm_s16le', sampleRate: 16000, channels: 1 }),
			pace: 'realTime',
			signal: stop.signal,
		});
		await waitFor(() => frames >= 3);
		stop.abort();
		await expect(running).rejects.toThrow('The execution was stopped');
		await waitFor(() => closed === 1);
		const sent = frames;
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(frames).toBe(sent);
	});
});

describe('real-time synthesis against a hostile server', () => {
	const synthesize = (options: { signal?: AbortSignal } = {}) =>
		synthesizeInRealTime({
			node: TEST_NODE,
			url,
			apiKey: 'key',
			keySource: 'credential',
			speeches: [{ config: { model: 'tts-rt-v2', voice: 'Adrian' }, text: 'Hello there.' }],
			maxStreams: 1,
			stopOnError: true,
			maxReconnects: 0,
			silenceLimitMs: 300,
			...options,
		});

	/** Answers a stream's config (the message naming its voice) with `reply`. */
	const onStreamConfig =
		(reply: (socket: WebSocket, streamId: string) => void): Behaviour =>
		(socket, message) => {
			const parsed = JSON.parse(message.toString()) as { stream_id: string; voice?: string };
			if (parsed.voice) reply(socket, parsed.stream_id);
		};

	it('gives up on a stream when messages keep coming but bring no audio', async () => {
		behaviour = onStreamConfig((socket, streamId) =>
			chatter(socket, () => JSON.stringify({ stream_id: streamId, audio: '' })),
		);
		const [outcome] = await synthesize();
		expect((outcome as Error).message).toBe(
			'Soniox made no progress for 0.3 seconds while synthesizing speech',
		);
	});

	it('names timestamps that are not lists', async () => {
		behaviour = onStreamConfig((socket, streamId) =>
			socket.send(JSON.stringify({ stream_id: streamId, audio: 'AAAA', timestamps: 5 })),
		);
		const [outcome] = await synthesize();
		expect((outcome as Error).message).toBe(
			'Soniox sent a real-time message that has timestamps that are not lists',
		);
	});

	it('names a message that is null', async () => {
		behaviour = onStreamConfig((socket) => socket.send('null'));
		const [outcome] = await synthesize();
		expect((outcome as Error).message).toBe(
			'Soniox sent a real-time message that is not a JSON object',
		);
	});

	it('stops when the execution is stopped', async () => {
		behaviour = onStreamConfig(() => undefined);
		const stop = new AbortController();
		const running = synthesize({ signal: stop.signal });
		await new Promise((resolve) => setTimeout(resolve, 100));
		stop.abort();
		const [outcome] = await running;
		expect((outcome as Error).message).toBe(
			'The execution was stopped while a real-time session was open',
		);
		await waitFor(() => closed === 1);
	});
});

async function waitFor(condition: () => boolean, timeoutMs = 5000) {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}
