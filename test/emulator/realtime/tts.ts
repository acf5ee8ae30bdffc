// Real-time text-to-speech on /tts-websocket: JSON text frames only, up to five streams per
// connection keyed by stream_id. A stream collects text until text_end, then sends its audio
// (the same bytes POST /tts returns for the same parameters) as base64 chunks, the last one
// with audio_end, then terminated. Stream errors end only that stream; the connection stays.

import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';

import { synthesize, type CharacterTimings, type Synthesis } from '../audio';
import type { AuthGranted, EmulatorContext } from '../context';
import { audioTokensForDuration, textTokensForText } from '../tokens';
import {
	FaultySender,
	IdleTimer,
	MISSING_WS_KEY,
	SERVICE_UNAVAILABLE,
	authError,
	connectionKey,
	idleTimeoutMs,
} from './channel';
import {
	TTS_ERRORS,
	exceedsAudioCap,
	invalidRequest,
	resolveTtsModel,
	ttsErrorBody,
	validateTtsParams,
	type TtsError,
	type TtsParams,
} from './tts-request';

export const MAX_STREAMS_PER_CONNECTION = 5;

const ERRORS = {
	// Assumed wordings: the reference states the limits, not the messages.
	tooManyStreams: {
		status: 429,
		errorType: 'limit_exceeded',
		message: `Maximum number of concurrent streams per connection (${MAX_STREAMS_PER_CONNECTION}) exceeded.`,
	},
	notJson: invalidRequest('Invalid message: expected a JSON text message.'),
	missingStreamId: invalidRequest('Missing required field: stream_id'),
	streamActive: (id: string) =>
		invalidRequest(`Stream '${id}' is already active on this connection.`),
	unknownStream: (id: string) => invalidRequest(`No active stream with stream_id '${id}'.`),
	textNotString: invalidRequest('Invalid value for field: text (expected a string).'),
} as const;

interface Stream {
	id: string;
	params: TtsParams;
	auth: AuthGranted;
	timestamps: boolean;
	text: string;
	startTime: number;
	release: () => void;
	sessionTimer: NodeJS.Timeout | undefined;
	state: 'collecting' | 'speaking' | 'ended';
}

export function startTtsConnection(
	ws: WebSocket,
	req: IncomingMessage,
	ctx: EmulatorContext,
): void {
	new TtsConnection(ws, ctx, connectionKey(req)).start();
}

class TtsConnection {
	private readonly streams = new Map<string, Stream>();
	private readonly sender: FaultySender;
	private readonly idle: IdleTimer;
	private connectionAuth: AuthGranted | undefined;
	private connectionTimer: NodeJS.Timeout | undefined;
	private closed = false;

	constructor(
		private readonly ws: WebSocket,
		private readonly ctx: EmulatorContext,
		private readonly key: string | undefined,
	) {
		this.sender = new FaultySender(
			ws,
			ctx.takeWebSocketFault('/tts-websocket'),
			() => ttsErrorBody(SERVICE_UNAVAILABLE),
			() => this.shutdown(),
		);
		this.idle = new IdleTimer(idleTimeoutMs(ctx), () =>
			this.failConnection(TTS_ERRORS.requestTimeout),
		);
	}

	start(): void {
		this.ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
		this.ws.on('close', () => this.shutdown());
		this.ws.on('error', () => this.shutdown());
		if (this.key === undefined) return;
		const outcome = this.ctx.authenticate(this.key, 'tts_rt');
		if (!outcome.ok) return this.failConnection(authError(outcome));
		this.connectionAuth = outcome;
		if (outcome.maxSessionMs !== undefined) {
			this.connectionTimer = setTimeout(
				() => this.failConnection(TTS_ERRORS.sessionExpired),
				outcome.maxSessionMs,
			);
			this.connectionTimer.unref();
		}
	}

	private onMessage(data: RawData, isBinary: boolean): void {
		if (this.closed) return;
		this.idle.touch();
		if (isBinary) return this.sendError(ERRORS.notJson);
		let message: unknown;
		try {
			message = JSON.parse(rawText(data));
		} catch {
			return this.sendError(ERRORS.notJson);
		}
		if (typeof message !== 'object' || message === null || Array.isArray(message))
			return this.sendError(ERRORS.notJson);
		const fields = message as Record<string, unknown>;
		if (fields.keep_alive === true && fields.stream_id === undefined) return;
		const streamId = fields.stream_id;
		if (typeof streamId !== 'string' || streamId === '')
			return this.sendError(ERRORS.missingStreamId);

		const stream = this.streams.get(streamId);
		if (fields.cancel === true) {
			if (stream) this.endStream(stream, undefined, false);
			return;
		}
		if ('text' in fields || 'text_end' in fields) {
			if (!stream) return this.sendError(ERRORS.unknownStream(streamId), streamId);
			return this.onText(stream, fields);
		}
		if (stream) return this.sendError(ERRORS.streamActive(streamId), streamId);
		this.openStream(streamId, fields);
	}

	private openStream(id: string, fields: Record<string, unknown>): void {
		const refuse = (error: TtsError) => {
			this.sendError(error, id);
			this.sender.send({ stream_id: id, terminated: true });
		};
		if (this.streams.size >= MAX_STREAMS_PER_CONNECTION) return refuse(ERRORS.tooManyStreams);
		let auth = this.connectionAuth;
		if (!auth) {
			const key =
				typeof fields.api_key === 'string' && fields.api_key !== '' ? fields.api_key : undefined;
			if (key === undefined) return refuse(MISSING_WS_KEY);
			const outcome = this.ctx.authenticate(key, 'tts_rt');
			if (!outcome.ok) return refuse(authError(outcome));
			auth = outcome;
		}
		const validated = validateTtsParams(fields, this.ctx, false);
		if (!validated.ok) return refuse(validated.error);
		const release = this.ctx.acquireSlot('tts');
		if (!release) return refuse(TTS_ERRORS.concurrencyExceeded);

		const params = validated.value;
		const model = resolveTtsModel(this.ctx.ttsModels(), params.model);
		const stream: Stream = {
			id,
			params,
			auth,
			timestamps: fields.return_timestamps === true && model?.supports_timestamps === true,
			text: '',
			startTime: this.ctx.now(),
			release,
			sessionTimer: undefined,
			state: 'collecting',
		};
		// A key that came with this stream caps this stream; the connection's key caps the connection.
		if (auth !== this.connectionAuth && auth.maxSessionMs !== undefined) {
			stream.sessionTimer = setTimeout(
				() => this.endStream(stream, TTS_ERRORS.sessionExpired, false),
				auth.maxSessionMs,
			);
			stream.sessionTimer.unref();
		}
		this.streams.set(id, stream);
	}

	private onText(stream: Stream, fields: Record<string, unknown>): void {
		if (stream.state !== 'collecting') return;
		const text = fields.text ?? '';
		if (typeof text !== 'string') return this.endStream(stream, ERRORS.textNotString, false);
		stream.text += text;
		if (exceedsAudioCap(stream.text, stream.params))
			return this.endStream(stream, TTS_ERRORS.audioTooLong, false);
		if (fields.text_end === true) void this.speak(stream);
	}

	private async speak(stream: Stream): Promise<void> {
		stream.state = 'speaking';
		const { params } = stream;
		const synthesis = synthesize({
			text: stream.text,
			audioFormat: params.audioFormat,
			sampleRate: params.sampleRate,
			bitrate: params.bitrate,
			speed: params.speed,
			reduceSilence: params.reduceSilence,
		});
		const timings = stream.timestamps ? synthesis.timings() : undefined;
		let timed = 0;
		const pieces = synthesis.pieces()[Symbol.iterator]();
		let next = pieces.next();
		if (next.done) next = { done: false, value: { audio: Buffer.alloc(0), fromMs: 0, toMs: 0 } };
		while (!next.done) {
			// Yield between chunks: streams interleave and a cancel can arrive.
			await new Promise((resolve) => setImmediate(resolve));
			if (stream.state !== 'speaking' || !this.sender.alive) return;
			const piece = next.value;
			next = pieces.next();
			const last = next.done === true;
			const message: Record<string, unknown> = {
				stream_id: stream.id,
				audio: piece.audio.toString('base64'),
			};
			if (timings) {
				const upTo = last
					? timings.characters.length
					: countStartingBefore(timings, piece.toMs / 1000, timed);
				if (upTo > timed) message.timestamps = sliceTimings(timings, timed, upTo);
				timed = upTo;
			}
			if (last) message.audio_end = true;
			if (!this.sender.send(message)) return;
		}
		this.finishStream(stream, synthesis);
	}

	private finishStream(stream: Stream, synthesis: Synthesis): void {
		if (stream.state !== 'speaking') return;
		this.ctx.recordUsage({
			kind: 'tts_websocket',
			model: stream.params.model,
			startTime: stream.startTime,
			endTime: this.ctx.now(),
			clientReferenceId: stream.auth.clientReferenceId(stream.params.clientReferenceId),
			inputTextTokens: textTokensForText(stream.text),
			inputAudioTokens: 0,
			inputAudioDurationMs: 0,
			outputTextTokens: 0,
			outputAudioTokens: audioTokensForDuration(synthesis.durationMs),
			outputAudioDurationMs: synthesis.durationMs,
		});
		this.endStream(stream, undefined, true);
	}

	/** Ends a stream: an error first if given, then terminated. Only `completed` streams were billed. */
	private endStream(stream: Stream, error: TtsError | undefined, completed: boolean): void {
		if (stream.state === 'ended') return;
		stream.state = 'ended';
		if (stream.sessionTimer) clearTimeout(stream.sessionTimer);
		stream.release();
		this.streams.delete(stream.id);
		if (error) this.sendError(error, stream.id);
		if (completed || this.sender.alive)
			this.sender.send({ stream_id: stream.id, terminated: true });
	}

	private sendError(error: TtsError, streamId?: string): void {
		this.sender.send(ttsErrorBody(error, undefined, streamId));
	}

	/** A connection-level error (no stream_id), then close. */
	private failConnection(error: TtsError): void {
		if (this.closed) return;
		this.sender.sendAndClose(ttsErrorBody(error));
		this.shutdown();
	}

	private shutdown(): void {
		if (this.closed) return;
		this.closed = true;
		this.idle.stop();
		if (this.connectionTimer) clearTimeout(this.connectionTimer);
		for (const stream of this.streams.values()) {
			stream.state = 'ended';
			if (stream.sessionTimer) clearTimeout(stream.sessionTimer);
			stream.release();
		}
		this.streams.clear();
	}
}

/** How many characters (from `from`) start before `seconds`. */
function countStartingBefore(timings: CharacterTimings, seconds: number, from: number): number {
	let index = from;
	while (
		index < timings.characters.length &&
		timings.character_start_times_seconds[index] < seconds
	)
		index++;
	return index;
}

function sliceTimings(timings: CharacterTimings, from: number, to: number): CharacterTimings {
	return {
		characters: timings.characters.slice(from, to),
		character_start_times_seconds: timings.character_start_times_seconds.slice(from, to),
		character_end_times_seconds: timings.character_end_times_seconds.slice(from, to),
	};
}

function rawText(data: RawData): string {
	if (Buffer.isBuffer(data)) return data.toString('utf8');
	if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
	return Buffer.from(data).toString('utf8');
}
