import { randomUUID } from 'node:crypto';
import { createWriteStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { recognizeFile, type RecognizeOptions } from '../audio';
import { ApiError, notFound, rateLimited } from '../errors';
import { intParam, readJson, reply, requireRestAuth, type Router } from '../http';
import { publicTranscription, type Transcription } from '../records';
import type { EmulatorState } from '../state';
import { audioTokensForDuration, textTokensForText } from '../tokens';
import { Checker, URL_PATTERN } from '../validation';

const MAX_PENDING = 100;

function isLoopback(url: URL) {
	const host = url.hostname.replace(/^\[|\]$/g, '');
	return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function fileNameOf(audioUrl: string) {
	const last = new URL(audioUrl).pathname.split('/').filter(Boolean).pop();
	return last ? decodeURIComponent(last) : 'audio';
}

function contextText(context: unknown): string {
	if (typeof context === 'string') return context;
	if (!context || typeof context !== 'object') return '';
	return JSON.stringify(context);
}

function readTranslation(check: Checker, value: unknown): RecognizeOptions['translation'] {
	if (value === undefined || value === null) return undefined;
	const translation = value as Record<string, unknown>;
	if (translation.type === 'one_way' && typeof translation.target_language === 'string') {
		return { type: 'one_way', target_language: translation.target_language };
	}
	if (
		translation.type === 'two_way' &&
		typeof translation.language_a === 'string' &&
		typeof translation.language_b === 'string'
	) {
		return {
			type: 'two_way',
			language_a: translation.language_a,
			language_b: translation.language_b,
		};
	}
	check.fail(
		'translation',
		'translation must be {"type": "one_way", "target_language"} or {"type": "two_way", "language_a", "language_b"}',
	);
	return undefined;
}

/** Fetches an audio_url into the storage folder; only loopback hosts are reachable here. */
async function download(state: EmulatorState, audioUrl: string): Promise<string> {
	const url = new URL(audioUrl);
	if (!isLoopback(url)) {
		throw Object.assign(new Error(`Could not download audio from ${url.host}: host unreachable.`), {
			errorType: 'audio_download_failed',
		});
	}
	const response = await fetch(url);
	if (!response.ok || !response.body) {
		throw Object.assign(
			new Error(`Could not download audio: HTTP ${response.status} from ${url.host}.`),
			{
				errorType: 'audio_download_failed',
			},
		);
	}
	const path = join(state.config.storageDir, `download-${randomUUID()}`);
	await pipeline(Readable.fromWeb(response.body as never), createWriteStream(path));
	return path;
}

async function sendWebhook(transcription: Transcription) {
	if (!transcription.webhook_url) return;
	const headers: Record<string, string> = { 'Content-Type': 'application/json' };
	if (transcription.webhook_auth_header_name && transcription.webhook_auth_header_value) {
		headers[transcription.webhook_auth_header_name] = transcription.webhook_auth_header_value;
	}
	try {
		const response = await fetch(transcription.webhook_url, {
			method: 'POST',
			headers,
			body: JSON.stringify({ id: transcription.id, status: transcription.status }),
		});
		transcription.webhook_status_code = response.status;
		await response.arrayBuffer();
	} catch {
		transcription.webhook_status_code = 0;
	}
}

/** queued → processing (the audio is heard) → completed | error, on the config's timing. */
function runLifecycle(state: EmulatorState, transcription: Transcription) {
	const { transcription: timing } = state.config;
	const fail = (error: unknown) => {
		transcription.status = 'error';
		transcription.error_type = (error as { errorType?: string }).errorType ?? 'invalid_audio';
		transcription.error_message = (error as Error).message;
		void sendWebhook(transcription);
	};
	transcription.internal.timer = state.later(timing.queuedMs, async () => {
		if (!state.transcriptions.get(transcription.id)) return;
		transcription.status = 'processing';
		transcription.internal.startedAt = state.now();
		let downloaded: string | undefined;
		try {
			const path = transcription.audio_url
				? (downloaded = await download(state, transcription.audio_url))
				: (state.files.get(transcription.file_id ?? '')?.path ?? '');
			const heard = await recognizeFile(path, transcription.internal.options);
			transcription.audio_duration_ms = heard.durationMs;
			const processingMs =
				timing.processingBaseMs + (heard.durationMs / 1000) * timing.processingPerAudioSecondMs;
			transcription.internal.timer = state.later(processingMs, () => {
				transcription.status = 'completed';
				transcription.internal.transcript = { text: heard.text, tokens: heard.tokens };
				state.recordUsage({
					requestScope: 'transcribe_async',
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
				void sendWebhook(transcription);
			});
		} catch (error) {
			fail(error);
		} finally {
			if (downloaded) rmSync(downloaded, { force: true });
		}
	});
}

export function registerTranscriptionRoutes(router: Router, state: EmulatorState) {
	router.add('POST', '/v1/transcriptions', async ({ req }) => {
		const auth = requireRestAuth(state, req);
		const body = await readJson(req);
		const check = new Checker(body);
		const model = check.string('model', { required: true, max: 32 });
		if (
			model !== undefined &&
			!state.sttModels().some((entry) => entry.id === model && entry.transcription_mode === 'async')
		) {
			check.fail('model', 'Invalid model');
		}
		const audioUrl = check.string('audio_url', { max: 4096, pattern: URL_PATTERN });
		const fileId = check.string('file_id');
		if ((body.audio_url ?? null) !== null && (body.file_id ?? null) !== null) {
			check.fail('audio_url', 'Provide either audio_url or file_id, not both.');
		}
		if ((body.audio_url ?? null) === null && (body.file_id ?? null) === null) {
			check.fail('audio_url', 'Provide audio_url or file_id.');
		}
		const languageHints = check.stringList('language_hints', { maxItems: 100, maxLength: 10 });
		check.boolean('language_hints_strict');
		const diarization = check.boolean('enable_speaker_diarization') ?? false;
		const identification = check.boolean('enable_language_identification') ?? false;
		const translation = readTranslation(check, body.translation);
		const webhookUrl = check.string('webhook_url', { max: 256, pattern: URL_PATTERN });
		const webhookHeaderName = check.string('webhook_auth_header_name', { max: 256 });
		const webhookHeaderValue = check.string('webhook_auth_header_value', { max: 256 });
		const clientReferenceId = check.clientReferenceId();
		check.done();

		const file = fileId ? state.files.get(fileId) : undefined;
		if (fileId && !file) throw notFound.file();
		const pending = state.transcriptions
			.values()
			.filter((entry) => entry.status === 'queued' || entry.status === 'processing').length;
		if (pending >= MAX_PENDING) {
			throw rateLimited('Pending transcriptions limit has been exceeded for your project.');
		}

		const transcription: Transcription = {
			id: randomUUID(),
			status: 'queued',
			created_at: new Date(state.now()).toISOString(),
			model: model as string,
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
			throw new ApiError(
				409,
				'transcription_invalid_state',
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
		const transcript = transcription.internal.transcript;
		if (transcription.status === 'error') {
			throw new ApiError(
				409,
				'transcription_invalid_state',
				'The transcription failed, so it has no transcript. See `error_type` and `error_message` on the transcription.',
			);
		}
		if (!transcript) {
			throw new ApiError(
				409,
				'transcription_invalid_state',
				'The transcript is not ready yet — transcription is still in progress. Poll GET /transcriptions/{id} until `status` is `completed`, or configure a webhook to be notified.',
			);
		}
		return { id: transcription.id, text: transcript.text, tokens: transcript.tokens };
	});
}
