// The HTTP server: logs every request, applies armed faults, dispatches REST routes, POST /tts
// and the WebSocket upgrades, and turns thrown ApiErrors into Soniox's error envelope.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

import { CONTROL_PREFIX, registerControlRoutes } from './control';
import { ApiError, internalError, notFound, rateLimited } from './errors';
import { Reply, Router, sendError, sendJson } from './http';
import type { AppliedFault } from './faults';
import { handleUpgrade } from './realtime';
import { registerConcurrencyRoutes } from './routes/concurrency';
import { registerFileRoutes } from './routes/files';
import { registerModelRoutes } from './routes/models';
import { registerTemporaryKeyRoutes } from './routes/temporaryKeys';
import { registerTranscriptionRoutes } from './routes/transcriptions';
import { ttsRoute } from './routes/tts';
import { registerUsageRoutes } from './routes/usage';
import { registerVoiceRoutes } from './routes/voices';
import type { EmulatorState } from './state';

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
	registerControlRoutes(router, state);
	router.add('POST', '/tts', ({ req, res }) => ttsRoute(req, res, state));
	return router;
}

/** The error an armed status fault answers with, in the envelope of its API. */
function faultError(status: number, fault: AppliedFault): ApiError {
	if (status === 429) {
		return rateLimited(
			'Requests per minute limit has been exceeded for your organization.',
			fault.retryAfterSeconds,
		);
	}
	if (status === 500) return internalError();
	if (status === 503) {
		return new ApiError(
			503,
			'service_unavailable',
			'Cannot continue request (code 1). Please restart the request.',
		);
	}
	return new ApiError(status, 'http_error', `Injected HTTP ${status}.`);
}

function sendTtsError(res: ServerResponse, error: ApiError) {
	const body = error.body();
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

export function createEmulatorServer(state: EmulatorState): Server {
	const router = buildRouter(state);

	const server = createServer(async (req, res) => {
		const startedAt = Date.now();
		const method = req.method ?? 'GET';
		const url = new URL(req.url ?? '/', 'http://emulator');
		const matched = router.match(method, url.pathname);
		const route = matched?.route.key ?? `${method} ${url.pathname}`;
		const control = url.pathname.startsWith(CONTROL_PREFIX);
		res.once('close', () => {
			if (control) return;
			state.requestLog.push({
				method,
				path: url.pathname,
				route,
				query: Object.fromEntries(url.searchParams),
				status: res.statusCode,
				at: new Date(startedAt).toISOString(),
				durationMs: Date.now() - startedAt,
			});
		});

		const fault = control ? undefined : state.faults.takeHttp(route);
		try {
			if (fault?.latencyMs) await sleep(fault.latencyMs);
			// A status below 400 in a sequence means: serve this request normally.
			if (fault?.status && fault.status >= 400) {
				await drain(req);
				const error = faultError(fault.status, fault);
				if (route === TTS_ROUTE) sendTtsError(res, error);
				else sendError(res, error);
				return;
			}
			if (!matched) throw notFound.route(method, url.pathname);
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
			sendError(res, error);
		}
	});

	server.on('upgrade', (req, socket, head) => {
		const path = new URL(req.url ?? '/', 'http://emulator').pathname;
		const taken = handleUpgrade(req, socket, head, state);
		state.requestLog.push({
			method: 'GET',
			path,
			route: `WS ${path}`,
			query: {},
			status: taken ? 101 : 404,
			at: new Date().toISOString(),
			durationMs: 0,
		});
		if (!taken) socket.destroy();
	});
	return server;
}
