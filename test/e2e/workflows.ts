// Pieces the end-to-end suites share: the credential that points n8n at the emulator, the
// credential reference of the example workflows, a loopback receiver that stands in for
// Slack (and any other webhook a workflow posts to), and a browser's use of a temporary key.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { makeWav, type Emulator } from '../emulator';

/** The owner account the end-to-end suites set up in their n8n (the editor suites sign in). */
export const E2E_OWNER = {
	email: 'e2e@example.com',
	password: 'E2e-Password-1',
	firstName: 'E2E',
	lastName: 'Owner',
};

/** The credential the example workflows refer to; `npm start` creates it under this id. */
export const EXAMPLE_CREDENTIAL = { id: 'sonioxSuiteDemo1', name: 'Soniox account' };

/** A trigger's poll times: every minute. */
export const EVERY_MINUTE = { item: [{ mode: 'everyMinute' }] };

/**
 * The Soniox Trigger with one item per entry, polling every minute, each entry posted to
 * `${receiverUrl}/entries`: an entry delivered twice would show there twice.
 */
export function entriesToReceiverWorkflow(id: string, name: string, receiverUrl: string) {
	return {
		id,
		name,
		nodes: [
			{
				id: `${id}-0`,
				name: 'New usage',
				type: 'n8n-nodes-soniox-suite.sonioxTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: { pollTimes: EVERY_MINUTE, output: 'entries', options: {} },
				credentials: { sonioxSuiteApi: EXAMPLE_CREDENTIAL },
			},
			{
				id: `${id}-1`,
				name: 'Post entry',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [220, 0],
				parameters: {
					method: 'POST',
					url: `${receiverUrl}/entries`,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: '={{ JSON.stringify($json) }}',
					options: {},
				},
			},
		],
		connections: { 'New usage': { main: [[{ node: 'Post entry', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/** The Header Auth credential the temporary-key example's webhook checks. */
export const ENDPOINT_SECRET = {
	id: 'sonioxKeyEndpointSecret',
	name: 'Temporary key endpoint secret',
	header: 'X-Endpoint-Secret',
};

/** That credential, as `n8n import:credentials` takes it, holding `secret`. */
export function endpointSecretCredential(secret: string) {
	return {
		id: ENDPOINT_SECRET.id,
		name: ENDPOINT_SECRET.name,
		type: 'httpHeaderAuth',
		data: { name: ENDPOINT_SECRET.header, value: secret },
	};
}

/** The credential the examples refer to, pointed at the emulator, as `n8n import:credentials` takes it. */
export function exampleCredential(emulator: Pick<Emulator, 'apiKey' | 'urls'>) {
	return { ...EXAMPLE_CREDENTIAL, type: 'sonioxSuiteApi', data: emulatorCredentialData(emulator) };
}

/** Soniox credential values for the emulator: region Custom with its four URLs. */
export function emulatorCredentialData(
	emulator: Pick<Emulator, 'apiKey' | 'urls'>,
): Record<string, unknown> {
	return {
		apiKey: emulator.apiKey,
		region: 'custom',
		baseDomain: 'localhost',
		restUrl: emulator.urls.api,
		sttWebSocketUrl: emulator.urls.sttWebSocket,
		ttsRestUrl: emulator.urls.ttsRest,
		ttsWebSocketUrl: emulator.urls.ttsWebSocket,
	};
}

export interface ReceivedRequest {
	method: string;
	path: string;
	headers: IncomingHttpHeaders;
	body: string;
	json?: unknown;
	/** When the whole request had arrived (Date.now()). */
	receivedAt: number;
}

/** An HTTP server on loopback that answers 200 "ok" and keeps what it received. */
export class LoopbackReceiver {
	readonly received: ReceivedRequest[] = [];
	private waiters: Array<() => void> = [];

	private readonly server: Server;
	url = '';

	private constructor() {
		this.server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				const body = Buffer.concat(chunks).toString('utf8');
				let json: unknown;
				try {
					json = body ? JSON.parse(body) : undefined;
				} catch {
					json = undefined;
				}
				this.record({
					method: req.method ?? 'GET',
					path: req.url ?? '/',
					headers: req.headers,
					body,
					json,
					receivedAt: Date.now(),
				});
				// Slack's incoming webhooks answer a plain "ok".
				res.writeHead(200, { 'content-type': 'text/plain' });
				res.end('ok');
			});
		});
	}

	static async start(): Promise<LoopbackReceiver> {
		const receiver = new LoopbackReceiver();
		await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
		receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`;
		return receiver;
	}

	private record(request: ReceivedRequest) {
		this.received.push(request);
		const waiters = this.waiters;
		this.waiters = [];
		for (const wake of waiters) wake();
	}

	/** Requests to one path (e.g. "/slack"). */
	at(path: string): ReceivedRequest[] {
		return this.received.filter((request) => request.path === path);
	}

	/** Resolves once `count` requests reached `path`, or rejects after the timeout. */
	async waitFor(path: string, count = 1, timeoutMs = 60_000): Promise<ReceivedRequest[]> {
		const deadline = Date.now() + timeoutMs;
		while (this.at(path).length < count) {
			const left = deadline - Date.now();
			if (left <= 0) {
				throw new Error(`${path} received ${this.at(path).length} of ${count} requests in time`);
			}
			await new Promise<void>((wake) => {
				const timer = setTimeout(wake, left);
				this.waiters.push(() => {
					clearTimeout(timer);
					wake();
				});
			});
		}
		return this.at(path);
	}

	clear() {
		this.received.length = 0;
	}

	async close() {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}

/** A loopback URL that serves one audio file (the emulator downloads only from loopback). */
export async function serveAudio(audio: Buffer) {
	const audioServer = createServer((_req, res) => {
		res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': audio.length });
		res.end(audio);
	});
	await new Promise<void>((resolve) => audioServer.listen(0, '127.0.0.1', resolve));
	const { port } = audioServer.address() as { port: number };
	return {
		url: `http://127.0.0.1:${port}/show.wav`,
		close: () => new Promise<void>((resolve) => audioServer.close(() => resolve())),
	};
}

/** A workflow with only a Manual Trigger: in the editor, its "+" adds the next step. */
export function manualTriggerWorkflow(name: string) {
	return {
		name,
		nodes: [
			{
				id: 'c5f3c2a4-3a51-4b1e-9d0e-6f1f4c1a0001',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
		],
		connections: {},
		settings: {},
	};
}

/**
 * A real-time transcription the way a browser opens it: the runtime's WebSocket, a config
 * message, the audio, an empty frame; resolves with the final text. The key goes as the
 * sub-protocol when it is a valid protocol token (Soniox's snx_temp_… keys are); any other
 * goes as `api_key` in the config message.
 */
export async function transcribeInBrowserStyle(
	url: string,
	key: string,
	clientReferenceId: string,
) {
	const asProtocol = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(key);
	const socket = asProtocol ? new WebSocket(url, ['soniox-api-key', key]) : new WebSocket(url);
	socket.binaryType = 'arraybuffer';
	const finals: string[] = [];
	return await new Promise<string>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('no finished message')), 30_000);
		socket.addEventListener('open', () => {
			socket.send(
				JSON.stringify({
					...(asProtocol ? {} : { api_key: key }),
					model: 'stt-rt-v5',
					audio_format: 'auto',
					client_reference_id: clientReferenceId,
				}),
			);
			socket.send(new Uint8Array(makeWav({ text: 'Hello from the browser.', durationMs: 2000 })));
			socket.send(new Uint8Array(0));
		});
		socket.addEventListener('message', (event) => {
			const message = JSON.parse(String(event.data)) as {
				tokens?: Array<{ text: string; is_final?: boolean }>;
				finished?: boolean;
				error_code?: number;
				error_message?: string;
			};
			if (message.error_code) {
				clearTimeout(timer);
				reject(new Error(`${message.error_code} ${message.error_message}`));
				return;
			}
			for (const token of message.tokens ?? []) {
				if (token.is_final && !token.text.startsWith('<')) finals.push(token.text);
			}
			if (message.finished) {
				clearTimeout(timer);
				socket.close();
				resolve(finals.join(''));
			}
		});
		socket.addEventListener('close', (event) => {
			clearTimeout(timer);
			reject(new Error(`closed ${event.code} ${event.reason}`));
		});
		socket.addEventListener('error', () => {
			clearTimeout(timer);
			reject(new Error('WebSocket error'));
		});
	});
}
