// Shared by the real-time suites: audio fixtures and small helpers around the emulator.
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

import type { INode } from 'n8n-workflow';

import { makeWav, type Emulator } from '../emulator';

export const SPEECH =
	'Good morning, everyone. Thank you for joining the quarterly review! Revenue grew in every region. Questions come at the end.';
export const SPEECH_MS = 9000;
export const SPEECH_WAV = makeWav({ text: SPEECH, durationMs: SPEECH_MS });

/** The samples of a makeWav file without its header (16 kHz mono s16le). */
export function pcmOf(wav: Buffer): Buffer {
	return wav.subarray(wav.indexOf('data', 12, 'latin1') + 8);
}

/** A stand-in for the node, for the errors the real-time helpers build. */
export const TEST_NODE: INode = {
	id: 'realtime-test',
	name: 'Soniox',
	type: 'n8n-nodes-soniox-suite.soniox',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

export async function createTemporaryKey(
	emulator: Emulator,
	usageType: 'transcribe_websocket' | 'tts_rt',
	clientReferenceId?: string,
): Promise<string> {
	const response = await fetch(`${emulator.urls.api}/v1/auth/temporary-api-key`, {
		method: 'POST',
		headers: { authorization: `Bearer ${emulator.apiKey}`, 'content-type': 'application/json' },
		body: JSON.stringify({
			usage_type: usageType,
			expires_in_seconds: 60,
			...(clientReferenceId ? { client_reference_id: clientReferenceId } : {}),
		}),
	});
	if (response.status !== 201) throw new Error(`temporary key: HTTP ${response.status}`);
	return ((await response.json()) as { api_key: string }).api_key;
}

type TimedToken = { text: string; start_ms?: number; end_ms?: number };

/** Text and timing of tokens, for comparing transcripts. */
export const timeline = (tokens: TimedToken[]) =>
	tokens.map(({ text, start_ms, end_ms }) => ({ text, start_ms, end_ms }));

export interface CountingProxy {
	/** The target URL with the proxy's port. */
	url: string;
	/** TCP connections opened through the proxy so far. */
	connections(): number;
	close(): Promise<void>;
}

/**
 * A TCP relay in front of one emulator URL that counts connections: each WebSocket is one TCP
 * connection, so this tells how many connections a run opened.
 */
export async function countingProxy(target: string): Promise<CountingProxy> {
	const url = new URL(target);
	const upstreamPort = Number(url.port);
	let count = 0;
	const sockets = new Set<Socket>();
	const server = createServer((client) => {
		count++;
		const upstream = connect(upstreamPort, url.hostname);
		for (const socket of [client, upstream]) {
			sockets.add(socket);
			socket.on('close', () => sockets.delete(socket));
			socket.on('error', () => [client, upstream].forEach((s) => s.destroy()));
		}
		client.pipe(upstream).pipe(client);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	url.port = String(port);
	return {
		url: url.toString(),
		connections: () => count,
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
