// What TTS REST and a TTS WebSocket stream share: the error envelope and the validation of
// model, language, voice and audio parameters, with the reference's messages (§6). Messages
// the reference does not give are marked "assumed" where they are built.

import { randomUUID } from 'node:crypto';

import {
	TTS_AUDIO_FORMATS,
	isTtsAudioFormat,
	speechDurationMs,
	type TtsAudioFormat,
} from '../audio';
import type { EmulatorContext, TtsModel } from '../context';

export const MAX_TTS_TEXT_LENGTH = 5000;
export const MAX_TTS_AUDIO_MS = 120_000;
const MAX_NAME_LENGTH = 50;
const MAX_API_KEY_LENGTH = 250;
const MAX_CLIENT_REFERENCE_LENGTH = 256;

export interface TtsError {
	status: number;
	errorType: string;
	message: string;
}

/** The TTS error body: `{error_code, error_type, error_message, more_info, request_id}` (+ stream_id). */
export interface TtsErrorBody {
	stream_id?: string;
	error_code: number;
	error_type: string;
	error_message: string;
	more_info: string;
	request_id: string;
}

export function moreInfoUrl(errorType: string): string {
	return `https://soniox.com/docs/api-reference/errors#${errorType.replace(/_/g, '-')}`;
}

export function ttsErrorBody(
	error: TtsError,
	requestId: string = randomUUID(),
	streamId?: string,
): TtsErrorBody {
	return {
		...(streamId === undefined ? {} : { stream_id: streamId }),
		error_code: error.status,
		error_type: error.errorType,
		error_message: error.message,
		more_info: moreInfoUrl(error.errorType),
		request_id: requestId,
	};
}

export const invalidRequest = (message: string): TtsError => ({
	status: 400,
	errorType: 'invalid_request',
	message,
});

export const TTS_ERRORS = {
	invalidJson: invalidRequest('Invalid JSON body'),
	modelNotAvailable: {
		status: 400,
		errorType: 'model_not_available',
		message:
			'The requested model is not available. See https://soniox.com/docs/tts/models for the list of supported TTS models.',
	},
	concurrencyExceeded: {
		status: 429,
		errorType: 'limit_exceeded',
		message: 'Concurrent requests limit for text-to-speech has been exceeded for your project.',
	},
	sessionExpired: {
		status: 403,
		errorType: 'temp_api_key_session_expired',
		message:
			'Temporary API key session duration limit exceeded. Create a new temporary API key to start a new session.',
	},
	/** Assumed wording: the reference only states the 2-minute cap. */
	audioTooLong: invalidRequest(
		'Requested audio is too long (max duration 2 minutes). Split the text into shorter requests.',
	),
	/** Assumed wording for a TTS connection that stays silent past the idle timeout. */
	requestTimeout: { status: 408, errorType: 'request_timeout', message: 'Request timeout.' },
} satisfies Record<string, TtsError>;

/** Audio parameters of a valid TTS request or stream. */
export interface TtsParams {
	/** As the client named it (echoed in the usage log). */
	model: string;
	language: string;
	voice: string;
	audioFormat: TtsAudioFormat;
	sampleRate: number | undefined;
	bitrate: number | undefined;
	speed: number;
	reduceSilence: boolean;
	clientReferenceId: string | null;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; error: TtsError };

const REQUIRED_NAMES: Array<[field: string, label: string]> = [
	['model', 'Model name'],
	['language', 'Language'],
	['voice', 'Voice'],
	['audio_format', 'Audio format'],
];

/**
 * Validates the parameters of a TTS request (REST body or stream config). `text` is checked
 * only when `requireText` (REST); a stream's text arrives later.
 */
export function validateTtsParams(
	body: unknown,
	ctx: EmulatorContext,
	requireText: boolean,
): Validated<TtsParams & { text: string }> {
	if (typeof body !== 'object' || body === null || Array.isArray(body))
		return fail(TTS_ERRORS.invalidJson);
	const fields = body as Record<string, unknown>;
	const required = requireText
		? [...REQUIRED_NAMES, ['text', 'Text'] as [string, string]]
		: REQUIRED_NAMES;
	for (const [field] of required) {
		const value = fields[field];
		if (value === undefined || value === null || value === '')
			return fail(invalidRequest(`Missing required field: ${field}`));
		// Assumed wording for a required field of the wrong type.
		if (typeof value !== 'string')
			return fail(invalidRequest(`Invalid value for field: ${field} (expected a string).`));
	}
	for (const [field, label] of REQUIRED_NAMES) {
		if ((fields[field] as string).length > MAX_NAME_LENGTH) {
			return fail(invalidRequest(`${label} is too long (max length ${MAX_NAME_LENGTH}).`));
		}
	}
	const text = requireText ? (fields.text as string) : '';
	if (text.length > MAX_TTS_TEXT_LENGTH)
		return fail(invalidRequest(`Text is too long (max length ${MAX_TTS_TEXT_LENGTH}).`));
	if (typeof fields.api_key === 'string' && fields.api_key.length > MAX_API_KEY_LENGTH) {
		return fail(invalidRequest(`API key is too long (max length ${MAX_API_KEY_LENGTH}).`));
	}
	const clientReference = fields.client_reference_id;
	if (
		clientReference !== undefined &&
		clientReference !== null &&
		typeof clientReference !== 'string'
	) {
		return fail(
			invalidRequest('Invalid value for field: client_reference_id (expected a string).'),
		);
	}
	if (typeof clientReference === 'string' && clientReference.length > MAX_CLIENT_REFERENCE_LENGTH) {
		return fail(
			invalidRequest(
				`Client reference ID is too long (max length ${MAX_CLIENT_REFERENCE_LENGTH}).`,
			),
		);
	}

	const modelName = fields.model as string;
	const model = resolveTtsModel(ctx.ttsModels(), modelName);
	if (!model) return fail(TTS_ERRORS.modelNotAvailable);
	const language = fields.language as string;
	if (!model.languages.some((entry) => entry.code === language)) {
		return fail(invalidRequest(`Invalid language '${language}' for model '${modelName}'.`));
	}
	const voice = fields.voice as string;
	const voiceError = checkVoice(ctx, model, modelName, voice);
	if (voiceError) return fail(voiceError);

	const format = fields.audio_format as string;
	// Assumed wording for the audio parameters below, in the style of the voice/language messages.
	if (!isTtsAudioFormat(format)) return fail(invalidRequest(`Invalid audio format '${format}'.`));
	const rule = TTS_AUDIO_FORMATS[format];
	const sampleRate = optionalNumber(fields.sample_rate);
	if (
		sampleRate === false ||
		(sampleRate !== undefined && !rule.sampleRates.includes(sampleRate))
	) {
		return fail(
			invalidRequest(
				`Invalid sample rate ${String(fields.sample_rate)} for audio format '${format}'.`,
			),
		);
	}
	const bitrate = optionalNumber(fields.bitrate);
	if (
		bitrate === false ||
		(bitrate !== undefined && rule.bitrates && !rule.bitrates.includes(bitrate))
	) {
		return fail(
			invalidRequest(`Invalid bitrate ${String(fields.bitrate)} for audio format '${format}'.`),
		);
	}
	const speed = optionalNumber(fields.speed);
	if (speed === false) return fail(invalidRequest(`Invalid speed ${String(fields.speed)}.`));
	if (speed !== undefined && speed !== 1) {
		if (!model.supports_speed_adjustment) {
			return fail(invalidRequest(`Speed adjustment is not supported for model '${modelName}'.`));
		}
		if (speed < model.speed_min || speed > model.speed_max) {
			return fail(
				invalidRequest(
					`Invalid speed ${speed} for model '${modelName}' (allowed ${model.speed_min} to ${model.speed_max}).`,
				),
			);
		}
	}
	const reduceSilence = fields.reduce_silence;
	if (reduceSilence !== undefined && reduceSilence !== null && typeof reduceSilence !== 'boolean') {
		return fail(invalidRequest('Invalid value for field: reduce_silence (expected a boolean).'));
	}
	const params: TtsParams & { text: string } = {
		model: modelName,
		language,
		voice,
		audioFormat: format,
		sampleRate,
		// Formats without a bitrate ignore one (the reference's own examples send it with wav).
		bitrate: rule.bitrates ? bitrate : undefined,
		speed: speed ?? 1,
		reduceSilence: reduceSilence === true && model.supports_silence_reduction,
		clientReferenceId: typeof clientReference === 'string' ? clientReference : null,
		text,
	};
	if (requireText && exceedsAudioCap(text, params)) return fail(TTS_ERRORS.audioTooLong);
	return { ok: true, value: params };
}

export function exceedsAudioCap(
	text: string,
	params: Pick<TtsParams, 'speed' | 'reduceSilence'>,
): boolean {
	return speechDurationMs(text, params.speed, params.reduceSilence) > MAX_TTS_AUDIO_MS;
}

/** A model by id; an alias resolves to the model it names (its languages, voices and limits). */
export function resolveTtsModel(models: TtsModel[], id: string): TtsModel | undefined {
	const model = models.find((entry) => entry.id === id);
	if (!model?.aliased_model_id) return model;
	return models.find((entry) => entry.id === model.aliased_model_id) ?? model;
}

function checkVoice(
	ctx: EmulatorContext,
	model: TtsModel,
	modelName: string,
	voice: string,
): TtsError | undefined {
	if (model.voices.some((entry) => entry.id === voice)) return undefined;
	const cloned = ctx.clonedVoiceStatus?.(voice, model.id);
	if (cloned === 'ready') return undefined;
	if (cloned !== undefined) {
		// Assumed wording: a cloned voice not (yet) computed for this model.
		return invalidRequest(
			`Voice '${voice}' is not ready for model '${modelName}' (status: ${cloned}).`,
		);
	}
	return invalidRequest(`Invalid voice '${voice}' for model '${modelName}'.`);
}

/** undefined when absent or null, false when present but not a finite number. */
function optionalNumber(value: unknown): number | undefined | false {
	if (value === undefined || value === null) return undefined;
	return typeof value === 'number' && Number.isFinite(value) ? value : false;
}

function fail(error: TtsError): { ok: false; error: TtsError } {
	return { ok: false, error };
}
