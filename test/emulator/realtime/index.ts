// The two WebSocket endpoints. The server hands every upgrade here first; paths that are not
// ours are left to it. The key may come with the connection (Authorization header or the
// ['soniox-api-key', <key>] sub-protocols, of which 'soniox-api-key' is echoed) or, deprecated,
// as api_key in the first message (STT config / each TTS stream config).

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';

import type { EmulatorContext } from '../context';
import { API_KEY_PROTOCOL } from './channel';
import { startSttSession } from './stt';
import { startTtsConnection } from './tts';

const ENDPOINTS = {
	'/transcribe-websocket': startSttSession,
	'/tts-websocket': startTtsConnection,
} as const;

const server = new WebSocketServer({
	noServer: true,
	// Real-time audio frames can be large; the reference sets no limit, so allow generous ones.
	maxPayload: 64 * 1024 * 1024,
	handleProtocols: (protocols) => (protocols.has(API_KEY_PROTOCOL) ? API_KEY_PROTOCOL : false),
});

export function handleUpgrade(
	req: IncomingMessage,
	socket: Duplex,
	head: Buffer,
	ctx: EmulatorContext,
): boolean {
	const path = new URL(req.url ?? '/', 'http://emulator').pathname;
	if (!Object.prototype.hasOwnProperty.call(ENDPOINTS, path)) return false;
	const start = ENDPOINTS[path as keyof typeof ENDPOINTS];
	server.handleUpgrade(req, socket, head, (ws) => start(ws, req, ctx));
	return true;
}
