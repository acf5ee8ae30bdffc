// The shared state of one emulator instance, handed to every route and WebSocket handler.
// REST routes, the real-time handlers and the control endpoint all read and write it here,
// so there is exactly one clock, one ledger, one auth module and one fault queue.

/**
 * The four kinds of billable request. Not a field of a usage entry: a product tells them
 * apart by the entry's model (async or real-time STT, TTS) and its input/output counts.
 */
export type UsageKind = 'transcribe_async' | 'transcribe_websocket' | 'tts_rest' | 'tts_websocket';

/** A usage entry's `request_scope` (spec: "api / playground"); every API request is `api`. */
export type RequestScope = 'api' | 'playground';

/** Where a key is presented: REST management calls, or one of the two key usage types. */
export type AuthSurface = 'rest' | 'transcribe_websocket' | 'tts_rt';

export interface EmulatorConfig {
	/** Long-lived API keys accepted on every surface. */
	apiKeys: string[];
	/** Addition: organization API keys (snx_org_...), accepted only by /v1/organization. */
	organizationApiKeys?: string[];
	/** Usage entries become visible in /v1/usage-logs this long after their end_time. */
	ingestionLagMs: number;
	/** Added to the real clock; lets tests put the emulator ahead of or behind n8n. */
	clockOffsetMs: number;
	/** Async transcription lifecycle timing. */
	transcription: {
		queuedMs: number;
		/** Processing time = processingBaseMs + audio duration * processingPerAudioSecondMs / 1000. */
		processingBaseMs: number;
		processingPerAudioSecondMs: number;
	};
	/** Real-time caps: open STT sessions and open TTS streams (+ active TTS REST requests). */
	concurrency: { transcribe: number; tts: number };
	/** Real-time STT refuses audio arriving faster than this multiple of real time (0 = no check). */
	realtimeMaxSpeedup: number;
	/**
	 * Addition: a real-time STT session with no audio and no keepalive for this long is closed,
	 * and so is a TTS connection with no message at all. Default 20000 (the documented 20 s).
	 */
	realtimeIdleTimeoutMs?: number;
	/** Upload size cap in bytes (the contract's 1 GiB by default). */
	maxUploadBytes: number;
	/**
	 * Addition: project quotas; an absent one has Soniox's documented default (1,000 files,
	 * 10 GB of files, 100 pending and 2,000 total async transcriptions). Exceeding one is a 429.
	 */
	/**
	 * Addition: Soniox limits usage-log requests per minute (its 429 says so; the number is not
	 * published). At most `requests` in any `windowMs`; beyond, 429 `limit_exceeded`, with a
	 * Retry-After (seconds until one more is let in) when `retryAfter` is set.
	 */
	usageLogsRateLimit?: { requests: number; windowMs: number; retryAfter?: boolean };
	quotas?: {
		files?: number;
		storageBytes?: number;
		pendingTranscriptions?: number;
		transcriptions?: number;
	};
	/**
	 * Addition: check every REST response against the OpenAPI document and record the ones
	 * that break it (contractViolations()). Default true; a benchmark paging a million usage
	 * entries may turn it off (it costs a few milliseconds per 1000-entry page).
	 */
	checkResponses?: boolean;
	/** Folder where uploaded files are stored (a temp dir by default). */
	storageDir: string;
}

export interface AuthGranted {
	ok: true;
	/** Stable, non-secret id of the key (never the key itself): for logs and the ledger. */
	keyId: string;
	temporary: boolean;
	/** For temporary keys: cap on one session, from max_session_duration_seconds. */
	maxSessionMs?: number;
	/**
	 * The client_reference_id to log for a request that asked for `requested`:
	 * a temporary key's bound value wins; a temporary key with none bound logs none;
	 * a long-lived key logs the request's own value.
	 */
	clientReferenceId(requested: string | null | undefined): string | null;
}

export interface AuthRefused {
	ok: false;
	status: number;
	errorType: string;
	message: string;
}

export type AuthOutcome = AuthGranted | AuthRefused;

export interface LedgerInput {
	kind: UsageKind;
	/** Default `api`. */
	requestScope?: RequestScope;
	model: string;
	/** Epoch milliseconds on the emulator clock. */
	startTime: number;
	endTime: number;
	clientReferenceId: string | null;
	inputTextTokens: number;
	inputAudioTokens: number;
	inputAudioDurationMs: number;
	outputTextTokens: number;
	outputAudioTokens: number;
	outputAudioDurationMs: number;
}

/** A usage log entry exactly as /v1/usage-logs returns it (costs are 10-decimal strings). */
export interface UsageEntry {
	uuid: string;
	request_scope: RequestScope;
	client_reference_id: string;
	model: string;
	start_time: string;
	end_time: string;
	input_text_tokens: number;
	input_audio_tokens: number;
	input_audio_duration_ms: number;
	output_text_tokens: number;
	output_audio_tokens: number;
	output_audio_duration_ms: number;
	cost_usd: string;
	input_cost_usd: string;
	input_text_cost_usd: string;
	input_audio_cost_usd: string;
	output_cost_usd: string;
	output_text_cost_usd: string;
	output_audio_cost_usd: string;
}

/** A fault armed for the WebSocket endpoints. */
export type WebSocketFault =
	/** Close the TCP connection without a close frame after this many server messages. */
	| { kind: 'drop'; afterMessages: number }
	/** Send the 503 "Cannot continue request" error, then close, after this many server messages. */
	| { kind: 'terminate503'; afterMessages: number };

export interface EmulatorContext {
	/** Emulator time in epoch ms (real time + clockOffsetMs). */
	now(): number;
	config: EmulatorConfig;
	authenticate(key: string | undefined, surface: AuthSurface): AuthOutcome;
	/** Writes one usage entry for a successfully completed billable request. */
	recordUsage(input: LedgerInput): UsageEntry;
	/** Takes the next armed fault for a WebSocket path, if any (each fault fires once). */
	takeWebSocketFault(path: '/transcribe-websocket' | '/tts-websocket'): WebSocketFault | undefined;
	/** Claims one real-time slot; undefined when the cap is reached (the caller answers 429). */
	acquireSlot(kind: 'transcribe' | 'tts'): (() => void) | undefined;
	/**
	 * Addition: a cloned voice's state for a TTS model, by voice id; undefined when the project
	 * has no such voice. TTS accepts a cloned voice whose state is 'ready'. Optional until the
	 * emulator keeps cloned voices.
	 */
	clonedVoiceStatus?(
		voiceId: string,
		model: string,
	): 'not_computed' | 'processing' | 'ready' | 'failed' | undefined;
	/** Addition: whether the project has a cloned voice with this id (in any state). */
	isClonedVoice?(voiceId: string): boolean;
	/**
	 * Checks a request body against the OpenAPI document (POST /tts, which reads its own body);
	 * the problems are recorded as contract violations. Optional for test doubles.
	 */
	checkContractRequest?(
		method: string,
		path: string,
		body: unknown,
	): Array<{ error_type: string; location: string; message: string }>;
	/** The model lists served by /v1/models and /v1/tts-models. */
	sttModels(): SttModel[];
	ttsModels(): TtsModel[];
}

export interface SttModel {
	id: string;
	aliased_model_id: string | null;
	name: string;
	context_version: number | null;
	transcription_mode: 'real_time' | 'async';
	languages: Array<{ code: string; name: string }>;
	supports_language_hints_strict: boolean;
	supports_max_endpoint_delay: boolean;
	translation_targets: Array<{
		target_language: string;
		source_languages: string[];
		exclude_source_languages: string[];
	}>;
	two_way_translation_pairs: string[];
	one_way_translation: string | null;
	two_way_translation: string | null;
	[extra: string]: unknown;
}

export interface TtsModel {
	id: string;
	aliased_model_id: string | null;
	name: string;
	languages: Array<{ code: string; name: string }>;
	voices: Array<{ id: string; description: string; gender: 'male' | 'female' | 'neutral' }>;
	supports_voice_cloning: boolean;
	voice_cloning_max_audio_duration_ms: number | null;
	supports_speed_adjustment: boolean;
	speed_min: number;
	speed_max: number;
	supports_silence_reduction: boolean;
	supports_timestamps: boolean;
}
