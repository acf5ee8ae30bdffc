// The contract suites' client: plain fetch, every answer checked against the OpenAPI document
// (status documented, media type, body schema, error_type), and a record of which documented
// statuses of which operations were seen, so a suite can prove it exercised all of them.
import { makeWav, type Emulator } from '..';
import { findOperation, operations, validateResponse } from '../contract/validator';

export const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

export class Coverage {
	private readonly seen = new Map<string, Set<string>>();

	add(operationId: string, status: number) {
		const statuses = this.seen.get(operationId) ?? new Set<string>();
		statuses.add(String(status));
		this.seen.set(operationId, statuses);
	}

	/** Each documented "operationId status" of these operations that no test produced. */
	missing(operationIds: string[]) {
		return operationIds.flatMap((id) => {
			const operation = findOperation(id);
			if (!operation) return [`${id}: no such operation`];
			return Object.keys(operation.responses)
				.filter((status) => !this.seen.get(id)?.has(status))
				.map((status) => `${id} ${status}`);
		});
	}
}

export const operationIds = (tag: (path: string) => boolean) =>
	operations()
		.filter((operation) => tag(operation.path))
		.map((operation) => operation.id);

export function contractClient(emulator: Emulator, coverage: Coverage) {
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

	/** Asserts the answer's status (and error_type) and that it conforms; returns the body. */
	async function conforms<T = Record<string, unknown>>(
		operationId: string,
		response: Response | Promise<Response>,
		status: number,
		errorType?: string,
	): Promise<T> {
		const answer = await response;
		const contentType = answer.headers.get('content-type') ?? 'application/json';
		const bytes = Buffer.from(await answer.arrayBuffer());
		const body =
			bytes.length === 0
				? undefined
				: contentType.startsWith('application/json')
					? (JSON.parse(bytes.toString('utf8')) as unknown)
					: bytes;
		expect({
			status: answer.status,
			body: contentType.startsWith('application/json') ? body : '…',
		}).toMatchObject({ status });
		expect(validateResponse(operationId, status, body, contentType.split(';')[0])).toEqual([]);
		if (errorType) expect((body as { error_type?: string }).error_type).toBe(errorType);
		coverage.add(operationId, status);
		return body as T;
	}

	/** Answers the next request to `METHOD /path` with an injected status (faults.ts). */
	function inject(method: string, path: string, status: number) {
		emulator.faults.arm({ route: `${method} ${path.split('?')[0]}`, statuses: [status] });
	}

	async function upload(
		text = 'Hello there.',
		fields: Record<string, string> = {},
		durationMs = 1500,
	) {
		const form = new FormData();
		form.append('file', new Blob([new Uint8Array(makeWav({ text, durationMs }))]), 'talk.wav');
		for (const [name, value] of Object.entries(fields)) form.append(name, value);
		return call('/v1/files', { method: 'POST', body: form });
	}

	async function waitFor(check: () => Promise<boolean>) {
		for (let attempt = 0; attempt < 300; attempt++) {
			if (await check()) return;
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
		throw new Error('condition not reached');
	}

	/** 401 without a key, then 429 and 500 injected: documented on (nearly) every operation. */
	async function commonErrors(
		operationId: string,
		method: string,
		path: string,
		init: RequestInit = {},
	) {
		await conforms(operationId, call(path, { method, ...init }, null), 401, 'unauthenticated');
		for (const status of [429, 500]) {
			inject(method, path, status);
			await conforms(operationId, call(path, { method, ...init }), status);
		}
	}

	return { call, post, conforms, inject, upload, waitFor, commonErrors };
}
