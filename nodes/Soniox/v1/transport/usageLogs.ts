import { paginate, type SonioxContext } from './';
import { readConcurrently } from './concurrentPages';
import { RetryGate } from './retry';
import { DAY_MS, splitWindow, toSonioxTime, type TimeWindow } from '../helpers/timeRange';
import type { UsageLogEntry } from '../helpers/usageLogEntry';

/** Soniox answers one usage-log query for at most 31 days ... */
export const USAGE_LOGS_MAX_WINDOW_MS = 31 * DAY_MS;
/** ... starting at most 91 days back. */
export const USAGE_LOGS_MAX_AGE_DAYS = 91;

export type UsageLogSort = 'end_time_asc' | 'end_time_desc';

/** Why Soniox would refuse usage logs for this window, or undefined when it will answer. */
export function usageLogsWindowProblem(window: TimeWindow, now: Date): string | undefined {
	if (window.end <= window.start) {
		return `the end (${toSonioxTime(window.end)}) is not after the start (${toSonioxTime(window.start)})`;
	}
	const oldest = new Date(now.getTime() - USAGE_LOGS_MAX_AGE_DAYS * DAY_MS);
	if (window.start < oldest) {
		return `the start (${toSonioxTime(window.start)}) is more than ${USAGE_LOGS_MAX_AGE_DAYS} days ago; Soniox keeps usage logs for ${USAGE_LOGS_MAX_AGE_DAYS} days, so the earliest possible start is now ${toSonioxTime(oldest)}`;
	}
	return undefined;
}

/** Slices per reader: entries are rarely spread evenly, so a reader that finishes early takes another. */
const SLICES_PER_READER = 4;
/** No slice is shorter than this: an empty slice still costs a request. */
const MIN_SLICE_MS = 60_000;
/** Usage logs read at once, at most (Soniox limits requests per minute). */
export const MAX_USAGE_LOG_CONCURRENCY = 16;

export interface UsageLogReading {
	sort?: UsageLogSort;
	/** Stops after this many entries; read one request at a time. */
	limit?: number;
	/**
	 * Time slices read at once (1 by default: one request at a time). Each slice is a
	 * half-open part of the window with its own cursor, so every entry is in exactly one.
	 */
	concurrency?: number;
	/** Whether pages may come in any order (sums); by default they follow `sort`. */
	unordered?: boolean;
}

/**
 * Yields usage log entries page by page, in the order of `sort` unless `unordered`. The
 * window is read in parts of at most 31 days (Soniox's limit), and with a concurrency above
 * 1 in shorter time slices, several at a time. After a 429 every slice waits as long as Soniox
 * asked (Retry-After) or the backoff says, not only the one refused.
 */
export async function* streamUsageLogs(
	this: SonioxContext,
	window: TimeWindow,
	options: UsageLogReading = {},
): AsyncGenerator<UsageLogEntry[]> {
	const sort = options.sort ?? 'end_time_asc';
	const concurrency = options.limit === undefined ? (options.concurrency ?? 1) : 1;
	const slices = usageLogSlices(window, concurrency);
	if (sort === 'end_time_desc') slices.reverse();
	const retryGate = new RetryGate();
	let remaining = options.limit ?? Infinity;
	const context = this;
	const sources = slices.map((slice) =>
		async function* () {
			if (remaining <= 0) return;
			const qs = { start_time: toSonioxTime(slice.start), end_time: toSonioxTime(slice.end), sort };
			const limit = Number.isFinite(remaining) ? remaining : undefined;
			const pages = paginate.call(context, '/v1/usage-logs', 'usage_logs', qs, limit, 1000, {
				retryGate,
			});
			for await (const page of pages) {
				remaining -= page.length;
				yield page as UsageLogEntry[];
			}
		},
	);
	yield* readConcurrently(sources, { concurrency, ordered: !options.unordered });
}

/**
 * Half-open slices covering the window in order. With concurrency, what lies before now is cut
 * into slices that keep every reader busy (whole seconds, at least a minute each); after now
 * no entry can be but those of a clock ahead of n8n's, so that part is one slice.
 */
export function usageLogSlices(window: TimeWindow, concurrency: number, now = Date.now()) {
	if (concurrency <= 1) return splitWindow(window, USAGE_LOGS_MAX_WINDOW_MS);
	const start = window.start.getTime();
	const dense = Math.min(window.end.getTime(), Math.max(now, start));
	const even = Math.ceil((dense - start) / (concurrency * SLICES_PER_READER) / 1000) * 1000;
	const length = Math.min(USAGE_LOGS_MAX_WINDOW_MS, Math.max(MIN_SLICE_MS, even));
	return [
		...splitWindow({ start: window.start, end: new Date(dense) }, length),
		...splitWindow({ start: new Date(dense), end: window.end }, USAGE_LOGS_MAX_WINDOW_MS),
	];
}
