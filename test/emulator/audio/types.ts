// The shapes recognition returns, shared by every audio module.

export type TranslationOption =
	| { type: 'one_way'; target_language: string }
	| { type: 'two_way'; language_a: string; language_b: string };

export interface RecognizeOptions {
	enableSpeakerDiarization?: boolean;
	enableLanguageIdentification?: boolean;
	languageHints?: string[];
	translation?: TranslationOption;
}

export interface TranscriptToken {
	text: string;
	start_ms?: number;
	end_ms?: number;
	confidence?: number;
	speaker?: string;
	language?: string;
	source_language?: string;
	translation_status?: 'none' | 'original' | 'translation';
}

export interface Recognition {
	durationMs: number;
	/** Every token's text concatenated (translation tokens included, in token order). */
	text: string;
	tokens: TranscriptToken[];
}

/** A token of a live stream: `final` tokens never change again. */
export interface StreamToken extends TranscriptToken {
	final: boolean;
}

export class InvalidAudioError extends Error {
	readonly errorType = 'invalid_audio';
	constructor(message: string) {
		super(message);
		this.name = 'InvalidAudioError';
	}
}
