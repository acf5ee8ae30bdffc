// Real-time speech synthesis of several texts over one TTS WebSocket connection. Each text is
// its own stream (a stream_id chosen here): its config, its text in pieces, then text_end.
// Soniox answers per stream with base64 audio chunks, audio_end and terminated; those chunks
// joined are the audio file. At most `maxStreams` streams are open at a time (Soniox allows 5
// per connection); the next text starts as soon as one terminates.
//
// Failures stay as small as they can: an error message that names a stream fails only that
// stream. If Soniox ends the whole connection early (503, or the connection drops), a new
// connection is opened and the streams that had not finished start again from their text
// (their partial audio is dropped), a bounded number of times.

import { NodeApiError, sleep } from 'n8n-workflow';
import type { IDataObject, INode, JsonObject } from 'n8n-workflow';

import { SonioxSocket, type SocketEvent } from './socket';
import {
	SERVICE_UNAVAILABLE,
	cancelledError,
	connectionLostError,
	isSocketError,
	malformedMessageError,
	parseServerMessage,
	silenceError,
	socketApiError,
	throwIfCancelled,
	type KeySource,
	type SocketErrorMessage,
} from './errors';
import { splitText } from '../../helpers/textChunks';

export const MAX_STREAMS_PER_CONNECTION = 5;

export interface SpeechRequest {
	/** Stream config without stream_id and key: model, language, voice, audio_format, ... */
	config: IDataObject;
	text: string;
}

export interface CharacterTimestamps extends IDataObject {
	characters: string[];
	character_start_times_seconds: number[];
	character_end_times_seconds: number[];
}

export interface Speech {
	audio: Buffer;
	/** With return_timestamps, when the model supports them. */
	timestamps?: CharacterTimestamps;
}

/** One outcome per request, in order; undefined for requests never run because of `stopOnError`. */
export type SpeechOutcome = Speech | Error | undefined;

export interface SynthesisRequest {
	node: INode;
	url: string;
	apiKey: string;
	keySource: KeySource;
	speeches: SpeechRequest[];
	/** Streams open at once on the connection, 1 to 5. */
	maxStreams: number;
	/** After the first failed stream, start no new stream and cancel the later ones. */
	stopOnError: boolean;
	/** New connections allowed after Soniox ended one early; default 2. */
	maxReconnects?: number;
	/** n8n's execution cancel signal: Stop closes the connection and ends the work. */
	signal?: AbortSignal;
	/** How long Soniox may move no open stream on; default 60 s. */
	silenceLimitMs?: number;
}

const DEFAULT_MAX_RECONNECTS = 2;
/** A stream that Soniox ends with 503 is started again this many times. */
const MAX_STREAM_RETRIES = 2;
const RECONNECT_BACKOFF_MS = 250;
/** Soniox closes a connection idle for about 20 s; keep it alive well before. */
export const KEEP_ALIVE_AFTER_MS = 10_000;
const DEFAULT_SILENCE_LIMIT_MS = 60_000;
/**
 * A stream holds at most 2 minutes of speech: at the richest format (48 kHz 32-bit float)
 * about 23 MB. More than this is not one stream's audio.
 */
const MAX_STREAM_AUDIO_BYTES = 64 * 1024 * 1024;

interface OpenStream {
	index: number;
	attempt: number;
	chunks: Buffer[];
	bytes: number;
	timestamps?: CharacterTimestamps;
	audioEnded: boolean;
	error?: Error;
	cancelled: boolean;
}

export async function synthesizeInRealTime(request: SynthesisRequest): Promise<SpeechOutcome[]> {
	return await new SynthesisConnection(request).run();
}

class SynthesisConnection {
	private readonly outcomes: SpeechOutcome[];
	/** Indexes still to start, in order. */
	private readonly waiting: number[];
	private readonly open = new Map<string, OpenStream>();
	private readonly attempts: number[];
	private socket: SonioxSocket | undefined;
	private lastSentAt = 0;
	private lastProgressAt = 0;
	/** The first request that failed, when stopping on errors. */
	private firstFailure = Infinity;

	private get silenceLimitMs() {
		return this.request.silenceLimitMs ?? DEFAULT_SILENCE_LIMIT_MS;
	}

	constructor(private readonly request: SynthesisRequest) {
		const count = request.speeches.length;
		this.outcomes = new Array<SpeechOutcome>(count).fill(undefined);
		this.waiting = [...Array(count).keys()];
		this.attempts = new Array<number>(count).fill(0);
	}

	async run(): Promise<SpeechOutcome[]> {
		const maxReconnects = this.request.maxReconnects ?? DEFAULT_MAX_RECONNECTS;
		try {
			for (let connection = 1; this.hasWork(); connection++) {
				const lost = await this.runConnection();
				if (!lost || !this.hasWork()) break;
				if (connection > maxReconnects) {
					const { node } = this.request;
					this.failRemaining(
						lost.error ?? connectionLostError(node, 'the speech was complete', connection),
					);
					break;
				}
				await sleep(RECONNECT_BACKOFF_MS * connection);
			}
		} catch (error) {
			// The connection could not be opened: every text still to speak fails with that reason.
			this.failRemaining(error as Error);
		} finally {
			this.socket?.close();
		}
		return this.outcomes;
	}

	private hasWork() {
		return this.open.size > 0 || this.waiting.some((index) => index < this.firstFailure);
	}

	/** Serves streams until all are done; returns how the connection was lost, if it was. */
	private async runConnection(): Promise<{ error?: NodeApiError } | undefined> {
		const { node, url, apiKey } = this.request;
		throwIfCancelled(node, this.request.signal);
		this.socket = await SonioxSocket.open(node, url, apiKey, { signal: this.request.signal });
		this.lastProgressAt = Date.now();
		while (this.hasWork()) {
			this.startStreams();
			if (!this.hasWork()) break;
			const event = await this.socket.next(Math.min(KEEP_ALIVE_AFTER_MS / 2, this.silenceLimitMs));
			const lost = event && this.handle(event);
			// Checked after every message too: chatter without progress does not hold the streams.
			this.checkSilence();
			if (lost) {
				this.socket.close();
				this.restartOpenStreams();
				return lost;
			}
			this.keepAlive();
		}
		this.socket.close();
		return undefined;
	}

	private startStreams() {
		const socket = this.socket!;
		while (
			this.open.size < this.request.maxStreams &&
			this.waiting.length > 0 &&
			this.waiting[0] < this.firstFailure
		) {
			const index = this.waiting.shift()!;
			const attempt = ++this.attempts[index];
			const streamId = `item-${index}-${attempt}`;
			const { config, text } = this.request.speeches[index];
			this.open.set(streamId, {
				index,
				attempt,
				chunks: [],
				bytes: 0,
				audioEnded: false,
				cancelled: false,
			});
			socket.sendJson({
				...config,
				...(socket.keyInMessage ? { api_key: this.request.apiKey } : {}),
				stream_id: streamId,
			});
			for (const piece of splitText(text)) {
				socket.sendJson({ stream_id: streamId, text: piece, text_end: false });
			}
			socket.sendJson({ stream_id: streamId, text: '', text_end: true });
			this.lastSentAt = Date.now();
		}
	}

	/** Nothing arrived for a while: give up on the open streams if Soniox fell silent. */
	private checkSilence(): undefined {
		if (this.open.size === 0 || Date.now() - this.lastProgressAt <= this.silenceLimitMs) return;
		const { node } = this.request;
		const error = silenceError(node, this.silenceLimitMs / 1000, 'synthesizing speech');
		for (const [streamId, stream] of this.open) {
			if (stream.cancelled) this.open.delete(streamId);
			else this.finish(streamId, stream, error);
		}
	}

	/** Soniox closes a connection that stays quiet; a keep-alive message prevents it. */
	private keepAlive() {
		if (Date.now() - this.lastSentAt < KEEP_ALIVE_AFTER_MS || !this.socket?.isOpen) return;
		this.socket.sendJson({ keep_alive: true });
		this.lastSentAt = Date.now();
	}

	private handle(event: SocketEvent): { error?: NodeApiError } | undefined {
		const { node } = this.request;
		if (event.kind === 'cancelled') throw cancelledError(node);
		if (event.kind === 'oversized')
			throw malformedMessageError(node, `is ${event.bytes} bytes long`);
		if (event.kind === 'close') return {};
		if (event.kind === 'binary') return undefined;
		const message = parseServerMessage(node, event.data);
		const streamId = typeof message.stream_id === 'string' ? message.stream_id : '';
		const stream = this.open.get(streamId);
		if (isSocketError(message)) {
			if (stream) this.onStreamError(stream, message);
			else if (streamId === '') return this.onConnectionError(message);
			this.lastProgressAt = Date.now();
			return undefined;
		}
		if (!stream) return undefined;
		// Only audio, its end and a stream's end move the work on; other messages do not.
		if (typeof message.audio === 'string' && message.audio !== '') {
			this.addAudio(stream, Buffer.from(message.audio, 'base64'));
		}
		if (message.timestamps !== undefined) addTimestamps(node, stream, message.timestamps);
		if (message.audio_end === true && !stream.audioEnded) {
			stream.audioEnded = true;
			this.lastProgressAt = Date.now();
		}
		if (message.terminated === true) {
			this.lastProgressAt = Date.now();
			this.onTerminated(streamId, stream);
		}
		return undefined;
	}

	private addAudio(stream: OpenStream, chunk: Buffer) {
		stream.bytes += chunk.length;
		if (stream.bytes > MAX_STREAM_AUDIO_BYTES) {
			throw malformedMessageError(
				this.request.node,
				`brought more than ${MAX_STREAM_AUDIO_BYTES / 1024 / 1024} MB of audio for one stream`,
			);
		}
		stream.chunks.push(chunk);
		this.lastProgressAt = Date.now();
	}

	private onStreamError(stream: OpenStream, message: SocketErrorMessage) {
		if (message.error_code === SERVICE_UNAVAILABLE && stream.attempt <= MAX_STREAM_RETRIES) {
			// Started again once Soniox confirms the end of this attempt (terminated).
			stream.cancelled = true;
			this.waiting.unshift(stream.index);
			return;
		}
		stream.error = socketApiError(this.request.node, message, this.request.keySource);
	}

	/** An error for the whole connection: 503 is worth a new connection, others fail every stream. */
	private onConnectionError(message: SocketErrorMessage): { error?: NodeApiError } | undefined {
		const error = socketApiError(this.request.node, message, this.request.keySource);
		if (message.error_code === SERVICE_UNAVAILABLE) return { error };
		this.failRemaining(error);
		return undefined;
	}

	private onTerminated(streamId: string, stream: OpenStream) {
		if (stream.cancelled) {
			this.open.delete(streamId);
			return;
		}
		const incomplete =
			stream.error ??
			(stream.audioEnded
				? undefined
				: new NodeApiError(this.request.node, { stream_id: streamId } as JsonObject, {
						message: 'Soniox ended the speech stream before its audio was complete',
						description: 'Run again; if it persists, shorten the text.',
					}));
		this.finish(streamId, stream, incomplete);
	}

	private finish(streamId: string, stream: OpenStream, error: Error | undefined) {
		this.open.delete(streamId);
		if (!error) {
			this.outcomes[stream.index] = {
				audio: Buffer.concat(stream.chunks),
				timestamps: stream.timestamps,
			};
			return;
		}
		this.outcomes[stream.index] = error;
		if (this.request.stopOnError && stream.index < this.firstFailure) {
			this.firstFailure = stream.index;
			this.cancelAfter(stream.index);
		}
	}

	/** Stopping on errors: later streams would be thrown away, so stop paying for them. */
	private cancelAfter(index: number) {
		for (const [streamId, stream] of this.open) {
			if (stream.index <= index || stream.cancelled) continue;
			stream.cancelled = true;
			this.outcomes[stream.index] = undefined;
			this.socket?.sendJson({ stream_id: streamId, cancel: true });
		}
	}

	/** After a lost connection, unfinished streams start again from their text. */
	private restartOpenStreams() {
		for (const { index } of this.open.values()) {
			// Streams cancelled to stop early are past firstFailure; those retried are waiting already.
			if (index < this.firstFailure && !this.waiting.includes(index)) this.waiting.push(index);
		}
		this.open.clear();
		this.waiting.sort((a, b) => a - b);
	}

	private failRemaining(error: Error) {
		for (const [streamId, stream] of this.open) this.finish(streamId, stream, error);
		for (const index of this.waiting.splice(0)) {
			if (index < this.firstFailure) this.outcomes[index] = error;
		}
	}
}

const TIMESTAMP_LISTS = [
	'characters',
	'character_start_times_seconds',
	'character_end_times_seconds',
] as const;

function addTimestamps(node: INode, stream: OpenStream, more: unknown) {
	const lists = more as Partial<CharacterTimestamps> | null;
	const wellFormed =
		typeof lists === 'object' &&
		lists !== null &&
		TIMESTAMP_LISTS.every((name) => lists[name] === undefined || Array.isArray(lists[name]));
	if (!wellFormed) throw malformedMessageError(node, 'has timestamps that are not lists');
	const into = (stream.timestamps ??= {
		characters: [],
		character_start_times_seconds: [],
		character_end_times_seconds: [],
	});
	for (const name of TIMESTAMP_LISTS) {
		for (const value of lists[name] ?? []) (into[name] as unknown[]).push(value);
	}
}
