import { NodeOperationError, sleep } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import { cancelledError } from './errors';

export type SocketEvent =
	| { kind: 'text'; data: string }
	| { kind: 'binary'; data: Uint8Array }
	| { kind: 'close'; code: number; reason: string }
	/** The execution was stopped: the socket is closed, nothing more will arrive. */
	| { kind: 'cancelled' }
	/** A message too large to be one of Soniox's: the socket is closed. */
	| { kind: 'oversized'; bytes: number };

/** Far above any Soniox message (a second of 48 kHz float audio in base64 is about 260 kB). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export interface SocketOptions {
	timeoutMs?: number;
	/** n8n's execution cancel signal: Stop closes the connection. */
	signal?: AbortSignal;
}

/** Characters allowed in a Sec-WebSocket-Protocol value (an RFC 7230 token). */
const PROTOCOL_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * Waits for a promise at most `ms`. Nodes may not use setTimeout, so the deadline is
 * checked between short sleeps; the overhang after settling is at most one slice.
 */
export async function withDeadline<T>(
	promise: Promise<T>,
	ms: number,
): Promise<T | typeof TIMED_OUT> {
	let settled = false;
	const watched = promise.finally(() => (settled = true));
	const deadline = Date.now() + ms;
	const timer = (async (): Promise<typeof TIMED_OUT> => {
		while (!settled && Date.now() < deadline) await sleep(Math.min(50, deadline - Date.now()));
		return TIMED_OUT;
	})();
	return await Promise.race([watched, timer]);
}

export function isTimeout(value: unknown): value is typeof TIMED_OUT {
	return value === TIMED_OUT;
}

/**
 * One WebSocket connection to Soniox on the runtime's own WebSocket (Node.js 22+, no
 * dependency). The key travels as the `soniox-api-key` sub-protocol; keys that are not
 * valid protocol tokens (a key with ":" or "/", say) go in the first message instead, which
 * `keyInMessage` tells the caller.
 */
export class SonioxSocket {
	private readonly events: SocketEvent[] = [];

	private wake: (() => void) | undefined;

	private ended = false;

	private constructor(
		private readonly socket: WebSocket,
		readonly keyInMessage: boolean,
		signal: AbortSignal | undefined,
	) {
		socket.binaryType = 'arraybuffer';
		socket.addEventListener('message', (event) => {
			const data = event.data as string | ArrayBuffer;
			const bytes = typeof data === 'string' ? data.length : data.byteLength;
			if (bytes > MAX_MESSAGE_BYTES) return this.end({ kind: 'oversized', bytes });
			this.push(
				typeof data === 'string'
					? { kind: 'text', data }
					: { kind: 'binary', data: new Uint8Array(data) },
			);
		});
		socket.addEventListener('close', (event) =>
			this.push({ kind: 'close', code: event.code, reason: event.reason }),
		);
		signal?.addEventListener('abort', () => this.end({ kind: 'cancelled' }), { once: true });
	}

	/** Closes the socket, and only `event` (then the close) is delivered from now on. */
	private end(event: Extract<SocketEvent, { kind: 'cancelled' | 'oversized' }>) {
		if (this.ended) return;
		this.ended = true;
		this.events.splice(0, this.events.length, event);
		this.wake?.();
		this.close();
	}

	static async open(node: INode, url: string, apiKey: string, options: SocketOptions = {}) {
		const { timeoutMs = 20_000, signal } = options;
		if (typeof WebSocket === 'undefined') {
			throw new NodeOperationError(
				node,
				'Real-time mode needs the WebSocket built into Node.js 22 or newer',
				{ description: 'Run n8n on Node.js 22 or newer (n8n 2.x itself requires Node.js 24).' },
			);
		}
		const keyInMessage = !PROTOCOL_TOKEN.test(apiKey);
		const socket = keyInMessage
			? new WebSocket(url)
			: new WebSocket(url, ['soniox-api-key', apiKey]);
		const opened = new Promise<boolean>((resolve) => {
			socket.addEventListener('open', () => resolve(true), { once: true });
			socket.addEventListener('close', () => resolve(false), { once: true });
			signal?.addEventListener('abort', () => resolve(false), { once: true });
		});
		const outcome = await withDeadline(opened, timeoutMs);
		if (outcome === true && !signal?.aborted) return new SonioxSocket(socket, keyInMessage, signal);
		socket.close();
		if (signal?.aborted) throw cancelledError(node);
		throw new NodeOperationError(
			node,
			`Could not open the Soniox real-time connection to ${url}${isTimeout(outcome) ? ' (timed out)' : ''}`,
			{ description: 'Check the WebSocket URL of the credential and that the host can reach it.' },
		);
	}

	private push(event: SocketEvent) {
		if (this.ended && event.kind !== 'close') return;
		this.events.push(event);
		this.wake?.();
	}

	/** The next message or the end; undefined if nothing arrived within `timeoutMs`. */
	async next(timeoutMs: number): Promise<SocketEvent | undefined> {
		const queued = this.events.shift();
		if (queued) {
			// How the socket ended stays the answer to every later call.
			if (queued.kind !== 'text' && queued.kind !== 'binary') this.events.unshift(queued);
			return queued;
		}
		const arrived = new Promise<void>((resolve) => (this.wake = resolve));
		const outcome = await withDeadline(arrived, timeoutMs);
		this.wake = undefined;
		return isTimeout(outcome) ? undefined : await this.next(0);
	}

	/** Messages already received, without waiting (and how the socket ended, if it did). */
	drain(): SocketEvent[] {
		const firstEnd = this.events.findIndex(
			(event) => event.kind !== 'text' && event.kind !== 'binary',
		);
		const ready = this.events.splice(0, firstEnd < 0 ? this.events.length : firstEnd);
		return firstEnd < 0 ? ready : [...ready, this.events[0]];
	}

	get isOpen() {
		return this.socket.readyState === WebSocket.OPEN;
	}

	/** Bytes queued but not yet sent; senders wait while it is high. */
	get bufferedAmount() {
		return this.socket.bufferedAmount;
	}

	send(data: string | Uint8Array) {
		this.socket.send(data);
	}

	sendJson(message: object) {
		this.socket.send(JSON.stringify(message));
	}

	close(code = 1000) {
		if (
			this.socket.readyState === WebSocket.OPEN ||
			this.socket.readyState === WebSocket.CONNECTING
		) {
			this.socket.close(code);
		}
	}
}

/**
 * Whether a WebSocket opens at `url` with the key as sub-protocol (nothing is sent): undefined
 * when it does, else what went wrong, in words. For the credential test.
 */
export async function probeWebSocket(
	url: string,
	apiKey: string,
	timeoutMs: number,
): Promise<string | undefined> {
	if (typeof WebSocket === 'undefined')
		return 'cannot be tried: this n8n runs on a Node.js without WebSocket';
	let socket: WebSocket;
	try {
		socket = PROTOCOL_TOKEN.test(apiKey)
			? new WebSocket(url, ['soniox-api-key', apiKey])
			: new WebSocket(url);
	} catch {
		return 'is not a WebSocket URL';
	}
	const opened = new Promise<boolean>((resolve) => {
		socket.addEventListener('open', () => resolve(true), { once: true });
		socket.addEventListener('close', () => resolve(false), { once: true });
	});
	const outcome = await withDeadline(opened, timeoutMs);
	socket.close();
	if (outcome === true) return undefined;
	return isTimeout(outcome)
		? `did not open within ${Math.round(timeoutMs / 1000)} seconds`
		: 'could not be opened: nothing answers there as a WebSocket';
}
