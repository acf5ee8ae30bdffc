// /v1/voices: cloned voices from a short reference clip. Cloning takes a moment per TTS
// model: 'processing', then 'ready' (or 'failed' when the clip is not audio). A ready voice's
// id is accepted as `voice` by TTS (ctx.clonedVoiceStatus / isClonedVoice).
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';

import { recognizeFile } from '../audio';
import { conflict, invalid, notFound, problem } from '../errors';
import { intParam, readJson, reply, requireRestAuth, type Router } from '../http';
import { discardUploads, multipartFields, readMultipart } from '../multipart';
import { publicVoice, type StoredVoice } from '../records';
import type { EmulatorState } from '../state';

const MAX_VOICE_CLIP_BYTES = 10 * 1024 * 1024;
const MAX_NAME_LENGTH = 128;
const CLONING_MS = 50;

/** Prepares `models` (others keep their state); a clip that is not audio fails them. */
function startCloning(state: EmulatorState, voice: StoredVoice, models: string[]) {
	const entries = models.map((model) => {
		let entry = voice.models.find((existing) => existing.model === model);
		if (!entry) {
			entry = { model, status: 'not_computed', error_type: null, error_message: null };
			voice.models.push(entry);
		}
		entry.status = 'processing';
		entry.error_type = null;
		entry.error_message = null;
		return entry;
	});
	const generation = state.generation;
	state.later(CLONING_MS, () => {
		void recognizeFile(voice.path, {})
			.then(
				(heard) => ({ ok: true as const, durationMs: heard.durationMs }),
				(error: Error) => ({ ok: false as const, message: error.message }),
			)
			.then((outcome) => {
				if (state.generation !== generation || state.voices.get(voice.id) !== voice) return;
				for (const entry of entries) {
					const max = state
						.ttsModels()
						.find((model) => model.id === entry.model)?.voice_cloning_max_audio_duration_ms;
					const failure = !outcome.ok
						? ['invalid_audio', `The reference clip could not be used: ${outcome.message}`]
						: max !== null && max !== undefined && outcome.durationMs > max
							? [
									'voice_audio_too_long',
									`The reference clip is ${Math.round(outcome.durationMs / 1000)} s long; the limit is ${max / 1000} s.`,
								]
							: undefined;
					entry.status = failure ? 'failed' : 'ready';
					entry.error_type = failure?.[0] ?? null;
					entry.error_message = failure?.[1] ?? null;
				}
			});
	});
}

export function registerVoiceRoutes(router: Router, state: EmulatorState) {
	const ttsModelIds = () => state.ttsModels().map((model) => model.id);

	router.add('GET', '/v1/voices', ({ req, query }) => {
		requireRestAuth(state, req);
		const page = state.voices.page(intParam(query, 'limit', 1, 1000, 1000), query.get('cursor'));
		return { voices: page.items.map(publicVoice), next_page_cursor: page.nextCursor };
	});

	router.add('GET', '/v1/voices/count', ({ req }) => {
		requireRestAuth(state, req);
		return { total: state.voices.size };
	});

	router.add('POST', '/v1/voices', async ({ req, query }) => {
		requireRestAuth(state, req);
		const { fields, files } = await readMultipart(
			req,
			state.config.storageDir,
			MAX_VOICE_CLIP_BYTES,
		);
		const refused = state.contract.checkRequest(
			'POST',
			'/v1/voices',
			query,
			multipartFields({ fields, files }),
		);
		if (refused.length > 0) {
			discardUploads({ fields, files });
			throw invalid(...refused);
		}
		const clip = files.find((file) => file.field === 'file');
		const name = (fields.name ?? '').trim();
		const problems = [];
		if (!clip) problems.push(problem('file.file', 'Field required', 'missing'));
		if (fields.name === undefined) problems.push(problem('file.name', 'Field required', 'missing'));
		else if (name.length < 1)
			problems.push(
				problem('file.name', 'String should have at least 1 character', 'string_too_short'),
			);
		else if (name.length > MAX_NAME_LENGTH)
			problems.push(
				problem(
					'file.name',
					`String should have at most ${MAX_NAME_LENGTH} characters`,
					'string_too_long',
				),
			);
		if (problems.length > 0 || !clip) {
			discardUploads({ fields, files });
			throw invalid(...problems);
		}
		if (state.voices.values().some((voice) => voice.name === name)) {
			discardUploads({ fields, files });
			throw conflict('conflict', `A voice named '${name}' already exists in this project.`);
		}
		discardUploads({ fields, files }, clip);
		const voice: StoredVoice = {
			id: randomUUID(),
			name,
			filename: clip.fileName || 'voice',
			created_at: new Date(state.now()).toISOString(),
			models: [],
			path: clip.path,
		};
		startCloning(state, voice, ttsModelIds());
		state.voices.add(voice);
		return reply(201, publicVoice(voice));
	});

	router.add('GET', '/v1/voices/:id', ({ req, params }) => {
		requireRestAuth(state, req);
		const voice = state.voices.get(params.id);
		if (!voice) throw notFound.voice();
		return publicVoice(voice);
	});

	router.add('DELETE', '/v1/voices/:id', ({ req, params }) => {
		requireRestAuth(state, req);
		const voice = state.voices.get(params.id);
		if (!voice) throw notFound.voice();
		state.voices.delete(voice.id);
		rmSync(voice.path, { force: true });
		return reply(204);
	});

	router.add('POST', '/v1/voices/:id/recompute', async ({ req, params }) => {
		requireRestAuth(state, req);
		const voice = state.voices.get(params.id);
		if (!voice) throw notFound.voice();
		const body = await readJson(req);
		const model = body.model ?? undefined;
		if (model !== undefined && (typeof model !== 'string' || !ttsModelIds().includes(model))) {
			throw invalid(problem('body.payload.model', 'Invalid model'));
		}
		// Models already ready are left as they are; the rest are (re)computed.
		const pending = (model ? [model] : ttsModelIds()).filter(
			(id) => voice.models.find((entry) => entry.model === id)?.status !== 'ready',
		);
		if (pending.length > 0) startCloning(state, voice, pending);
		return publicVoice(voice);
	});
}
