// The HTTP server: logs every request, applies armed faults, dispatches REST routes, POST /tts
// and the WebSocket upgrades, and turns thrown ApiErrors into Soniox's error envelope.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

import { isTemporaryKeyShape } from './auth';
import { findOperation, type Operation } from './contract/validator';
import { CONTROL_PREFIX, registerControlRoutes } from './control';
import {
	ApiError,
	internalError,
	invalid,
	methodNotAllowed,
	notFound,
	rateLimited,
} from './errors';
import { preparseJson, Reply, Router, sendError, sendJson } from './http';
import type { AppliedFault } from './faults';
import { handleUpgrade } from './realtime';
import { registerConcurrencyRoutes } from './routes/concurrency';
import { registerFileRoutes } from './routes/files';
import { registerModelRoutes } from './routes/models';
import { registerOrganizationRoutes } from './routes/organization';
import { registerTemporaryKeyRoutes } from './routes/temporaryKeys';
import { registerTranscriptionRoutes } from './routes/transcriptions';
import { ttsRoute } from './routes/tts';
import { registerUsageRoutes } from './routes/usage';
import { registerVoiceRoutes } from './routes/voices';
import type { EmulatorState, RequestRecord } from './state';

const TTS_ROUTE = 'POST /tts';

function buildRouter(state: EmulatorState) {
	const router = new Router();
	registerFileRoutes(router, state);
	registerTranscriptionRoutes(router, state);
	registerModelRoutes(router, state);
	registerTemporaryKeyRoutes(router, state);
	registerUsageRoutes(router, state);
	registerVoiceRoutes(router, state);
	registerConcurrencyRoutes(router, state);
	registerOrganizationRoutes(router, state);
	registerControlRoutes(router, state);
	router.add('POST', '/tts', ({ req, res }) => ttsRoute(req, res, state));
	return router;
}

/** The error an armed status fault answers with, with the error type the spec gives it. */
function faultError(status: number, fault: AppliedFault, tts: boolean): ApiError {
	if (status === 429) {
		return rateLimited(
			tts
				? 'Requests per minute limit for text-to-speech has been exceeded for your organization.'
				: 'Requests per minute limit has been exceeded for your organization.',
			fault.retryAfterSeconds,
		);
	}
	if (status === 500) return internalError();
	const known: Record<number, [string, string]> = {
		400: ['invalid_request', 'Injected invalid request.'],
		402: [
			'organization_balance_exhausted',
			'Organization balance exhausted. Please either add funds manually or enable autopay.',
		],
		403: [
			'temp_api_key_session_expired',
			'Temporary API key session duration limit exceeded. Create a new temporary API key to start a new session.',
		],
		404: [
			'not_found',
			'The project could not be resolved. Retry, and contact support if it persists.',
		],
		408: ['request_timeout', 'Request timeout.'],
		503: [
			'service_unavailable',
			'Cannot continue request (code 1). Please restart the request. Refer to: https://soniox.com/url/cannot-continue-request',
		],
	};
	const [errorType, message] = known[status] ?? ['http_error', `Injected HTTP ${status}.`];
	return new ApiError(status, errorType, message);
}

function sendTtsError(res: ServerResponse, error: ApiError, requestId: string) {
	const body = error.body(requestId);
	sendJson(
		res,
		error.status,
		{
			error_code: error.status,
			error_type: error.errorType,
			error_message: error.message,
			more_info: body.more_info,
			request_id: body.request_id,
		},
		error.headers,
	);
}

/** Sends a JSON answer, or spoils it the way an armed fault says. */
function sendResult(res: ServerResponse, result: unknown, fault: AppliedFault | undefined) {
	const status = result instanceof Reply ? result.status : 200;
	const body = result instanceof Reply ? result.body : result;
	if (status === 204 || body === undefined) {
		res.writeHead(status);
		res.end();
		return;
	}
	const text = JSON.stringify(body);
	if (fault?.malformedJson) {
		res.writeHead(200, { 'Content-Type': 'application/json' });
		res.end(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
		return;
	}
	if (fault?.resetMidBody) {
		res.writeHead(status, {
			'Content-Type': 'application/json',
			'Content-Length': Buffer.byteLength(text),
		});
		res.write(text.slice(0, Math.floor(text.length / 2)), () => res.destroy());
		return;
	}
	sendJson(res, status, body);
}

/** For routes that stream (POST /tts): cut the connection after the first body chunk. */
function resetAfterFirstChunk(res: ServerResponse) {
	const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
	res.write = ((chunk: unknown, ...rest: unknown[]) => {
		const accepted = write(chunk, ...rest);
		setImmediate(() => res.destroy());
		return accepted;
	}) as typeof res.write;
}

async function drain(req: IncomingMessage) {
	for await (const _chunk of req) {
		// A refused upload is still read to its end, so the client sees the answer, not a reset.
	}
}

const SECRET_PARAMETER = /key|token|secret|password|auth/i;
const REDACTED = '[redacted]';

/** The request log never holds a key: secret-looking parameters and known keys are masked. */
function redact(state: EmulatorState, url: URL): Pick<RequestRecord, 'path' | 'query'> {
	const secret = (value: string) => state.keys.isKnownKey(value) || isTemporaryKeyShape(value);
	const path = url.pathname
		.split('/')
		.map((segment) => (segment && secret(decodeURIComponentSafe(segment)) ? REDACTED : segment))
		.join('/');
	const query: Record<string, string> = {};
	for (const [name, value] of url.searchParams) {
		query[name] = SECRET_PARAMETER.test(name) || secret(value) ? REDACTED : value;
	}
	return { path, query };
}

function decodeURIComponentSafe(text: string) {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}

/** Keeps what a response writes, so it can be checked against the spec once it is sent. */
function captureResponse(res: ServerResponse) {
	const MAX_CAPTURED_BYTES = 16 * 1024 * 1024;
	const chunks: Buffer[] = [];
	let size = 0;
	const keep = (chunk: unknown) => {
		if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
		const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
		size += buffer.length;
		if (size <= MAX_CAPTURED_BYTES) chunks.push(buffer);
	};
	const write = res.write.bind(res) as (...args: unknown[]) => boolean;
	const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
	res.write = ((chunk: unknown, ...rest: unknown[]) => {
		keep(chunk);
		return write(chunk, ...rest);
	}) as typeof res.write;
	res.end = ((chunk?: unknown, ...rest: unknown[]) => {
		keep(chunk);
		return end(chunk, ...rest);
	}) as typeof res.end;
	return () => {
		const contentType = String(res.getHeader('content-type') ?? '')
			.split(';')[0]
			.trim();
		if (size === 0) return { contentType: contentType || undefined, body: undefined };
		if (contentType !== 'application/json' || size > MAX_CAPTURED_BYTES)
			return { contentType, body: '' };
		const text = Buffer.concat(chunks).toString('utf8');
		try {
			return { contentType, body: JSON.parse(text) as unknown };
		} catch {
			return { contentType, body: text };
		}
	};
}

/**
 * Refuses a REST request the spec's request schema refuses (400, with the problems); a
 * request without a valid long-lived key is left to the route, which answers 401 first.
 */
async function checkRequest(
	state: EmulatorState,
	req: IncomingMessage,
	operation: Operation,
	url: URL,
) {
	if (operation.id === 'generate_tts' || !state.keys.isLongLivedBearer(req.headers.authorization))
		return;
	const method = operation.method;
	let body: unknown;
	if (operation.body?.contentType === 'application/json') {
		try {
			body = await preparseJson(req, operation.body.required);
		} catch (error) {
			if (error instanceof ApiError)
				state.contract.recordProblems(method, url.pathname, error.validationErrors);
			throw error;
		}
	}
	const problems = state.contract.checkRequest(method, url.pathname, url.searchParams, body);
	if (problems.length > 0) throw invalid(...problems);
}

export interface EmulatorServer {
	server: Server;
	/** Ends every WebSocket connection (Node's HTTP server no longer tracks upgraded sockets). */
	destroyUpgradedSockets(): void;
}

export function createEmulatorServer(state: EmulatorState): EmulatorServer {
	const router = buildRouter(state);
	const upgraded = new Set<Duplex>();

	const server = createServer(async (req, res) => {
		const startedAt = Date.now();
		const method = req.method ?? 'GET';
		const url = new URL(req.url ?? '/', 'http://emulator');
		const matched = router.match(method, url.pathname);
		const route = matched?.route.key ?? `${method} ${url.pathname}`;
		const control = url.pathname.startsWith(CONTROL_PREFIX);
		const requestId = randomUUID();
		res.setHeader('X-Request-Id', requestId);
		res.once('close', () => {
			if (control) return;
			state.logRequest({
				method,
				...redact(state, url),
				route: matched ? route : `${method} ${redact(state, url).path}`,
				status: res.statusCode,
				at: new Date(startedAt).toISOString(),
				durationMs: Date.now() - startedAt,
			});
		});

		const fault = control ? undefined : state.faults.takeHttp(route, `${method} ${url.pathname}`);
		const operation = control ? undefined : findOperation(method, url.pathname);
		if (!control && !fault && state.config.checkResponses !== false) {
			const captured = captureResponse(res);
			res.once('finish', () => {
				const { body, contentType } = captured();
				state.contract.checkResponse(method, url.pathname, res.statusCode, body, contentType);
			});
		}
		try {
			if (fault?.latencyMs) await sleep(fault.latencyMs);
			// A status below 400 in a sequence means: serve this request normally.
			if (fault?.status && fault.status >= 400) {
				await drain(req);
				const error = faultError(fault.status, fault, route === TTS_ROUTE);
				if (route === TTS_ROUTE) sendTtsError(res, error, requestId);
				else sendError(res, error, requestId);
				return;
			}
			if (!matched) {
				const allowed = router.methodsFor(url.pathname);
				throw allowed.length > 0
					? methodNotAllowed(method, allowed)
					: notFound.route(method, url.pathname);
			}
			if (operation) await checkRequest(state, req, operation, url);
			if (route === TTS_ROUTE && fault?.resetMidBody) resetAfterFirstChunk(res);
			const result = await matched.route.handler({
				req,
				res,
				params: matched.params,
				query: url.searchParams,
			});
			if (!res.headersSent && route !== TTS_ROUTE) sendResult(res, result, fault);
		} catch (error) {
			if (!req.complete) await drain(req).catch(() => undefined);
			sendError(res, error, requestId);
		}
	});

	server.on('upgrade', (req, socket, head) => {
		const url = new URL(req.url ?? '/', 'http://emulator');
		upgraded.add(socket);
		socket.once('close', () => upgraded.delete(socket));
		const taken = handleUpgrade(req, socket, head, state);
		const { path } = redact(state, url);
		state.logRequest({
			method: 'GET',
			path,
			route: `WS ${path}`,
			query: {},
			status: taken ? 101 : 404,
			at: new Date().toISOString(),
			durationMs: 0,
		});
		if (!taken) {
			socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
		}
	});
	return {
		server,
		destroyUpgradedSockets: () => {
			for (const socket of upgraded) socket.destroy();
			upgraded.clear();
		},
	};
}
