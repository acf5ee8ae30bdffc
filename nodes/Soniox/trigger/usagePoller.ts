// Exactly-once delivery of usage-log entries across polls, restarts and failed polls.
//
// Soniox publishes an entry some time after its end_time, several entries may share one
// end_time, and n8n's clock may differ from Soniox's (or be stepped). So the window is
// anchored on Soniox's own times, never on n8n's clock: the watermark is the end_time of the
// newest entry seen, and a poll reads [watermark − look-back, n8n's now + a day) in end_time
// order, following every cursor, and emits the entries whose UUIDs it has not seen. The state
// (watermark + UUIDs seen) is replaced only when the whole poll succeeded and its output was
// built: a failure throws and the next poll covers the same ground. The next poll starts at
// the new watermark − look-back, so UUIDs older than that can never come back and are pruned:
// the state stays as small as one look-back window of entries.
import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import { DAY_MS, FUTURE_READ_ALLOWANCE_MS } from '../v1/helpers/timeRange';
import {
	endTimeOf,
	MalformedUsageEntryError,
	uuidOf,
	type UsageLogEntry,
} from '../v1/helpers/usageLogEntry';
import { USAGE_LOGS_MAX_AGE_DAYS, streamUsageLogs } from '../v1/transport/usageLogs';

/** Stay clear of Soniox's 91-day limit, measured on a clock that may differ. */
const OLDEST_START_MS = (USAGE_LOGS_MAX_AGE_DAYS - 1) * DAY_MS;

export interface PollState {
	/** Soniox's time, epoch ms: the end time of the newest entry seen (or the start). */
	watermark: number;
	/** Entries that ended before this (the first activation) are never emitted. */
	since: number;
	/** UUID → end time (epoch ms) of entries already processed inside the look-back window. */
	seen: Record<string, number>;
}

export interface PollSettings {
	/** n8n's clock: bounds the window's far end and the 91-day limit, never the watermark. */
	now: number;
	lookBackMs: number;
	/** On first activation: how far back to start (0 = from now). */
	backfillMs: number;
}

export function readState(data: IDataObject): PollState | undefined {
	const state = data.usagePoller as PollState | undefined;
	if (typeof state !== 'object' || state === null) return undefined;
	const valid =
		Number.isFinite(state.watermark) &&
		Number.isFinite(state.since) &&
		typeof state.seen === 'object' &&
		state.seen !== null;
	return valid ? state : undefined;
}

/**
 * The state of a first activation, and whether its first poll only records what exists
 * (nothing is emitted). "From now" is Soniox's now: the newest entry Soniox has, found by one
 * request (three in an account without usage in 91 days). Everything visible at activation
 * is recorded as seen; an entry published later is new, even if it ended a little earlier.
 * Only an account without any usage in 91 days starts at n8n's clock.
 */
export async function firstState(
	this: IPollFunctions,
	settings: PollSettings,
): Promise<{ state: PollState; baseline: boolean }> {
	if (settings.backfillMs > 0) {
		const start = settings.now - settings.backfillMs;
		return { state: { watermark: start, since: start, seen: {} }, baseline: false };
	}
	const window = {
		start: new Date(settings.now - OLDEST_START_MS),
		end: new Date(settings.now + FUTURE_READ_ALLOWANCE_MS),
	};
	let newest: number | undefined;
	for await (const page of streamUsageLogs.call(this, window, {
		sort: 'end_time_desc',
		limit: 1,
	})) {
		if (page.length > 0) {
			newest = endTimeOf(page[0]);
			break;
		}
	}
	if (newest === undefined) {
		// No usage for 91 days, so no entry tells Soniox's time: entries that end from n8n's
		// now on are new, and the window keeps reading from 90 days back until one arrives.
		const start = window.start.getTime();
		return { state: { watermark: start, since: settings.now, seen: {} }, baseline: false };
	}
	const since = newest - settings.lookBackMs;
	return { state: { watermark: newest, since, seen: {} }, baseline: true };
}

/**
 * One poll: the new entries in end_time order, and the state to commit once they are out.
 * `baseline` records the entries without returning them; `onPage` runs as each page arrives.
 */
export async function pollNewEntries(
	this: IPollFunctions,
	state: PollState,
	settings: PollSettings,
	options: { baseline?: boolean; onPage?: () => void; concurrency?: number } = {},
): Promise<{ entries: UsageLogEntry[]; next: PollState }> {
	const start = Math.max(state.watermark - settings.lookBackMs, settings.now - OLDEST_START_MS);
	const end = Math.max(settings.now, state.watermark) + FUTURE_READ_ALLOWANCE_MS;
	// A Map: a poll may add 100,000 UUIDs, far faster than as keys of a plain object.
	const seen = new Map(Object.entries(state.seen));
	let watermark = state.watermark;
	const entries: UsageLogEntry[] = [];
	for await (const page of streamUsageLogs.call(
		this,
		{ start: new Date(start), end: new Date(end) },
		{ sort: 'end_time_asc', concurrency: options.concurrency },
	)) {
		options.onPage?.();
		for (const entry of page) {
			// Without its uuid an entry cannot be told from the next one without a uuid.
			if (typeof entry.uuid !== 'string' || entry.uuid === '') {
				throw new MalformedUsageEntryError(uuidOf(entry), 'uuid', entry.uuid, 'an ID');
			}
			if (seen.has(entry.uuid)) continue;
			const endMs = endTimeOf(entry);
			seen.set(entry.uuid, endMs);
			if (endMs > watermark) watermark = endMs;
			if (!options.baseline && endMs >= state.since) entries.push(entry);
		}
	}
	const keepFrom = watermark - settings.lookBackMs;
	const pruned: PollState['seen'] = {};
	for (const [uuid, endMs] of seen) if (endMs >= keepFrom) pruned[uuid] = endMs;
	return { entries, next: { watermark, since: state.since, seen: pruned } };
}
