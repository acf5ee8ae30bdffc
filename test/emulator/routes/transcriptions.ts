// /v1/transcriptions: async jobs from an uploaded file or a loopback audio_url, their
// lifecycle (queued → processing → completed | error on config.transcription timing), the
// transcript, webhooks, and one usage entry per completed job.
import { randomUUID } from 'node:crypto';
import { createWriteStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { recognizeFile, type RecognizeOptions } from '../audio';
import type { SttModel } from '../context';
import { conflict, notFound } from '../errors';
import { intParam, readJson, reply, requireRestAuth, type Router } from '../http';
import { enforceQuota } from '../quotas';
import { publicTranscription, type Transcription } from '../records';
import type { EmulatorState } from '../state';
import { audioTokensForDuration, textTokensForText } from '../tokens';
import { Checker, URL_PATTERN } from '../validation';

/** Soniox transcribes files of at most 300 minutes. */
const MAX_AUDIO_MS = 300 * 60 * 1000;
/** Not in the OpenAPI (no maxLength); the create-transcription docs page gives 20000. */
const MAX_LEGACY_CONTEXT_CHARS = 20_000;
/** Webhook delivery: first try at once, then retries after these delays (2xx ends it). */
const WEBHOOK_RETRY_DELAYS_MS = [200, 1000];
const WEBHOOK_TIMEOUT_MS = 10_000;

/** Job failures, as `error_type` on a transcription (Soniox's list is not public). */
class JobFailure extends Error {
	constructor(
		readonly errorType: string,
		message: string,
	) {
		super(message);
	}
}

export function isLoopback(url: URL) {
	const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
	return (
		host === 'localhost' ||
		host.endsWith('.localhost') ||
		host === '::1' ||
		/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
	);
}

function fileNameOf(audioUrl: string) {
	const last = new URL(audioUrl).pathname.split('/').filter(Boolean).pop();
	if (!last) return 'audio';
	try {
		return decodeURIComponent(last);
	} catch {
		return last;
	}
}

/** The text a context adds to the request, billed as input text tokens. */
function contextText(context: unknown): string {
	if (typeof context === 'string') return context;
	if (!context || typeof context !== 'object') return '';
	const { general, text, terms, translation_terms } = context as Record<string, unknown>;
	const parts: string[] = [];
	if (Array.isArray(general))
		for (const item of general as Array<Record<string, string>>)
			parts.push(`${item.key}: ${item.value}`);
	if (typeof text === 'string') parts.push(text);
	if (Array.isArray(terms)) parts.push(...(terms as string[]));
	if (Array.isArray(translation_terms))
		for (const item of translation_terms as Array<Record<string, string>>)
			parts.push(`${item.source} ${item.target}`);
	return parts.join('\n');
}

const isString = (value: unknown): value is string => typeof value === 'string';

/** Structured context (general/text/terms/translation_terms) or the legacy free-text string. */
function checkContext(check: Checker, context: unknown) {
	if (context === undefined || context === null) return;
	if (typeof context === 'string') {
		if (context.length > MAX_LEGACY_CONTEXT_CHARS)
			check.fail(
				'context',
				`String should have at most ${MAX_LEGACY_CONTEXT_CHARS} characters`,
				'string_too_long',
			);
		return;
	}
	if (typeof context !== 'object' || Array.isArray(context)) {
		check.fail('context', 'Input should be a valid dictionary or string', 'model_type');
		return;
	}
	const { general, text, terms, translation_terms, ...unknown } = context as Record<
		string,
		unknown
	>;
	for (const name of Object.keys(unknown))
		check.fail(`context.${name}`, 'Extra inputs are not permitted', 'extra_forbidden');
	const pairsOf = (value: unknown, name: string, keys: [string, string]) => {
		if (value === undefined || value === null) return;
		const ok =
			Array.isArray(value) &&
			value.every(
				(item) =>
					item &&
					typeof item === 'object' &&
					isString((item as Record<string, unknown>)[keys[0]]) &&
					isString((item as Record<string, unknown>)[keys[1]]),
			);
		if (!ok)
			check.fail(
				`context.${name}`,
				`Input should be a list of {"${keys[0]}", "${keys[1]}"} objects of strings`,
				'list_type',
			);
	};
	pairsOf(general, 'general', ['key', 'value']);
	pairsOf(translation_terms, 'translation_terms', ['source', 'target']);
	if (text !== undefined && text !== null && !isString(text))
		check.fail('context.text', 'Input should be a valid string', 'string_type');
	if (terms !== undefined && terms !== null && !(Array.isArray(terms) && terms.every(isString)))
		check.fail('context.terms', 'Input should be a valid list of strings', 'list_type');
}

function readTranslation(
	check: Checker,
	value: unknown,
	model: SttModel | undefined,
): RecognizeOptions['translation'] {
	if (value === undefined || value === null) return undefined;
	const translation = value as Record<string, unknown>;
	const known = (code: unknown) =>
		!model || model.languages.some((language) => language.code === code);
	const language = (field: string) => {
		const code = translation[field];
		if (!isString(code)) {
			check.fail(`translation.${field}`, 'Field required', 'missing');
			return undefined;
		}
		if (!known(code)) {
			check.fail(
				`translation.${field}`,
				`Unsupported language '${code}' for model '${model?.id}'.`,
			);
			return undefined;
		}
		return code;
	};
	if (typeof value !== 'object' || Array.isArray(value)) {
		check.fail('translation', 'Input should be a valid dictionary', 'model_type');
		return undefined;
	}
	if (translation.type === 'one_way') {
		const target = language('target_language');
		return target ? { type: 'one_way', target_language: target } : undefined;
	}
	if (translation.type === 'two_way') {
		const a = language('language_a');
		const b = language('language_b');
		if (a && b && a === b)
			check.fail('translation.language_b', 'language_a and language_b must differ.');
		return a && b && a !== b ? { type: 'two_way', language_a: a, language_b: b } : undefined;
	}
	check.fail('translation.type', "Input should be 'one_way' or 'two_way'", 'enum');
	return undefined;
}

/** Fetches an audio_url into the storage folder; only loopback hosts are reachable here. */
async function download(state: EmulatorState, audioUrl: string): Promise<string> {
	const url = new URL(audioUrl);
	if (!isLoopback(url)) {
		throw new JobFailure(
			'audio_download_failed',
			`Could not download audio from ${url.host}: the host could not be reached.`,
		);
	}
	let response: Response;
	try {
		response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(30_000) });
	} catch (error) {
		throw new JobFailure(
			'audio_download_failed',
			`Could not download audio from ${url.host}: ${(error as Error).message}.`,
		);
	}
	if (!response.ok || !response.body) {
		await response.body?.cancel();
		throw new JobFailure(
			'audio_download_failed',
			`Could not download audio: HTTP ${response.status} from ${url.host}.`,
		);
	}
	const path = join(state.config.storageDir, `download-${randomUUID()}`);
	try {
		await pipeline(Readable.fromWeb(response.body as never), createWriteStream(path));
	} catch (error) {
		rmSync(path, { force: true });
		throw new JobFailure(
			'audio_download_failed',
			`Could not download audio from ${url.host}: ${(error as Error).message}.`,
		);
	}
	return path;
}

/**
 * POSTs {id, status} to the webhook with its auth header; retries a failed delivery a few
 * times. A host that is not loopback is never called (the emulator stays off the network)
 * and webhook_status_code stays null.
 */
function deliverWebhook(state: EmulatorState, transcription: Transcription, attempt = 0) {
	if (!transcription.webhook_url) return;
	const url = new URL(transcription.webhook_url);
	if (!isLoopback(url)) return;
	const generation = state.generation;
	const headers: Record<string, string> = { 'Content-Type': 'application/json' };
	if (transcription.webhook_auth_header_name && transcription.webhook_auth_header_value) {
		headers[transcription.webhook_auth_header_name] = transcription.webhook_auth_header_value;
	}
	const payload = JSON.stringify({ id: transcription.id, status: transcription.status });
	void (async () => {
		let status = 0;
		try {
			const response = await fetch(url, {
				method: 'POST',
				headers,
				body: payload,
				redirect: 'manual',
				signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
			});
			status = response.status;
			await response.arrayBuffer().catch(() => undefined);
		} catch {
			status = 0;
		}
		if (state.generation !== generation) return;
		transcription.webhook_status_code = status === 0 ? null : status;
		const delay = WEBHOOK_RETRY_DELAYS_MS[attempt];
		if ((status < 200 || status > 299) && delay !== undefined) {
			state.later(delay, () => deliverWebhook(state, transcription, attempt + 1));
		}
	})();
}

/** queued → processing (the audio is heard) → completed | error, on the config's timing. */
function runLifecycle(state: EmulatorState, transcription: Transcription) {
	const { transcription: timing } = state.config;
	const generation = state.generation;
	const alive = () =>
		state.generation === generation && state.transcriptions.get(transcription.id) === transcription;
	const fail = (error: unknown) => {
		transcription.status = 'error';
		const gone = (error as NodeJS.ErrnoException).code === 'ENOENT';
		transcription.error_type =
			error instanceof JobFailure ? error.errorType : gone ? 'file_not_found' : 'invalid_audio';
		transcription.error_message = gone
			? 'The file was deleted before it was transcribed.'
			: (error as Error).message;
		deliverWebhook(state, transcription);
	};
	transcription.internal.timer = state.later(timing.queuedMs, async () => {
		if (!alive()) return;
		transcription.status = 'processing';
		transcription.internal.startedAt = state.now();
		let downloaded: string | undefined;
		try {
			let path: string;
			if (transcription.audio_url) {
				path = downloaded = await download(state, transcription.audio_url);
			} else {
				const file = state.files.get(transcription.file_id ?? '');
				if (!file)
					throw new JobFailure('file_not_found', 'The file was deleted before it was transcribed.');
				path = file.path;
			}
			const heard = await recognizeFile(path, transcription.internal.options);
			if (!alive()) return;
			if (heard.durationMs > MAX_AUDIO_MS) {
				throw new JobFailure(
					'audio_too_long',
					`The audio is ${Math.round(heard.durationMs / 60_000)} minutes long; the limit is 300 minutes.`,
				);
			}
			transcription.audio_duration_ms = heard.durationMs;
			const processingMs =
				timing.processingBaseMs + (heard.durationMs / 1000) * timing.processingPerAudioSecondMs;
			transcription.internal.timer = state.later(processingMs, () => {
				if (!alive()) return;
				transcription.status = 'completed';
				transcription.internal.transcript = { text: heard.text, tokens: heard.tokens };
				state.recordUsage({
					kind: 'transcribe_async',
					model: transcription.model,
					startTime: transcription.internal.startedAt ?? state.now(),
					endTime: state.now(),
					clientReferenceId: transcription.internal.loggedClientReferenceId,
					inputTextTokens: transcription.internal.contextTextTokens,
					inputAudioTokens: audioTokensForDuration(heard.durationMs),
					inputAudioDurationMs: heard.durationMs,
					outputTextTokens: heard.tokens.length,
					outputAudioTokens: 0,
					outputAudioDurationMs: 0,
				});
				deliverWebhook(state, transcription);
			});
		} catch (error) {
			if (alive()) fail(error);
		} finally {
			if (downloaded) rmSync(downloaded, { force: true });
		}
	});
}

const INVALID_STATE = 'transcription_invalid_state';

export function registerTranscriptionRoutes(router: Router, state: EmulatorState) {
	router.add('POST', '/v1/transcriptions', async ({ req }) => {
		const auth = requireRestAuth(state, req);
		const body = await readJson(req);
		const check = new Checker(body);
		const modelId = check.string('model', { required: true, max: 32 });
		const model = state
			.sttModels()
			.find((entry) => entry.id === modelId && entry.transcription_mode === 'async');
		if (modelId !== undefined && !model) check.fail('model', 'Invalid model');
		const audioUrl = check.string('audio_url', { max: 4096, pattern: URL_PATTERN });
		const fileId = check.string('file_id');
		const hasUrl = (body.audio_url ?? null) !== null;
		const hasFile = (body.file_id ?? null) !== null;
		if (hasUrl && hasFile)
			check.fail('audio_url', 'Provide either audio_url or file_id, not both.');
		if (!hasUrl && !hasFile) check.fail('audio_url', 'Provide audio_url or file_id.');
		const languageHints = check.stringList('language_hints', { maxItems: 100, maxLength: 10 });
		const strict = check.boolean('language_hints_strict');
		if (strict && model && !model.supports_language_hints_strict)
			check.fail('language_hints_strict', `Model '${model.id}' does not support strict hints.`);
		const diarization = check.boolean('enable_speaker_diarization') ?? false;
		const identification = check.boolean('enable_language_identification') ?? false;
		const translation = readTranslation(check, body.translation, model);
		checkContext(check, body.context);
		const webhookUrl = check.string('webhook_url', { max: 256, pattern: URL_PATTERN });
		const webhookHeaderName = check.string('webhook_auth_header_name', { max: 256 });
		const webhookHeaderValue = check.string('webhook_auth_header_value', { max: 256 });
		const clientReferenceId = check.clientReferenceId();
		const file = fileId ? state.files.get(fileId) : undefined;
		// The spec documents no 404 here: an unknown file is an invalid audio source (400).
		if (fileId && !file) check.fail('file_id', 'No file with this ID exists in your project.');
		check.done();
		const all = state.transcriptions.values();
		const pending = all.filter(
			(entry) => entry.status === 'queued' || entry.status === 'processing',
		).length;
		enforceQuota(state.config, 'pendingTranscriptions', pending + 1);
		enforceQuota(state.config, 'transcriptions', all.length + 1);

		const transcription: Transcription = {
			id: randomUUID(),
			status: 'queued',
			created_at: new Date(state.now()).toISOString(),
			model: modelId as string,
			audio_url: audioUrl ?? null,
			file_id: fileId ?? null,
			filename: file?.filename ?? fileNameOf(audioUrl as string),
			language_hints: languageHints ?? null,
			enable_speaker_diarization: diarization,
			enable_language_identification: identification,
			audio_duration_ms: null,
			error_type: null,
			error_message: null,
			webhook_url: webhookUrl ?? null,
			webhook_auth_header_name: webhookHeaderName ?? null,
			webhook_auth_header_value: webhookHeaderValue ?? null,
			webhook_status_code: null,
			client_reference_id: clientReferenceId,
			context: body.context ?? null,
			internal: {
				options: {
					enableSpeakerDiarization: diarization,
					enableLanguageIdentification: identification,
					languageHints: languageHints ?? undefined,
					translation,
				},
				loggedClientReferenceId: auth.clientReferenceId(clientReferenceId),
				contextTextTokens: textTokensForText(contextText(body.context)),
			},
		};
		state.transcriptions.add(transcription);
		runLifecycle(state, transcription);
		return reply(201, publicTranscription(transcription));
	});

	router.add('GET', '/v1/transcriptions', ({ req, query }) => {
		requireRestAuth(state, req);
		const page = state.transcriptions.page(
			intParam(query, 'limit', 1, 1000, 1000),
			query.get('cursor'),
		);
		return {
			transcriptions: page.items.map(publicTranscription),
			next_page_cursor: page.nextCursor,
		};
	});

	router.add('GET', '/v1/transcriptions/count', ({ req }) => {
		requireRestAuth(state, req);
		const total = state.transcriptions.size;
		return { total, public_api: total, playground: 0 };
	});

	router.add('GET', '/v1/transcriptions/:id', ({ req, params }) => {
		requireRestAuth(state, req);
		const transcription = state.transcriptions.get(params.id);
		if (!transcription) throw notFound.transcription();
		return publicTranscription(transcription);
	});

	router.add('DELETE', '/v1/transcriptions/:id', ({ req, params }) => {
		requireRestAuth(state, req);
		const transcription = state.transcriptions.get(params.id);
		if (!transcription) throw notFound.transcription();
		if (transcription.status === 'processing') {
			throw conflict(
				INVALID_STATE,
				'This transcription is currently being processed and cannot be deleted yet. Wait until `status` reaches `completed` or `error`, then retry the delete.',
			);
		}
		state.cancel(transcription.internal.timer);
		state.transcriptions.delete(transcription.id);
		return reply(204);
	});

	router.add('GET', '/v1/transcriptions/:id/transcript', ({ req, params }) => {
		requireRestAuth(state, req);
		const transcription = state.transcriptions.get(params.id);
		if (!transcription) throw notFound.transcription();
		if (transcription.status === 'error') {
			throw conflict(
				INVALID_STATE,
				'The transcription failed, so it has no transcript. See `error_type` and `error_message` on the transcription.',
			);
		}
		const transcript = transcription.internal.transcript;
		if (!transcript) {
			throw conflict(
				INVALID_STATE,
				'The transcript is not ready yet — transcription is still in progress. Poll GET /transcriptions/{id} until `status` is `completed`, or configure a webhook to be notified.',
			);
		}
		return { id: transcription.id, text: transcript.text, tokens: transcript.tokens };
	});
}
