// GET /v1/models, GET /v1/tts-models and GET /v1/shared-voices (a TTS model's built-in voices
// with their details, filtered and paged).
import sharedVoiceDetails from '../data/shared-voice-details.json';
import { ApiError, invalidCursor } from '../errors';
import { requireRestAuth, type Router } from '../http';
import type { EmulatorState } from '../state';

const DEFAULT_SHARED_VOICES_LIMIT = 100;

interface VoiceDetails {
	age: string;
	accent: string;
	use_case: string[];
	style: string[];
}

const DETAILS = sharedVoiceDetails.voices as Record<string, VoiceDetails>;

/** Repeated parameters and comma-separated values both give a list. */
const listParam = (query: URLSearchParams, name: string) =>
	query
		.getAll(name)
		.flatMap((value) => value.split(','))
		.map((value) => value.trim())
		.filter(Boolean);

const encodeCursor = (afterId: string) =>
	Buffer.from(JSON.stringify({ after: afterId })).toString('base64url');

function decodeCursor(text: string) {
	try {
		const after = (
			JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { after?: unknown }
		).after;
		if (typeof after === 'string') return after;
	} catch {
		// reported below
	}
	throw invalidCursor();
}

function sharedVoices(state: EmulatorState, query: URLSearchParams) {
	const modelId = query.get('model') ?? '';
	const models = state.ttsModels();
	const named = models.find((model) => model.id === modelId);
	const model = models.find((entry) => entry.id === (named?.aliased_model_id ?? modelId));
	if (!model) throw new ApiError(404, 'invalid_request', `TTS model '${modelId}' not found.`);
	const gender = query.get('gender') || undefined;
	const age = query.get('age') || undefined;
	const accent = query.get('accent') || undefined;
	const useCases = listParam(query, 'use_case');
	const styles = listParam(query, 'style');
	const matching = model.voices
		.map((voice) => ({ ...voice, ...DETAILS[voice.id] }))
		.filter(
			(voice) =>
				(gender === undefined || voice.gender === gender) &&
				(age === undefined || voice.age === age) &&
				(accent === undefined || voice.accent === accent) &&
				useCases.every((useCase) => voice.use_case.includes(useCase)) &&
				styles.every((style) => voice.style.includes(style)),
		);
	const cursor = query.get('cursor');
	let start = 0;
	if (cursor) {
		const after = matching.findIndex((voice) => voice.id === decodeCursor(cursor));
		if (after < 0) throw invalidCursor();
		start = after + 1;
	}
	const limit = Number(query.get('limit') || DEFAULT_SHARED_VOICES_LIMIT);
	const voices = matching.slice(start, start + limit);
	const more = start + limit < matching.length;
	return {
		voices,
		next_page_cursor: more ? encodeCursor(voices[voices.length - 1].id) : null,
	};
}

export function registerModelRoutes(router: Router, state: EmulatorState) {
	router.add('GET', '/v1/models', ({ req }) => {
		requireRestAuth(state, req);
		return { models: state.sttModels() };
	});

	router.add('GET', '/v1/tts-models', ({ req }) => {
		requireRestAuth(state, req);
		return { models: state.ttsModels() };
	});

	// Query values were checked against the spec before this runs (server.ts).
	router.add('GET', '/v1/shared-voices', ({ req, query }) => {
		requireRestAuth(state, req);
		return sharedVoices(state, query);
	});
}
