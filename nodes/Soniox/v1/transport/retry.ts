// When a failed request may be sent again, and how long to wait first.
import { sleep } from 'n8n-workflow';

export interface RetryPolicy {
	maxAttempts: number;
	/** No retry is started once this much time has passed since the first attempt. */
	maxTotalMs: number;
	baseDelayMs: number;
	maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxAttempts: 5,
	maxTotalMs: 90_000,
	baseDelayMs: 500,
	maxDelayMs: 15_000,
};

/**
 * A 429 means Soniox refused the request, so it is safe to send again whatever the method.
 * A 5xx, a reset or a garbled body may come after the server acted: only idempotent
 * requests are repeated then, so a retry never creates a second transcription or file.
 */
export function isRetriable(
	failure: { statusCode?: number; network?: boolean },
	idempotent: boolean,
) {
	if (failure.statusCode === 429) return true;
	if (!idempotent) return false;
	if (failure.network) return true;
	return failure.statusCode !== undefined && [500, 502, 503, 504].includes(failure.statusCode);
}

/** Retry-After as seconds or an HTTP date, in milliseconds from now. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
	if (typeof value !== 'string' || value.trim() === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with jitter, or the server's Retry-After when it gave one. */
export function retryDelayMs(
	attempt: number,
	retryAfterMs: number | undefined,
	policy: RetryPolicy,
) {
	if (retryAfterMs !== undefined) return retryAfterMs;
	const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
	return Math.round(exponential * (0.75 + Math.random() * 0.5));
}

/** A long wait is slept in slices, so that a stopped wait leaves no long timer behind. */
const PAUSE_SLICE_MS = 1000;

/**
 * Waits `ms`, or less when `signal` aborts first (the caller then checks the signal). n8n's
 * `sleep` cannot be interrupted, so each slice races the signal.
 */
export async function pause(ms: number, signal?: AbortSignal) {
	const end = Date.now() + ms;
	for (let left = ms; left > 0 && !signal?.aborted; left = end - Date.now()) {
		await sleepOrAbort(Math.min(left, PAUSE_SLICE_MS), signal);
	}
}

function sleepOrAbort(ms: number, signal?: AbortSignal) {
	return new Promise<void>((resolve) => {
		const done = () => {
			signal?.removeEventListener('abort', done);
			resolve();
		};
		signal?.addEventListener('abort', done, { once: true });
		void sleep(ms).then(done);
	});
}

/**
 * Shared by requests sent together (the slices of one usage-log read): once Soniox refuses
 * one with a 429, none of them is sent again before the wait that refusal asked for.
 */
export class RetryGate {
	private openAt = 0;

	hold(ms: number) {
		this.openAt = Math.max(this.openAt, Date.now() + ms);
	}

	async wait(signal?: AbortSignal) {
		const left = this.openAt - Date.now();
		if (left > 0) await pause(left, signal);
	}
}
