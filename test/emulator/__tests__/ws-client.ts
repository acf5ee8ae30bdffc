// A test client for the emulator's WebSockets, over either the runtime's global WebSocket
// (the only way it can send a key is the sub-protocol list) or the `ws` package (which can
// also send the Authorization header).

import WebSocket from 'ws';

export type KeyDelivery = 'header' | 'protocol' | 'message';

export interface Closed {
	code: number;
	/** False when the TCP connection ended without a close frame. */
	clean: boolean;
}

export interface TestSocket {
	/** The sub-protocol the server selected ('' for none). */
	protocol: string;
	messages: Array<Record<string, unknown>>;
	closed: Promise<Closed>;
	send(data: string | Buffer): void;
	/** Resolves with the first message (already received or future) matching `predicate`. */
	waitFor(
		predicate: (message: Record<string, unknown>) => boolean,
		timeoutMs?: number,
	): Promise<Record<string, unknown>>;
	close(): void;
}

export async function openSocket(
	url: string,
	key: string,
	delivery: KeyDelivery,
): Promise<TestSocket> {
	return delivery === 'protocol'
		? openGlobal(url, key)
		: openWs(url, delivery === 'header' ? key : undefined);
}

function collector() {
	const messages: Array<Record<string, unknown>> = [];
	const waiters: Array<{
		predicate: (m: Record<string, unknown>) => boolean;
		resolve: (m: Record<string, unknown>) => void;
	}> = [];
	return {
		messages,
		push(text: string) {
			const message = JSON.parse(text) as Record<string, unknown>;
			messages.push(message);
			for (const waiter of [...waiters]) {
				if (waiter.predicate(message)) {
					waiters.splice(waiters.indexOf(waiter), 1);
					waiter.resolve(message);
				}
			}
		},
		waitFor(
			predicate: (m: Record<string, unknown>) => boolean,
			timeoutMs = 5000,
		): Promise<Record<string, unknown>> {
			const found = messages.find(predicate);
			if (found) return Promise.resolve(found);
			return new Promise((resolve, reject) => {
				const timer = setTimeout(
					() =>
						reject(new Error(`No matching message; got ${JSON.stringify(messages).slice(0, 500)}`)),
					timeoutMs,
				);
				waiters.push({
					predicate,
					resolve: (message) => {
						clearTimeout(timer);
						resolve(message);
					},
				});
			});
		},
	};
}

function openWs(url: string, headerKey: string | undefined): Promise<TestSocket> {
	const ws = new WebSocket(url, {
		headers: headerKey ? { Authorization: `Bearer ${headerKey}` } : {},
	});
	const inbox = collector();
	ws.on('message', (data, isBinary) => {
		if (!isBinary) inbox.push(data.toString());
	});
	// `ws` reports 1006 for a connection that ended without a close frame.
	const closed = new Promise<Closed>((resolve) =>
		ws.on('close', (code) => resolve({ code, clean: code !== 1006 })),
	);
	ws.on('error', () => undefined);
	return new Promise((resolve, reject) => {
		ws.once('open', () =>
			resolve({
				protocol: ws.protocol,
				messages: inbox.messages,
				closed,
				send: (data) => ws.send(data),
				waitFor: inbox.waitFor,
				close: () => ws.close(),
			}),
		);
		ws.once('unexpected-response', (_req, res) =>
			reject(new Error(`Upgrade refused: ${res.statusCode}`)),
		);
		ws.once('error', reject);
	});
}

function openGlobal(url: string, key: string): Promise<TestSocket> {
	const ws = new globalThis.WebSocket(url, ['soniox-api-key', key]);
	ws.binaryType = 'arraybuffer';
	const inbox = collector();
	ws.addEventListener('message', (event) => {
		if (typeof event.data === 'string') inbox.push(event.data);
	});
	const closed = new Promise<Closed>((resolve) => {
		ws.addEventListener('close', (event) => resolve({ code: event.code, clean: event.wasClean }));
	});
	return new Promise((resolve, reject) => {
		ws.addEventListener('open', () =>
			resolve({
				protocol: ws.protocol,
				messages: inbox.messages,
				closed,
				send: (data) => ws.send(data),
				waitFor: inbox.waitFor,
				close: () => ws.close(),
			}),
		);
		ws.addEventListener('error', () => reject(new Error('WebSocket failed to open')));
	});
}

/** Splits a buffer into chunks of `size` bytes. */
export function chunksOf(bytes: Buffer, size: number): Buffer[] {
	const chunks: Buffer[] = [];
	for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
	return chunks;
}
