// What both WebSocket protocols share: finding the key sent with the connection, sending JSON
// with an armed fault applied, and the idle timer.

import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';

import type { AuthOutcome, EmulatorContext, WebSocketFault } from '../context';
import type { TtsError } from './tts-request';

export const API_KEY_PROTOCOL = 'soniox-api-key';
export const DEFAULT_IDLE_TIMEOUT_MS = 20_000;

/** Assumed wording: the reference gives this message for TTS REST only, naming the header. */
export const MISSING_WS_KEY: TtsError = {
	status: 401,
	errorType: 'unauthenticated',
	message:
		"Missing API key. Send it with the connection (header 'Authorization: Bearer <SONIOX_API_KEY>' or sub-protocols ['soniox-api-key', <SONIOX_API_KEY>]) or as api_key in the first message. You can get an API key at https://console.soniox.com.",
};

export const SERVICE_UNAVAILABLE: TtsError = {
	status: 503,
	errorType: 'service_unavailable',
	message:
		'Cannot continue request (code 5). Please restart the request. Refer to: https://soniox.com/url/cannot-continue-request',
};

/**
 * The key sent with the connection: `Authorization: Bearer <key>` on the upgrade, or the
 * sub-protocol list `soniox-api-key, <key>`. The header wins when both are present.
 */
export function connectionKey(req: IncomingMessage): string | undefined {
	const header = req.headers.authorization;
	const bearer = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
	if (bearer) return bearer[1];
	const protocols = offeredProtocols(req);
	const at = protocols.indexOf(API_KEY_PROTOCOL);
	return at >= 0 && at + 1 < protocols.length ? protocols[at + 1] : undefined;
}

export function offeredProtocols(req: IncomingMessage): string[] {
	const header = req.headers['sec-websocket-protocol'];
	if (!header) return [];
	return header
		.split(',')
		.map((protocol) => protocol.trim())
		.filter((protocol) => protocol.length > 0);
}

export function authError(outcome: Exclude<AuthOutcome, { ok: true }>): TtsError {
	return { status: outcome.status, errorType: outcome.errorType, message: outcome.message };
}

/**
 * Sends JSON messages on one socket and fires the connection's armed fault once that many
 * messages are written: 'drop' then cuts the TCP connection (no close frame); 'terminate503'
 * sends the 503 "Cannot continue request" error and closes.
 */
export class FaultySender {
	private sent = 0;
	private faulted = false;

	constructor(
		private readonly ws: WebSocket,
		private readonly fault: WebSocketFault | undefined,
		/** Builds the 503 error message. */
		private readonly serviceUnavailable: () => object,
		/** Called once when a fault ends the connection. */
		private readonly onFault: () => void,
	) {
		if (fault && fault.afterMessages <= 0) queueMicrotask(() => this.fire());
	}

	get alive(): boolean {
		return !this.faulted && this.ws.readyState === this.ws.OPEN;
	}

	/** False when the message was not sent (socket gone or a fault fired). */
	send(message: object): boolean {
		if (!this.alive) return false;
		this.sent++;
		const faultNow = this.fault !== undefined && this.sent >= this.fault.afterMessages;
		if (!faultNow) {
			this.ws.send(JSON.stringify(message));
			return true;
		}
		this.faulted = true;
		this.ws.send(JSON.stringify(message), () => this.fire(true));
		return true;
	}

	/** Sends an error and closes normally (not a fault: the error is the server's answer). */
	sendAndClose(message: object, code = 1000): void {
		if (!this.alive) return;
		this.ws.send(JSON.stringify(message), () => this.ws.close(code));
	}

	private fire(alreadyMarked = false): void {
		if ((this.faulted && !alreadyMarked) || !this.fault) return;
		this.faulted = true;
		this.onFault();
		if (this.fault.kind === 'drop') {
			this.ws.terminate();
			return;
		}
		if (this.ws.readyState === this.ws.OPEN) {
			this.ws.send(JSON.stringify(this.serviceUnavailable()), () => this.ws.close(1000));
		}
	}
}

/** Calls `onIdle` when `touch` has not been called for `timeoutMs`. */
export class IdleTimer {
	private timer: NodeJS.Timeout | undefined;

	constructor(
		private readonly timeoutMs: number,
		private readonly onIdle: () => void,
	) {
		this.touch();
	}

	touch(): void {
		this.stop();
		this.timer = setTimeout(this.onIdle, this.timeoutMs);
		this.timer.unref();
	}

	stop(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
	}
}

export function idleTimeoutMs(ctx: EmulatorContext): number {
	return ctx.config.realtimeIdleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
}
