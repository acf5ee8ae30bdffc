import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';

import { ApiError, invalid, notFound, problem } from '../errors';
import { intParam, readJson, reply, requireRestAuth, type Router } from '../http';
import { readMultipart } from '../multipart';
import { publicVoice, type StoredVoice } from '../records';
import type { EmulatorState } from '../state';

const MAX_VOICE_CLIP_BYTES = 10 * 1024 * 1024;
/** Cloning takes a moment: a voice is 'processing', then 'ready' for every TTS model. */
const CLONING_MS = 50;

function startCloning(state: EmulatorState, voice: StoredVoice, models: string[]) {
	voice.models = models.map((model) => ({
		model,
		status: 'processing',
		error_type: null,
		error_message: null,
	}));
	state.later(CLONING_MS, () => {
		for (const entry of voice.models) entry.status = 'ready';
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

	router.add('POST', '/v1/voices', async ({ req }) => {
		requireRestAuth(state, req);
		const { fields, files } = await readMultipart(
			req,
			state.config.storageDir,
			MAX_VOICE_CLIP_BYTES,
		);
		const clip = files.find((file) => file.field === 'file');
		const name = (fields.name ?? '').trim();
		const problems = [];
		if (!clip) problems.push(problem('file.file', 'Field required', 'missing'));
		if (name.length < 1 || name.length > 128) {
			problems.push(
				problem('file.name', 'String should have 1 to 128 characters', 'string_too_long'),
			);
		}
		if (problems.length > 0) {
			files.forEach((file) => rmSync(file.path, { force: true }));
			throw invalid(...problems);
		}
		if (state.voices.values().some((voice) => voice.name === name)) {
			files.forEach((file) => rmSync(file.path, { force: true }));
			throw new ApiError(
				409,
				'conflict',
				`A voice named '${name}' already exists in this project.`,
			);
		}
		const voice: StoredVoice = {
			id: randomUUID(),
			name,
			filename: clip?.fileName || 'voice',
			created_at: new Date(state.now()).toISOString(),
			models: [],
			path: clip?.path ?? '',
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
		const model = typeof body.model === 'string' ? body.model : undefined;
		if (model !== undefined && !ttsModelIds().includes(model)) {
			throw invalid(problem('body.payload.model', 'Invalid model'));
		}
		startCloning(state, voice, model ? [model] : ttsModelIds());
		return publicVoice(voice);
	});
}
