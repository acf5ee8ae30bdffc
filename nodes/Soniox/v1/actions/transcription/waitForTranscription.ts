import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { executionCancelSignal, sonioxApiRequest, throwIfCancelled } from '../../transport';
import { pause } from '../../transport/retry';
import { processingForecast } from '../../helpers/processingForecast';

/**
 * Without a forecast: first check soon, then back off to a ceiling. With one: sleep most of the
 * time left (`approach`), check every `nearMs` around the forecast end, and back off in
 * proportion to any overrun. The ceiling bounds what a wrong forecast costs.
 */
export const POLL_SCHEDULE = {
	firstMs: 150,
	factor: 1.5,
	ceilingMs: 5000,
	nearMs: 300,
	approach: 0.85,
	overrun: 0.25,
};

/** Longer than any audio Soniox accepts: such a duration is garbage, not a sample to learn. */
const MAX_PLAUSIBLE_AUDIO_MS = 7 * 24 * 3600_000;

/** The job's audio duration, or 0 when unknown or implausible. */
function audioDurationMs(transcription: IDataObject) {
	const audioMs = Number(transcription.audio_duration_ms);
	return audioMs > 0 && audioMs <= MAX_PLAUSIBLE_AUDIO_MS ? audioMs : 0;
}

/**
 * One wait's view of a job. Soniox reports audio_duration_ms once processing begins, so from
 * then on the job's end can be forecast; until then (or for a model not seen yet) it backs off.
 */
class JobWatch {
	private lastQueuedAt: number;
	private lastCheckAt: number;
	private processingSince?: number;
	private startUncertainty = 0;
	private forecastEnd?: number;
	private backoffMs = POLL_SCHEDULE.firstMs;

	constructor(startedAt: number) {
		this.lastQueuedAt = this.lastCheckAt = startedAt;
	}

	/** Takes a check's answer and returns how long to wait before the next check. */
	nextDelayMs(transcription: IDataObject, at: number): number {
		if (transcription.status === 'queued') this.lastQueuedAt = at;
		else if (this.processingSince === undefined) {
			this.processingSince = (this.lastQueuedAt + at) / 2;
			this.startUncertainty = (at - this.lastQueuedAt) / 2;
		}
		const audioMs = audioDurationMs(transcription);
		if (this.forecastEnd === undefined && this.processingSince !== undefined && audioMs > 0) {
			const forecast = processingForecast.forecastMs(String(transcription.model), audioMs);
			if (forecast !== undefined) this.forecastEnd = this.processingSince + forecast;
		}
		this.lastCheckAt = at;
		const { ceilingMs, nearMs, approach, overrun, factor } = POLL_SCHEDULE;
		if (this.forecastEnd === undefined) {
			this.backoffMs = Math.min(ceilingMs, this.backoffMs * factor);
			return this.backoffMs;
		}
		const left = this.forecastEnd - at;
		const delayMs = Math.min(
			ceilingMs,
			Math.max(nearMs, left > 0 ? left * approach : -left * overrun),
		);
		// An absurd audio_duration_ms (1e308) makes the forecast NaN: never check without pause.
		return Number.isFinite(delayMs) ? delayMs : ceilingMs;
	}

	/** Teaches the forecast how long this job took, once it has completed. */
	learn(transcription: IDataObject, at: number) {
		const audioMs = audioDurationMs(transcription);
		if (this.processingSince === undefined || audioMs <= 0) return;
		const uncertainty = Math.max(1, this.startUncertainty + (at - this.lastCheckAt) / 2);
		processingForecast.remember(String(transcription.model), {
			audioMs,
			processingMs: (this.lastCheckAt + at) / 2 - this.processingSince,
			weight: 1 / uncertainty ** 2,
		});
	}
}

/**
 * Polls a transcription until it completes. Fails with the transcription's own error when it
 * ends in status "error", and with a clear timeout error (naming the ID) when it takes too long.
 * Stopping the execution ends the wait at once; the job itself goes on at Soniox.
 */
/** Soniox finished the transcription with an error (not a timeout or a Stop). */
export class TranscriptionFailedError extends NodeOperationError {}

export const TRANSCRIPTION_FAILED_HINT =
	'Check that the audio is reachable and in a supported format.';

/** What Soniox says about a transcription that ended in status "error". */
export function transcriptionFailure(id: string, transcription: IDataObject): string {
	return `Transcription ${id} failed: ${String(transcription.error_type ?? 'error')}: ${String(transcription.error_message ?? 'no details')}`;
}

export async function waitForTranscription(
	this: IExecuteFunctions,
	id: string,
	timeoutMs: number,
	itemIndex: number,
): Promise<IDataObject> {
	const deadline = Date.now() + timeoutMs;
	const watch = new JobWatch(Date.now());
	const cancel = executionCancelSignal(this);
	const waiting = `waiting for transcription ${id} (it goes on at Soniox)`;
	let delayMs = POLL_SCHEDULE.firstMs;
	for (;;) {
		await pause(Math.min(delayMs, Math.max(0, deadline - Date.now())), cancel);
		throwIfCancelled(this, cancel, waiting);
		const transcription = await sonioxApiRequest
			.call(this, { method: 'GET', path: `/v1/transcriptions/${encodeURIComponent(id)}` })
			.catch((error: unknown) => {
				// Stopped during a check: the same error as when stopped between checks.
				throwIfCancelled(this, cancel, waiting);
				throw error;
			});
		if (transcription.status === 'completed') {
			watch.learn(transcription, Date.now());
			return transcription;
		}
		if (transcription.status === 'error') {
			throw new TranscriptionFailedError(this.getNode(), transcriptionFailure(id, transcription), {
				itemIndex,
				description: TRANSCRIPTION_FAILED_HINT,
			});
		}
		if (Date.now() >= deadline) {
			throw new NodeOperationError(
				this.getNode(),
				`Transcription ${id} did not finish within ${Math.round(timeoutMs / 1000)} seconds`,
				{
					itemIndex,
					description: `It may still complete: fetch it later with Transcription → Get Transcript and ID ${id}, or raise "Wait Timeout".`,
				},
			);
		}
		delayMs = watch.nextDelayMs(transcription, Date.now());
	}
}
