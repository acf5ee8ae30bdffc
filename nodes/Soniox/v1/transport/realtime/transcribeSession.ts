// Real-time transcription of one recording over the STT WebSocket: config message, audio as
// binary frames at the chosen pace, "" to end the audio, then final tokens until `finished`.
//
// Resuming: Soniox may end a session early (error 503 "Cannot continue request") and a
// connection may drop. Every token that was final stays valid, and `final_audio_proc_ms`
// says how much audio they cover. A new session is sent the audio from there on (raw PCM cut
// at a sample boundary; a WAV file's samples become raw PCM of the header's format), and its
// token times, which count from its own first byte, are shifted by that offset. Tokens are
// pieces of words, so when the final ones end inside a word, that word's pieces are dropped and
// the new session starts at the word instead. The transcript thus continues with no gap and no
// repeat; only speaker numbers, which Soniox assigns per session, may restart. Compressed audio
// cannot be cut at a known time, so for it the new session starts over from the beginning and
// the earlier tokens are dropped.

import { NodeApiError, sleep } from 'n8n-workflow';
import type { IDataObject, INode } from 'n8n-workflow';

import { SonioxSocket, type SocketEvent } from './socket';
import type { AudioLayout } from '../../helpers/audioLayout';
import { inChunks, type AudioSource } from '../../helpers/audioSource';
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

export interface RealtimeToken extends IDataObject {
	text: string;
	start_ms?: number;
	end_ms?: number;
}

export interface RealtimeTranscriptionRequest {
	node: INode;
	url: string;
	apiKey: string;
	keySource: KeySource;
	/** Every config field except the key and the audio format (model, hints, translation, ...). */
	config: IDataObject;
	audio: AudioSource;
	layout: AudioLayout;
	/** 'realTime' sends audio as fast as it plays; 'fast' as fast as the connection takes it. */
	pace: 'realTime' | 'fast';
	/** New sessions allowed after early ends; default 3. */
	maxResumes?: number;
	/** n8n's execution cancel signal: Stop closes the connection and ends the work. */
	signal?: AbortSignal;
	/** How long Soniox may make no progress after the end of the audio; default 60 s. */
	silenceLimitMs?: number;
}

export interface RealtimeTranscription {
	/** Final tokens, without the <end>/<fin> markers, timed on the recording's own timeline. */
	tokens: RealtimeToken[];
	/** Audio Soniox processed, in ms. */
	audioDurationMs: number;
	/** Sessions it took (1 unless Soniox ended one early). */
	sessions: number;
}

const DEFAULT_MAX_RESUMES = 3;
const RESUME_BACKOFF_MS = 250;
/** Real-time pace sends 100 ms of audio per frame; fast pace 500 ms. */
const FRAME_SECONDS = { realTime: 0.1, fast: 0.5 };
/** At fast pace, wait while this much is queued on the socket (back-pressure). */
const MAX_BUFFERED_BYTES = 1 << 20;
const BUFFER_POLL_MS = 5;
const DEFAULT_SILENCE_LIMIT_MS = 60_000;
const CLOSE_EVENT_WAIT_MS = 5_000;
const MARKERS = new Set(['<end>', '<fin>']);
/** One response covers a moment of audio; this many tokens in one is not a transcript. */
const MAX_TOKENS_PER_MESSAGE = 10_000;
/** 300 minutes of fast speech, translated, is far fewer final tokens than this. */
const MAX_FINAL_TOKENS = 500_000;

/** How one session starts: what audio it is sent, from where, and how its times shift. */
interface SessionStart {
	audioConfig: AudioLayout['config'];
	fromByte: number;
	offsetMs: number;
}

type SessionEnd = { kind: 'finished' } | { kind: 'interrupted'; error?: SocketErrorMessage };

/** Final tokens gathered over one or more sessions. */
class Transcript {
	tokens: RealtimeToken[] = [];
	/** Audio covered by final tokens, on the recording's timeline. */
	finalAudioMs = 0;
	totalAudioMs = 0;
	/** Whether the latest response's first non-final token continues the last final word. */
	private wordOpen = false;

	constructor(private readonly node: INode) {}

	/** What moved the transcript on: final tokens and the audio they cover. */
	get progress() {
		return this.tokens.length + this.finalAudioMs;
	}

	/** Takes one response of a session whose times start at `offsetMs`. */
	accept(response: IDataObject, offsetMs: number) {
		const tokens = this.tokensOf(response);
		for (const { is_final: isFinal, ...token } of tokens) {
			if (isFinal !== true || MARKERS.has(String(token.text))) continue;
			const shifted = token as RealtimeToken;
			if (typeof shifted.start_ms === 'number')
				shifted.start_ms = Math.round(shifted.start_ms + offsetMs);
			if (typeof shifted.end_ms === 'number')
				shifted.end_ms = Math.round(shifted.end_ms + offsetMs);
			this.tokens.push(shifted);
		}
		const pending = tokens.find(
			(token) => token.is_final !== true && !MARKERS.has(String(token.text)),
		);
		this.wordOpen =
			pending !== undefined && this.tokens.length > 0 && !/^\s/u.test(String(pending.text));
		if (typeof response.final_audio_proc_ms === 'number') {
			this.finalAudioMs = Math.max(this.finalAudioMs, offsetMs + response.final_audio_proc_ms);
		}
		if (typeof response.total_audio_proc_ms === 'number') {
			this.totalAudioMs = Math.max(this.totalAudioMs, offsetMs + response.total_audio_proc_ms);
		}
		if (this.tokens.length > MAX_FINAL_TOKENS) {
			throw malformedMessageError(this.node, `brought more than ${MAX_FINAL_TOKENS} final tokens`);
		}
	}

	private tokensOf(response: IDataObject): IDataObject[] {
		const { tokens } = response;
		if (tokens === undefined) return [];
		if (!Array.isArray(tokens))
			throw malformedMessageError(this.node, 'has tokens that are not a list');
		if (tokens.length > MAX_TOKENS_PER_MESSAGE) {
			throw malformedMessageError(this.node, `has ${tokens.length} tokens in one response`);
		}
		const wrong = tokens.find(
			(token) => typeof token !== 'object' || token === null || typeof token.text !== 'string',
		);
		if (wrong !== undefined) throw malformedMessageError(this.node, 'has a token without text');
		return tokens as IDataObject[];
	}

	/**
	 * Where a new session should start. Tokens are pieces of words, so the final ones may end
	 * inside a word; a session started there would hear the rest of it as a word of its own. The
	 * final pieces of an unfinished word are therefore dropped, and the word is heard again.
	 */
	resumeMs(): number {
		if (!this.wordOpen) return this.finalAudioMs;
		const timed = (token: RealtimeToken) => typeof token.start_ms === 'number';
		let cut = this.tokens.findIndex(timed);
		this.tokens.forEach((token, index) => {
			if (timed(token) && /^\s/u.test(token.text)) cut = index;
		});
		if (cut < 0) return this.finalAudioMs;
		this.finalAudioMs = this.tokens[cut].start_ms!;
		this.tokens = this.tokens.slice(0, cut);
		this.wordOpen = false;
		return this.finalAudioMs;
	}

	startOver() {
		this.tokens = [];
		this.finalAudioMs = 0;
		this.totalAudioMs = 0;
		this.wordOpen = false;
	}
}

export async function transcribeInRealTime(
	request: RealtimeTranscriptionRequest,
): Promise<RealtimeTranscription> {
	const transcript = new Transcript(request.node);
	const maxResumes = request.maxResumes ?? DEFAULT_MAX_RESUMES;
	let start: SessionStart = { audioConfig: request.layout.config, fromByte: 0, offsetMs: 0 };
	for (let session = 1; ; session++) {
		throwIfCancelled(request.node, request.signal);
		const end = await runSession(request, start, transcript);
		if (end.kind === 'finished') {
			return {
				tokens: transcript.tokens,
				audioDurationMs: Math.round(transcript.totalAudioMs),
				sessions: session,
			};
		}
		if (session > maxResumes) throw interruptedError(request, end, session);
		start = resumeFrom(request.layout, transcript);
		await sleep(RESUME_BACKOFF_MS * session);
	}
}

/** Where the next session starts: right after the final tokens, or from the beginning. */
function resumeFrom(layout: AudioLayout, transcript: Transcript): SessionStart {
	const pcm = layout.resumable;
	if (!pcm) {
		transcript.startOver();
		return { audioConfig: layout.config, fromByte: 0, offsetMs: 0 };
	}
	const frames = Math.floor((transcript.resumeMs() * pcm.sampleRate) / 1000);
	return {
		audioConfig: {
			audio_format: pcm.format,
			sample_rate: pcm.sampleRate,
			num_channels: pcm.channels,
		},
		fromByte: pcm.dataOffset + frames * pcm.blockAlign,
		offsetMs: (frames * 1000) / pcm.sampleRate,
	};
}

function interruptedError(
	request: RealtimeTranscriptionRequest,
	end: Extract<SessionEnd, { kind: 'interrupted' }>,
	sessions: number,
): NodeApiError {
	if (!end.error) return connectionLostError(request.node, 'the transcript was finished', sessions);
	const error = socketApiError(request.node, end.error, request.keySource);
	error.description =
		`Soniox ended the session early ${sessions} times. ${error.description ?? ''}`.trim();
	return error;
}

async function runSession(
	request: RealtimeTranscriptionRequest,
	start: SessionStart,
	transcript: Transcript,
): Promise<SessionEnd> {
	const socket = await SonioxSocket.open(request.node, request.url, request.apiKey, {
		signal: request.signal,
	});
	try {
		socket.sendJson({
			...(socket.keyInMessage ? { api_key: request.apiKey } : {}),
			...request.config,
			...start.audioConfig,
		});
		const onEvent = (event: SocketEvent) => handleEvent(request, event, start, transcript);
		const sent = await sendAudio(request, start, socket, onEvent);
		if (sent) return sent;
		socket.send('');
		// Only progress keeps the wait going: a server that sends empty responses is still silent.
		const silenceLimitMs = request.silenceLimitMs ?? DEFAULT_SILENCE_LIMIT_MS;
		let progress = transcript.progress;
		let progressedAt = Date.now();
		for (;;) {
			const left = progressedAt + silenceLimitMs - Date.now();
			const event = left > 0 ? await socket.next(left) : undefined;
			if (!event) {
				throw silenceError(request.node, silenceLimitMs / 1000, 'finishing the transcript');
			}
			const end = onEvent(event);
			if (end) return end;
			if (transcript.progress !== progress) {
				progress = transcript.progress;
				progressedAt = Date.now();
			}
		}
	} finally {
		socket.close();
	}
}

/** Streams the audio; returns how the session ended if it ended before all audio was sent. */
async function sendAudio(
	request: RealtimeTranscriptionRequest,
	start: SessionStart,
	socket: SonioxSocket,
	onEvent: (event: SocketEvent) => SessionEnd | undefined,
): Promise<SessionEnd | undefined> {
	const { bytesPerSecond } = request.layout;
	const blockAlign = request.layout.resumable?.blockAlign ?? 1;
	const frameBytes = Math.max(
		blockAlign,
		Math.round((bytesPerSecond * FRAME_SECONDS[request.pace]) / blockAlign) * blockAlign,
	);
	const startedAt = Date.now();
	let sentBytes = 0;

	/** Handles what arrived until `until` (ms epoch), or only what is queued when it has passed. */
	const pump = async (until: number): Promise<SessionEnd | undefined> => {
		for (const event of socket.drain()) {
			const end = onEvent(event);
			if (end) return end;
		}
		for (let wait = until - Date.now(); wait > 0 || !socket.isOpen; wait = until - Date.now()) {
			const open = socket.isOpen;
			// A closed socket has its close event queued (or about to be): wait for it.
			const event = await socket.next(open ? wait : CLOSE_EVENT_WAIT_MS);
			if (!event && !open) return { kind: 'interrupted' };
			const end = event && onEvent(event);
			if (end) return end;
		}
		return undefined;
	};

	for await (const frame of inChunks(request.audio.read(start.fromByte), frameBytes)) {
		const due = request.pace === 'realTime' ? startedAt + (sentBytes / bytesPerSecond) * 1000 : 0;
		const end = await pump(due);
		if (end) return end;
		while (request.pace === 'fast' && socket.bufferedAmount > MAX_BUFFERED_BYTES) {
			await sleep(BUFFER_POLL_MS);
			const drained = await pump(0);
			if (drained) return drained;
		}
		socket.send(frame);
		sentBytes += frame.length;
	}
	return await pump(0);
}

function handleEvent(
	request: RealtimeTranscriptionRequest,
	event: SocketEvent,
	start: SessionStart,
	transcript: Transcript,
): SessionEnd | undefined {
	if (event.kind === 'cancelled') throw cancelledError(request.node);
	if (event.kind === 'oversized') {
		throw malformedMessageError(request.node, `is ${event.bytes} bytes long`);
	}
	if (event.kind === 'close') return { kind: 'interrupted' };
	if (event.kind === 'binary') return undefined;
	const message = parseServerMessage(request.node, event.data);
	if (isSocketError(message)) {
		if (message.error_code === SERVICE_UNAVAILABLE) return { kind: 'interrupted', error: message };
		throw socketApiError(request.node, message, request.keySource);
	}
	transcript.accept(message, start.offsetMs);
	return message.finished === true ? { kind: 'finished' } : undefined;
}
