import { paginate, type SonioxContext } from './';
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

/**
 * Yields usage log entries page by page, in the order of `sort`. A window longer than
 * 31 days is read as consecutive 31-day windows (newest first when sorting newest first),
 * each paged with its own cursor. Stops after `limit` entries when given.
 */
export async function* streamUsageLogs(
	this: SonioxContext,
	window: TimeWindow,
	options: { sort?: UsageLogSort; limit?: number } = {},
): AsyncGenerator<UsageLogEntry[]> {
	const sort = options.sort ?? 'end_time_asc';
	const parts = splitWindow(window, USAGE_LOGS_MAX_WINDOW_MS);
	if (sort === 'end_time_desc') parts.reverse();
	let remaining = options.limit ?? Infinity;
	for (const part of parts) {
		const qs = { start_time: toSonioxTime(part.start), end_time: toSonioxTime(part.end), sort };
		const limit = Number.isFinite(remaining) ? remaining : undefined;
		const pages = paginate.call(this, '/v1/usage-logs', 'usage_logs', qs, limit);
		for await (const page of readingAhead(pages)) {
			remaining -= page.length;
			yield page as UsageLogEntry[];
		}
		if (remaining <= 0) return;
	}
}

/**
 * The pages of `source`, asking for the next one as soon as one arrives, so that Soniox
 * prepares page n + 1 while page n is being processed here. Still one request at a time, and
 * at most two pages in memory.
 */
async function* readingAhead<T>(source: AsyncGenerator<T>): AsyncGenerator<T> {
	let next = source.next();
	try {
		for (;;) {
			const page = await next;
			if (page.done) return;
			next = source.next();
			// Awaited on the next turn; if the reader stops first, its failure must not go unhandled.
			next.catch(() => undefined);
			yield page.value;
		}
	} finally {
		// A reader that stops early waits for the request in flight: none outlives the node.
		await source.return(undefined);
	}
}
