// POST /tts: text in, audio out, streamed with chunked transfer encoding. Errors before the
// first byte use the TTS envelope; a client that goes away mid-body is not billed.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { synthesize } from '../audio';
import type { AuthGranted, EmulatorContext } from '../context';
import {
	TTS_ERRORS,
	ttsErrorBody,
	validateTtsParams,
	type TtsError,
} from '../realtime/tts-request';
import { audioTokensForDuration, textTokensForText } from '../tokens';

const MAX_BODY_BYTES = 1 << 20;

const MISSING_KEY =
	"Missing API key. Provide it as an Authorization header (e.g. 'Authorization: Bearer <SONIOX_API_KEY>'). You can get an API key at https://console.soniox.com.";
const NOT_BEARER =
	"Authorization header must use the Bearer scheme (e.g. 'Authorization: Bearer <SONIOX_API_KEY>'). You can get an API key at https://console.soniox.com.";

export async function ttsRoute(
	req: IncomingMessage,
	res: ServerResponse,
	ctx: EmulatorContext,
): Promise<void> {
	const requestId = requestIdFor(req);
	res.setHeader('X-Request-Id', requestId);
	const startTime = ctx.now();
	const fail = (error: TtsError) => sendError(res, error, requestId);

	if (req.method !== 'POST') {
		res.setHeader('Allow', 'POST');
		return fail({ status: 405, errorType: 'invalid_request', message: 'Method not allowed.' });
	}
	const auth = authenticateTts(req, ctx);
	if (!auth.ok) return fail(auth.error);

	const raw = await readBody(req);
	if (raw === undefined) return fail(TTS_ERRORS.invalidJson);
	let body: unknown;
	try {
		body = JSON.parse(raw.toString('utf8'));
	} catch {
		return fail(TTS_ERRORS.invalidJson);
	}
	const validated = validateTtsParams(body, ctx, true);
	if (!validated.ok) return fail(validated.error);
	// What the hand-written checks let through but the spec's CreateTTSPayload refuses.
	const [problem] = ctx.checkContractRequest?.('POST', '/tts', body) ?? [];
	if (problem) {
		const field = problem.location.replace(/^body\.payload\.?/, '') || 'body';
		return fail({
			status: 400,
			errorType: 'invalid_request',
			message: `Invalid field '${field}': ${problem.message}.`,
		});
	}
	const params = validated.value;

	const release = ctx.acquireSlot('tts');
	if (!release) return fail(TTS_ERRORS.concurrencyExceeded);
	// A temporary key's session cap also bounds HTTP streaming: past it the connection drops.
	const sessionCap =
		auth.granted.maxSessionMs === undefined
			? undefined
			: setTimeout(() => res.destroy(), auth.granted.maxSessionMs);
	try {
		const synthesis = synthesize({
			text: params.text,
			audioFormat: params.audioFormat,
			sampleRate: params.sampleRate,
			bitrate: params.bitrate,
			speed: params.speed,
			reduceSilence: params.reduceSilence,
		});
		res.writeHead(200, { 'Content-Type': synthesis.contentType, 'Cache-Control': 'no-store' });
		const complete = await streamChunks(res, synthesis.chunks());
		if (!complete) return;
		ctx.recordUsage({
			kind: 'tts_rest',
			model: params.model,
			startTime,
			endTime: ctx.now(),
			clientReferenceId: auth.granted.clientReferenceId(params.clientReferenceId),
			inputTextTokens: textTokensForText(params.text),
			inputAudioTokens: 0,
			inputAudioDurationMs: 0,
			outputTextTokens: 0,
			outputAudioTokens: audioTokensForDuration(synthesis.durationMs),
			outputAudioDurationMs: synthesis.durationMs,
		});
	} finally {
		if (sessionCap) clearTimeout(sessionCap);
		release();
	}
}

function requestIdFor(req: IncomingMessage): string {
	const given = req.headers['x-request-id'];
	return typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
}

function authenticateTts(
	req: IncomingMessage,
	ctx: EmulatorContext,
): { ok: true; granted: AuthGranted } | { ok: false; error: TtsError } {
	const header = req.headers.authorization;
	if (header === undefined || header.trim() === '') {
		return {
			ok: false,
			error: { status: 401, errorType: 'unauthenticated', message: MISSING_KEY },
		};
	}
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
	if (!match)
		return { ok: false, error: { status: 401, errorType: 'unauthenticated', message: NOT_BEARER } };
	const outcome = ctx.authenticate(match[1], 'tts_rt');
	if (!outcome.ok)
		return {
			ok: false,
			error: { status: outcome.status, errorType: outcome.errorType, message: outcome.message },
		};
	return { ok: true, granted: outcome };
}

function sendError(res: ServerResponse, error: TtsError, requestId: string): void {
	if (res.headersSent) {
		res.destroy();
		return;
	}
	const body = JSON.stringify(ttsErrorBody(error, requestId));
	res.writeHead(error.status, {
		'Content-Type': 'application/json',
		'Content-Length': Buffer.byteLength(body),
	});
	res.end(body);
}

/** The request body, or undefined when it is larger than any valid request. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
	const parts: Buffer[] = [];
	let size = 0;
	let tooLarge = false;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > MAX_BODY_BYTES) tooLarge = true;
		else parts.push(chunk as Buffer);
	}
	return tooLarge ? undefined : Buffer.concat(parts);
}

/** Writes every chunk, honouring back-pressure; false when the client went away first. */
async function streamChunks(res: ServerResponse, chunks: Iterable<Buffer>): Promise<boolean> {
	let closed = false;
	const onClose = () => {
		closed = true;
	};
	res.on('close', onClose);
	try {
		for (const chunk of chunks) {
			if (closed || res.destroyed) return false;
			if (!res.write(chunk)) await drainOrClose(res);
			// Let other sockets breathe between chunks, as a real generator would.
			await new Promise((resolve) => setImmediate(resolve));
		}
		if (closed || res.destroyed) return false;
		await new Promise<void>((resolve) => {
			res.once('close', resolve);
			res.end(resolve);
		});
		return res.writableFinished;
	} finally {
		res.off('close', onClose);
	}
}

function drainOrClose(res: ServerResponse): Promise<void> {
	return new Promise((resolve) => {
		const done = () => {
			res.off('drain', done);
			res.off('close', done);
			resolve();
		};
		res.on('drain', done);
		res.on('close', done);
	});
}
