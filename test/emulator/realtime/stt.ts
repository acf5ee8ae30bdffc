// Real-time speech-to-text on /transcribe-websocket.
//
// Timeline: every session's tokens are timed from the first byte of audio it received, so a
// client that reconnects (e.g. after a 503) and resends audio from offset X adds X to the new
// session's times. Headerless 16-bit PCM cut from a makeWav/TTS fixture is still heard word for
// word, and final_audio_proc_ms always falls on a word boundary, so resending the raw PCM from
// final_audio_proc_ms of the old session continues the transcript exactly.
//
// Finality: a token becomes final once its audio ended FINAL_LAG_MS before the newest audio
// (or on finalize / end of audio). Final tokens are sent once, in order; non-final tokens
// are re-sent with each response until final.

import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';

import {
	InvalidAudioError,
	LiveRecognizer,
	RAW_PCM_FORMATS,
	type StreamToken,
	type TranslationOption,
} from '../audio';
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
import { TTS_ERRORS, invalidRequest, ttsErrorBody, type TtsError } from './tts-request';

/** A token stays non-final until the audio has moved this far past its end. */
export const FINAL_LAG_MS = 240;
/** Recognise again after at least this much new audio. */
const RESPONSE_STEP_MS = 100;
/** Send a response at least this often (in audio time) even when nothing changed. */
const HEARTBEAT_MS = 1000;
/** Audio bursts shorter than this are never refused by the pace check. */
const PACE_GRACE_MS = 5000;
const MAX_SESSION_AUDIO_MS = 300 * 60_000;
const MAX_CLIENT_REFERENCE_LENGTH = 256;

const CONTAINER_FORMATS = [
	'auto',
	'aac',
	'aiff',
	'amr',
	'asf',
	'flac',
	'mp3',
	'ogg',
	'wav',
	'webm',
];

const ERRORS = {
	invalidModel: {
		status: 400,
		errorType: 'model_not_available',
		message: 'Invalid model specified.',
	},
	// Assumed wordings below: the reference names the situations, not the messages.
	concurrency: {
		status: 429,
		errorType: 'limit_exceeded',
		message:
			'Concurrent requests limit for real-time speech-to-text has been exceeded for your project.',
	},
	tooFast: invalidRequest(
		'Audio is arriving much faster than real time. Send audio at about real-time pace.',
	),
	idle: {
		status: 408,
		errorType: 'request_timeout',
		message: 'Request timeout: no audio or keepalive received for too long.',
	},
	tooLong: {
		status: 413,
		errorType: 'max_duration_reached',
		message: 'Maximum audio duration (300 minutes) reached.',
	},
	notJson: invalidRequest('Start request must be a JSON text message.'),
	badControl: invalidRequest(
		'Invalid message: expected binary audio, an empty message, or a JSON control message.',
	),
} satisfies Record<string, TtsError>;

interface SessionConfig {
	model: string;
	format: { kind: 'auto' } | { kind: 'raw'; format: string; sampleRate: number; channels: number };
	languageHints: string[] | undefined;
	diarization: boolean;
	languageIdentification: boolean;
	endpointDetection: boolean;
	translation: TranslationOption | undefined;
	clientReferenceId: string | null;
}

type WireToken = {
	text: string;
	start_ms?: number;
	end_ms?: number;
	confidence?: number;
	is_final: boolean;
	speaker?: string;
	language?: string;
	translation_status?: string;
	source_language?: string;
};

export function startSttSession(ws: WebSocket, req: IncomingMessage, ctx: EmulatorContext): void {
	new SttSession(ws, ctx, connectionKey(req)).start();
}

class SttSession {
	private readonly openedAt: number;
	private state: 'awaiting_config' | 'streaming' | 'done' = 'awaiting_config';
	private sender: FaultySender;
	private idle: IdleTimer;
	private release: (() => void) | undefined;
	private sessionTimer: NodeJS.Timeout | undefined;
	private config: SessionConfig | undefined;
	private auth: AuthGranted | undefined;
	private recognizer: LiveRecognizer | undefined;

	/** Tokens (by position in the recogniser's list) already sent as final. */
	private finalsSent = 0;
	private finalText = '';
	/** Audio up to here was finalized on request: everything heard before it is final. */
	private forcedFinalMs = 0;
	private lastRecognizedMs = -Infinity;
	private lastResponseMs = 0;
	private lastNonFinalKey = '';
	private firstAudioAt: number | undefined;

	constructor(
		private readonly ws: WebSocket,
		private readonly ctx: EmulatorContext,
		private readonly key: string | undefined,
	) {
		this.openedAt = ctx.now();
		this.sender = new FaultySender(
			ws,
			undefined,
			() => ({}),
			() => undefined,
		);
		this.idle = new IdleTimer(idleTimeoutMs(ctx), () => this.fail(ERRORS.idle));
	}

	start(): void {
		this.ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
		this.ws.on('close', () => this.shutdown());
		this.ws.on('error', () => this.shutdown());
	}

	private onMessage(data: RawData, isBinary: boolean): void {
		if (this.state === 'done') return;
		const bytes = toBuffer(data);
		try {
			if (this.state === 'awaiting_config') {
				this.idle.touch();
				if (isBinary) return this.fail(ERRORS.notJson);
				return this.configure(bytes.toString('utf8'));
			}
			if (isBinary) {
				if (bytes.length === 0) return this.endOfAudio();
				this.idle.touch();
				return this.onAudio(bytes);
			}
			this.onControl(bytes.toString('utf8'));
		} catch (error) {
			if (error instanceof InvalidAudioError)
				return this.fail(invalidRequest(`Invalid audio: ${error.message}`));
			throw error;
		}
	}

	private configure(text: string): void {
		let message: unknown;
		try {
			message = JSON.parse(text);
		} catch {
			return this.fail(ERRORS.notJson);
		}
		if (typeof message !== 'object' || message === null || Array.isArray(message))
			return this.fail(ERRORS.notJson);
		const fields = message as Record<string, unknown>;

		const key =
			this.key ??
			(typeof fields.api_key === 'string' && fields.api_key !== '' ? fields.api_key : undefined);
		if (key === undefined) return this.fail(MISSING_WS_KEY);
		const outcome = this.ctx.authenticate(key, 'transcribe_websocket');
		if (!outcome.ok) return this.fail(authError(outcome));
		this.auth = outcome;

		const config = parseConfig(fields, this.ctx);
		if ('error' in config) return this.fail(config.error);
		this.config = config;

		this.release = this.ctx.acquireSlot('transcribe');
		if (!this.release) return this.fail(ERRORS.concurrency);

		const fault = this.ctx.takeWebSocketFault('/transcribe-websocket');
		this.sender = new FaultySender(
			this.ws,
			fault,
			() => ttsErrorBody(SERVICE_UNAVAILABLE),
			() => this.shutdown(),
		);
		if (outcome.maxSessionMs !== undefined) {
			this.sessionTimer = setTimeout(
				() => this.fail(TTS_ERRORS.sessionExpired),
				outcome.maxSessionMs,
			);
			this.sessionTimer.unref();
		}
		this.recognizer = new LiveRecognizer(config.format, {
			enableSpeakerDiarization: config.diarization,
			enableLanguageIdentification: config.languageIdentification,
			languageHints: config.languageHints,
			translation: config.translation,
		});
		this.state = 'streaming';
	}

	private onAudio(bytes: Buffer): void {
		const recognizer = this.recognizer!;
		this.firstAudioAt ??= Date.now();
		recognizer.push(bytes);
		const audioMs = recognizer.audioMs;
		if (audioMs > MAX_SESSION_AUDIO_MS) return this.fail(ERRORS.tooLong);
		const speedup = this.ctx.config.realtimeMaxSpeedup;
		if (
			speedup > 0 &&
			audioMs > PACE_GRACE_MS &&
			audioMs > (Date.now() - this.firstAudioAt + PACE_GRACE_MS) * speedup
		) {
			return this.fail(ERRORS.tooFast);
		}
		if (audioMs - this.lastRecognizedMs >= RESPONSE_STEP_MS) this.respond(false, false);
	}

	private onControl(text: string): void {
		if (text === '') return this.endOfAudio();
		let message: unknown;
		try {
			message = JSON.parse(text);
		} catch {
			return this.fail(ERRORS.badControl);
		}
		const type =
			typeof message === 'object' && message !== null
				? (message as { type?: unknown }).type
				: undefined;
		if (type === 'keepalive') return this.idle.touch();
		if (type === 'finalize') {
			this.idle.touch();
			this.forcedFinalMs = this.recognizer!.audioMs;
			return this.respond(false, true);
		}
		// Other JSON (unknown control types) is ignored, as a forward-compatible server would.
	}

	private endOfAudio(): void {
		this.respond(true, false);
		if (this.state !== 'streaming') return;
		this.state = 'done';
		const audioMs = this.recognizer!.audioMs;
		this.ctx.recordUsage({
			kind: 'transcribe_websocket',
			model: this.config!.model,
			startTime: this.openedAt,
			endTime: this.ctx.now(),
			clientReferenceId: this.auth!.clientReferenceId(this.config!.clientReferenceId),
			inputTextTokens: 0,
			inputAudioTokens: audioTokensForDuration(audioMs),
			inputAudioDurationMs: audioMs,
			outputTextTokens: textTokensForText(this.finalText),
			outputAudioTokens: 0,
			outputAudioDurationMs: 0,
		});
		this.ws.close(1000);
		this.cleanup();
	}

	/** Recognises the audio so far and sends what changed; `ended` flushes everything. */
	private respond(ended: boolean, finalize: boolean): void {
		const recognizer = this.recognizer!;
		const audioMs = recognizer.audioMs;
		this.lastRecognizedMs = audioMs;
		const tokens = recognizer.tokens(ended);
		const horizon = ended ? Infinity : Math.max(audioMs - FINAL_LAG_MS, this.forcedFinalMs);

		// Finals form a prefix: a token is final when it is complete and either its audio is
		// past the horizon or (translations) everything before it is final.
		let finalCount = this.finalsSent;
		while (finalCount < tokens.length && this.isFinal(tokens[finalCount], horizon, ended))
			finalCount++;
		const newFinals = tokens.slice(this.finalsSent, finalCount);
		const nonFinals = tokens.slice(finalCount);
		this.finalsSent = finalCount;

		const wire: WireToken[] = [];
		let endpointPending = false;
		for (const token of newFinals) {
			if (endpointPending && token.translation_status !== 'translation') {
				wire.push(marker('<end>', token.start_ms ?? audioMs));
				endpointPending = false;
			}
			wire.push(toWire(token, true));
			if (token.translation_status !== 'translation') this.finalText += token.text;
			if (
				this.config!.endpointDetection &&
				token.translation_status !== 'translation' &&
				endsSentence(token.text)
			) {
				endpointPending = true;
			}
		}
		if (endpointPending) wire.push(marker('<end>', lastEnd(newFinals) ?? audioMs));
		if (finalize) wire.push(marker('<fin>', audioMs));
		for (const token of nonFinals) wire.push(toWire(token, false));

		const finalAudioMs = ended
			? audioMs
			: Math.min(audioMs, nonFinals.find((t) => t.start_ms !== undefined)?.start_ms ?? horizon);
		const nonFinalKey = nonFinals.map((token) => `${token.text}@${token.end_ms}`).join('|');
		const changed = newFinals.length > 0 || finalize || nonFinalKey !== this.lastNonFinalKey;
		const heartbeat = audioMs - this.lastResponseMs >= HEARTBEAT_MS;
		this.lastNonFinalKey = nonFinalKey;
		if (!changed && !heartbeat && !ended) return;
		this.lastResponseMs = audioMs;
		this.sender.send({
			tokens: wire,
			final_audio_proc_ms: Math.max(0, finalAudioMs),
			total_audio_proc_ms: audioMs,
			...(ended ? { finished: true } : {}),
		});
	}

	private isFinal(token: StreamToken, horizon: number, ended: boolean): boolean {
		if (!token.final && !ended) {
			// An unfinished word can still be finalized on request: it is cut where the audio ends.
			return token.start_ms !== undefined && token.start_ms < this.forcedFinalMs;
		}
		if (token.end_ms === undefined) return true;
		return token.end_ms <= horizon;
	}

	private fail(error: TtsError): void {
		if (this.state === 'done') return;
		this.state = 'done';
		if (this.sender.alive) this.sender.sendAndClose(ttsErrorBody(error));
		else this.ws.close(1000);
		this.cleanup();
	}

	/** The socket went away or a fault fired: stop without billing. */
	private shutdown(): void {
		this.state = 'done';
		this.cleanup();
	}

	private cleanup(): void {
		this.idle.stop();
		if (this.sessionTimer) clearTimeout(this.sessionTimer);
		this.release?.();
		this.release = undefined;
	}
}

function parseConfig(
	fields: Record<string, unknown>,
	ctx: EmulatorContext,
): SessionConfig | { error: TtsError } {
	const fail = (message: string) => ({ error: invalidRequest(message) });
	const model = fields.model;
	if (model === undefined || model === null || model === '')
		return fail('Missing required field: model');
	if (typeof model !== 'string') return { error: ERRORS.invalidModel };
	const known = ctx.sttModels().find((entry) => entry.id === model);
	const resolved = known?.aliased_model_id
		? ctx.sttModels().find((entry) => entry.id === known.aliased_model_id)
		: known;
	if (!known || !resolved || resolved.transcription_mode !== 'real_time')
		return { error: ERRORS.invalidModel };

	const audioFormat = fields.audio_format;
	if (audioFormat === undefined || audioFormat === null || audioFormat === '')
		return fail('Missing required field: audio_format');
	let format: SessionConfig['format'];
	if (typeof audioFormat === 'string' && CONTAINER_FORMATS.includes(audioFormat)) {
		format = { kind: 'auto' };
	} else if (typeof audioFormat === 'string' && RAW_PCM_FORMATS.includes(audioFormat)) {
		const sampleRate = fields.sample_rate;
		const channels = fields.num_channels;
		if (sampleRate === undefined || sampleRate === null)
			return fail(`Missing sample_rate for raw audio format '${audioFormat}'.`);
		if (channels === undefined || channels === null)
			return fail(`Missing num_channels for raw audio format '${audioFormat}'.`);
		if (!isInteger(sampleRate, 1000, 384_000))
			return fail(`Invalid sample_rate ${String(sampleRate)}.`);
		if (!isInteger(channels, 1, 16)) return fail(`Invalid num_channels ${String(channels)}.`);
		format = { kind: 'raw', format: audioFormat, sampleRate, channels };
	} else {
		return fail(`Invalid audio_format '${String(audioFormat)}'.`);
	}

	const hints = fields.language_hints;
	if (
		hints !== undefined &&
		hints !== null &&
		!(Array.isArray(hints) && hints.every((hint) => typeof hint === 'string'))
	) {
		return fail('Invalid language_hints: expected a list of language codes.');
	}
	const clientReferenceId = fields.client_reference_id;
	if (
		clientReferenceId !== undefined &&
		clientReferenceId !== null &&
		typeof clientReferenceId !== 'string'
	) {
		return fail('Invalid client_reference_id: expected a string.');
	}
	if (
		typeof clientReferenceId === 'string' &&
		clientReferenceId.length > MAX_CLIENT_REFERENCE_LENGTH
	) {
		return fail(`Client reference ID is too long (max length ${MAX_CLIENT_REFERENCE_LENGTH}).`);
	}
	const delay = fields.max_endpoint_delay_ms;
	if (delay !== undefined && delay !== null && !isInteger(delay, 500, 3000)) {
		return fail('Invalid max_endpoint_delay_ms: must be between 500 and 3000.');
	}
	const translation = parseTranslation(
		fields.translation,
		resolved.languages.map((language) => language.code),
	);
	if (typeof translation === 'string') return fail(translation);

	return {
		model,
		format,
		languageHints: (hints as string[] | undefined | null) ?? undefined,
		diarization: fields.enable_speaker_diarization === true,
		languageIdentification: fields.enable_language_identification === true,
		endpointDetection: fields.enable_endpoint_detection === true,
		translation,
		clientReferenceId: typeof clientReferenceId === 'string' ? clientReferenceId : null,
	};
}

/** The translation option, or an error message. */
function parseTranslation(
	value: unknown,
	languages: string[],
): TranslationOption | undefined | string {
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'object' || Array.isArray(value))
		return 'Invalid translation: expected an object.';
	const translation = value as Record<string, unknown>;
	const check = (field: string): string | undefined => {
		const code = translation[field];
		if (typeof code !== 'string' || code === '') return `Invalid translation: missing ${field}.`;
		return languages.includes(code)
			? undefined
			: `Invalid translation: unsupported language '${code}'.`;
	};
	if (translation.type === 'one_way') {
		const problem = check('target_language');
		return problem ?? { type: 'one_way', target_language: translation.target_language as string };
	}
	if (translation.type === 'two_way') {
		const problem = check('language_a') ?? check('language_b');
		if (problem) return problem;
		return {
			type: 'two_way',
			language_a: translation.language_a as string,
			language_b: translation.language_b as string,
		};
	}
	return "Invalid translation: type must be 'one_way' or 'two_way'.";
}

function isInteger(value: unknown, min: number, max: number): value is number {
	return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function toWire(token: StreamToken, isFinal: boolean): WireToken {
	const { final: _final, ...fields } = token;
	return { ...fields, is_final: isFinal };
}

function marker(text: '<end>' | '<fin>', atMs: number): WireToken {
	return { text, start_ms: atMs, end_ms: atMs, confidence: 1, is_final: true };
}

function lastEnd(tokens: StreamToken[]): number | undefined {
	for (let i = tokens.length - 1; i >= 0; i--)
		if (tokens[i].end_ms !== undefined) return tokens[i].end_ms;
	return undefined;
}

function endsSentence(text: string): boolean {
	return /[.!?…]["')\]]*\s*$/u.test(text);
}

function toBuffer(data: RawData): Buffer {
	if (Buffer.isBuffer(data)) return data;
	if (Array.isArray(data)) return Buffer.concat(data);
	return Buffer.from(data);
}
