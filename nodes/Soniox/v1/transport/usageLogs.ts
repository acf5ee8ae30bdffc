import { listField, nextCursorOf, paginate, sonioxApiRequest, type SonioxContext } from './';
import { readConcurrently } from './concurrentPages';
import { RetryGate } from './retry';
import { DAY_MS, splitWindow, toSonioxTime, type TimeWindow } from '../helpers/timeRange';
import { endTimeOf, type UsageLogEntry } from '../helpers/usageLogEntry';

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
 * window is read in parts of at most 31 days (Soniox's limit), one after the other. With a
 * concurrency above 1 the first page of a part is read alone (a small read stays one
 * request); if there is more, the rest of the part is cut into half-open time slices, read
 * several at a time, each with its own cursor. After a 429 every slice waits as long as Soniox asked (Retry-After) or the
 * backoff says, not only the one refused.
 */
export async function* streamUsageLogs(
	this: SonioxContext,
	window: TimeWindow,
	options: UsageLogReading = {},
): AsyncGenerator<UsageLogEntry[]> {
	const sort = options.sort ?? 'end_time_asc';
	const descending = sort === 'end_time_desc';
	const retryGate = new RetryGate();
	const parts = splitWindow(window, USAGE_LOGS_MAX_WINDOW_MS);
	if (descending) parts.reverse();
	const read = (slice: TimeWindow, limit?: number) =>
		paginate.call(this, USAGE_LOGS_PATH, 'usage_logs', queryOf(slice, sort), limit, 1000, {
			retryGate,
		}) as AsyncGenerator<UsageLogEntry[]>;

	const concurrency = options.limit === undefined ? (options.concurrency ?? 1) : 1;
	if (concurrency <= 1 || parts.length === 0) {
		let remaining = options.limit ?? Infinity;
		const sources = parts.map(
			(part) =>
				async function* () {
					if (remaining <= 0) return;
					for await (const page of read(part, Number.isFinite(remaining) ? remaining : undefined)) {
						remaining -= page.length;
						yield page;
					}
				},
		);
		yield* readConcurrently(sources, { concurrency: 1, ordered: true });
		return;
	}

	for (const part of parts) {
		let first: FirstPage | undefined = await firstPage.call(this, part, sort, retryGate);
		if (first.entries.length > 0) yield first.entries;
		const rest = restOfPart(part, first, descending);
		const { atEdge } = first;
		// The page is the caller's now; kept here, its entries would stay for the whole part.
		first = undefined;
		if (!rest) continue;
		const slices = usageLogSlices(rest, concurrency);
		if (descending) slices.reverse();
		const sources = slices.map(
			(slice, index) =>
				async function* () {
					for await (const page of read(slice)) {
						// Only the slice at the first page's edge can hold entries of that page again.
						yield index === 0 ? page.filter((entry) => !atEdge.has(entry.uuid)) : page;
					}
				},
		);
		yield* readConcurrently(sources, { concurrency, ordered: !options.unordered });
	}
}

const USAGE_LOGS_PATH = '/v1/usage-logs';

function queryOf(slice: TimeWindow, sort: UsageLogSort) {
	return { start_time: toSonioxTime(slice.start), end_time: toSonioxTime(slice.end), sort };
}

interface FirstPage {
	entries: UsageLogEntry[];
	more: boolean;
	/** End time (ms) of the page's last entry, and the entries of that millisecond. */
	edge?: number;
	atEdge: Set<string>;
}

async function firstPage(
	this: SonioxContext,
	part: TimeWindow,
	sort: UsageLogSort,
	retryGate: RetryGate,
): Promise<FirstPage> {
	const page = await sonioxApiRequest.call(this, {
		method: 'GET',
		path: USAGE_LOGS_PATH,
		qs: { ...queryOf(part, sort), limit: 1000 },
		retryGate,
	});
	const entries = listField<UsageLogEntry>(this, page, 'usage_logs', USAGE_LOGS_PATH);
	const more = nextCursorOf(this, page, USAGE_LOGS_PATH) !== undefined;
	const last = entries[entries.length - 1];
	if (!more || !last) return { entries, more, atEdge: new Set() };
	const edge = endTimeOf(last);
	const atEdge = new Set(
		entries.filter((entry) => endTimeOf(entry) === edge).map((entry) => entry.uuid),
	);
	return { entries, more, edge, atEdge };
}

/**
 * What is left of `part` after its first page: from the millisecond of the page's last entry
 * on (the page's entries of that millisecond are dropped when read again); nothing when
 * Soniox said there is no more.
 */
function restOfPart(part: TimeWindow, first: FirstPage, descending: boolean) {
	if (!first.more) return undefined;
	if (first.edge === undefined) return part;
	const rest = descending
		? { start: part.start, end: new Date(Math.min(first.edge + 1, part.end.getTime())) }
		: { start: new Date(Math.max(first.edge, part.start.getTime())), end: part.end };
	return rest.end > rest.start ? rest : undefined;
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
