// A tiny HTTP server on a loopback address, for transport tests that need a server which
// misbehaves in ways the emulator does not (redirects, trickled bodies, odd JSON). It records
// what it received, including whether an Authorization header came with it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
	method: string;
	url: string;
	authorization?: string;
}

export interface LoopbackServer {
	url: string;
	received: ReceivedRequest[];
	close(): Promise<void>;
}

/** 127.0.0.2 is another host than 127.0.0.1 for every HTTP client (another origin). */
export async function startLoopbackServer(
	handler: (req: IncomingMessage, res: ServerResponse) => void,
	host = '127.0.0.1',
): Promise<LoopbackServer> {
	const received: ReceivedRequest[] = [];
	const server = createServer((req, res) => {
		received.push({
			method: req.method ?? '',
			url: req.url ?? '',
			authorization: req.headers.authorization,
		});
		// Read the request body to its end before answering, as a real server does.
		req.resume();
		req.on('end', () => handler(req, res));
	});
	await new Promise<void>((resolve) => server.listen(0, host, resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://${host}:${port}`,
		received,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** Answers with `body` one byte at a time, `intervalMs` apart, until done or disconnected. */
export function trickle(res: ServerResponse, body: string, intervalMs: number) {
	let index = 0;
	const timer = setInterval(() => {
		if (res.destroyed || index >= body.length) {
			clearInterval(timer);
			if (!res.destroyed) res.end();
			return;
		}
		res.write(body[index++]);
	}, intervalMs);
	res.on('close', () => clearInterval(timer));
}
