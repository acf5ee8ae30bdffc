// A small router and the request/response helpers every REST route uses.
import type { IncomingMessage, ServerResponse } from 'node:http';

import { ApiError, internalError, invalid, problem } from './errors';
import type { EmulatorState } from './state';

export interface RouteRequest {
	req: IncomingMessage;
	res: ServerResponse;
	params: Record<string, string>;
	query: URLSearchParams;
}

export type RouteHandler = (request: RouteRequest) => Promise<unknown> | unknown;

interface Route {
	method: string;
	pattern: RegExp;
	names: string[];
	/** The route's name for faults and logs, e.g. "GET /v1/files/:id". */
	key: string;
	handler: RouteHandler;
}

/** Routes by method and path pattern (`/v1/files/:id`); handlers return a JSON body or send. */
export class Router {
	private readonly routes: Route[] = [];

	add(method: string, path: string, handler: RouteHandler) {
		const names: string[] = [];
		const source = path.replace(/:(\w+)/g, (_match, name: string) => {
			names.push(name);
			return '([^/]+)';
		});
		this.routes.push({
			method,
			pattern: new RegExp(`^${source}$`),
			names,
			key: `${method} ${path}`,
			handler,
		});
		return this;
	}

	match(method: string, path: string) {
		for (const route of this.routes) {
			if (route.method !== method) continue;
			const found = route.pattern.exec(path);
			if (!found) continue;
			const params: Record<string, string> = {};
			for (const [index, name] of route.names.entries()) {
				try {
					params[name] = decodeURIComponent(found[index + 1]);
				} catch {
					params[name] = found[index + 1];
				}
			}
			return { route, params };
		}
		return undefined;
	}

	/** The methods served on a path (for 405 answers); empty when the path is unknown. */
	methodsFor(path: string) {
		return [
			...new Set(
				this.routes.filter((route) => route.pattern.test(path)).map((route) => route.method),
			),
		];
	}
}

export function sendJson(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
) {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': 'application/json',
		'Content-Length': Buffer.byteLength(text),
		...headers,
	});
	res.end(text);
}

/** Answers with Soniox's error envelope; the request id is the one in X-Request-Id. */
export function sendError(res: ServerResponse, error: unknown, requestId?: string) {
	// A client that hung up mid-request (a timeout, say) is not the emulator's fault.
	if (res.destroyed || res.socket?.destroyed === true) return;
	const apiError = error instanceof ApiError ? error : internalError();
	if (!(error instanceof ApiError)) console.error('[emulator] unexpected error', error);
	if (res.headersSent) {
		res.destroy();
		return;
	}
	const header = res.getHeader('X-Request-Id');
	const id = requestId ?? (typeof header === 'string' ? header : undefined);
	sendJson(res, apiError.status, apiError.body(id), apiError.headers);
}

const MAX_JSON_BYTES = 1024 * 1024;

export async function readBody(req: IncomingMessage, maxBytes = MAX_JSON_BYTES): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > maxBytes)
			throw invalid(problem('body', `Request body is larger than ${maxBytes} bytes.`));
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks);
}

/** Bodies the server already read to check them against the spec, for readJson to hand on. */
const preparsed = new WeakMap<IncomingMessage, Record<string, unknown>>();

/** Reads and keeps a JSON object body; an empty body is "missing" when the body is required. */
export async function preparseJson(req: IncomingMessage, required: boolean) {
	const raw = (await readBody(req)).toString('utf8');
	if (raw.trim() === '' && required) throw invalid(problem('body', 'Field required', 'missing'));
	const body = parseJsonObject(raw);
	preparsed.set(req, body);
	return body;
}

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
	const kept = preparsed.get(req);
	if (kept) return kept;
	return parseJsonObject((await readBody(req)).toString('utf8'));
}

function parseJsonObject(raw: string): Record<string, unknown> {
	try {
		const parsed: unknown = JSON.parse(raw || '{}');
		if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
			return parsed as Record<string, unknown>;
	} catch {
		// reported below
	}
	throw invalid(problem('body', 'Request body must be a JSON object.', 'json_invalid'));
}

/** Authenticates a REST management call; throws the API's 401 (or 403) when refused. */
export function requireRestAuth(state: EmulatorState, req: IncomingMessage) {
	const outcome = state.keys.authenticateHeader(req.headers.authorization, 'rest');
	if (!outcome.ok) throw new ApiError(outcome.status, outcome.errorType, outcome.message);
	return outcome;
}

export function intParam(
	query: URLSearchParams,
	name: string,
	min: number,
	max: number,
	fallback: number,
) {
	const raw = query.get(name);
	if (raw === null || raw === '') return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < min || value > max) {
		throw invalid(
			problem(`query.${name}`, `Input should be an integer between ${min} and ${max}.`),
		);
	}
	return value;
}

/** A route's answer with a status other than 200 (201 created, 204 no content). */
export class Reply {
	constructor(
		readonly status: number,
		readonly body?: unknown,
	) {}
}

export const reply = (status: number, body?: unknown) => new Reply(status, body);
