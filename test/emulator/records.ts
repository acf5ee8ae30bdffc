// The shapes the emulator stores for files, transcriptions and cloned voices.
import type { RecognizeOptions, TranscriptToken } from './audio';

export interface StoredFile {
	id: string;
	filename: string;
	size: number;
	created_at: string;
	client_reference_id: string | null;
	/** Where the bytes are on disk (not part of the API). */
	path: string;
}

export type TranscriptionStatus = 'queued' | 'processing' | 'completed' | 'error';

export interface Transcription {
	id: string;
	status: TranscriptionStatus;
	created_at: string;
	model: string;
	audio_url: string | null;
	file_id: string | null;
	filename: string;
	language_hints: string[] | null;
	enable_speaker_diarization: boolean;
	enable_language_identification: boolean;
	audio_duration_ms: number | null;
	error_type: string | null;
	error_message: string | null;
	webhook_url: string | null;
	webhook_auth_header_name: string | null;
	webhook_auth_header_value: string | null;
	webhook_status_code: number | null;
	client_reference_id: string | null;
	context: unknown;
	/** Not part of the API: how to recognise, what was heard, when processing began. */
	internal: {
		options: RecognizeOptions;
		loggedClientReferenceId: string | null;
		contextTextTokens: number;
		startedAt?: number;
		transcript?: { text: string; tokens: TranscriptToken[] };
		timer?: NodeJS.Timeout;
	};
}

export interface StoredVoice {
	id: string;
	name: string;
	filename: string;
	created_at: string;
	models: Array<{
		model: string;
		status: 'not_computed' | 'processing' | 'ready' | 'failed';
		error_type: string | null;
		error_message: string | null;
	}>;
	path: string;
}

/** A transcription as the API shows it: no internals, the webhook secret masked. */
export function publicTranscription(transcription: Transcription) {
	// The request's context is not part of the Transcription schema: it is never shown.
	const { internal: _internal, context: _context, ...shown } = transcription;
	return {
		...shown,
		webhook_auth_header_value: shown.webhook_auth_header_value === null ? null : '*'.repeat(18),
	};
}

export function publicFile(file: StoredFile) {
	const { path: _path, ...shown } = file;
	return shown;
}

export function publicVoice(voice: StoredVoice) {
	const { path: _path, ...shown } = voice;
	return shown;
}
