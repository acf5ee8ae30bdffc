// Plain-fetch helpers for the REST tests: no SDK in between, so every status, header and
// envelope field is what the emulator sent.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

import { makeWav, type Emulator } from '..';

export const DAY = 86_400_000;

export interface ErrorEnvelope {
	status_code: number;
	error_type: string;
	message: string;
	validation_errors: Array<{ error_type: string; location: string; message: string }>;
	request_id: string;
	more_info: string;
}

export function rest(emulator: Emulator) {
	const call = (path: string, init: RequestInit = {}, key: string | null = emulator.apiKey) =>
		fetch(`${emulator.baseUrl}${path}`, {
			...init,
			headers: {
				...(key === null ? {} : { Authorization: `Bearer ${key}` }),
				...(typeof init.body === 'string' ? { 'Content-Type': 'application/json' } : {}),
				...(init.headers ?? {}),
			},
		});
	const post = (path: string, body: unknown, key?: string | null) =>
		call(path, { method: 'POST', body: JSON.stringify(body) }, key);
	const json = async <T>(response: Response | Promise<Response>): Promise<T> =>
		(await (await response).json()) as T;

	async function upload(
		content: Uint8Array | string,
		fields: Record<string, string> = {},
		filename = 'talk.wav',
	) {
		const form = new FormData();
		form.append(
			'file',
			new Blob([typeof content === 'string' ? content : Buffer.from(content)]),
			filename,
		);
		for (const [name, value] of Object.entries(fields)) form.append(name, value);
		return call('/v1/files', { method: 'POST', body: form });
	}

	const spokenWav = (text: string, durationMs = 2000) =>
		new Uint8Array(makeWav({ text, durationMs }));

	async function waitForTranscription(id: string) {
		for (let attempt = 0; attempt < 200; attempt++) {
			const transcription = await json<Record<string, unknown>>(call(`/v1/transcriptions/${id}`));
			if (transcription.status === 'completed' || transcription.status === 'error')
				return transcription;
			await new Promise((resolve) => setTimeout(resolve, 15));
		}
		throw new Error(`transcription ${id} did not finish`);
	}

	return { call, post, json, upload, spokenWav, waitForTranscription };
}

export function logsPath(start: number, end: number, extra = '') {
	return `/v1/usage-logs?start_time=${new Date(start).toISOString()}&end_time=${new Date(end).toISOString()}${extra}`;
}

export interface ReceivedRequest {
	method: string;
	url: string;
	headers: IncomingHttpHeaders;
	body: string;
}

/** A loopback HTTP server that records what it receives and answers with `statuses` in turn. */
export async function startReceiver(statuses: number[] = [200]) {
	const received: ReceivedRequest[] = [];
	const server = createServer((req, res) => {
		let body = '';
		req.setEncoding('utf8');
		req.on('data', (chunk: string) => (body += chunk));
		req.on('end', () => {
			received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
			res.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)];
			res.end('ok');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		url,
		received,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

/** Polls until `check` holds (or fails after `timeoutMs`). */
export async function eventually(check: () => boolean, timeoutMs = 3000) {
	const started = Date.now();
	while (!check()) {
		if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}
