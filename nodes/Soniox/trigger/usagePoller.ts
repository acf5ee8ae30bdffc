// Exactly-once delivery of usage-log entries across polls, restarts and failed polls.
//
// Soniox publishes an entry some time after its end_time, several entries may share one
// end_time, and n8n's clock may differ from Soniox's. So a poll reads the window
// [watermark − look-back, now + skew) in end_time order, following every cursor, and emits
// the entries whose UUIDs it has not seen. The state (watermark + UUIDs seen) is replaced only
// when the whole poll succeeded: a failed page throws and the next poll covers the same ground.
// The next poll starts at the new watermark − look-back, so UUIDs older than that can never
// come back and are pruned: the state stays as small as one look-back window of entries.
import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import { DAY_MS } from '../v1/helpers/timeRange';
import type { UsageLogEntry } from '../v1/helpers/usageLogEntry';
import { USAGE_LOGS_MAX_AGE_DAYS, streamUsageLogs } from '../v1/transport/usageLogs';

/** Entries stamped up to this far ahead of n8n's clock are still read (clock differences). */
export const CLOCK_SKEW_ALLOWANCE_MS = 5 * 60_000;
/** Stay clear of Soniox's 91-day limit, measured on a clock that may differ. */
const OLDEST_START_MS = (USAGE_LOGS_MAX_AGE_DAYS - 1) * DAY_MS;

export interface PollState {
	/** Epoch ms: the next poll reads from here minus the look-back. */
	watermark: number;
	/** Entries that ended before this (the first activation) are never emitted. */
	since: number;
	/** UUID → end time (epoch ms) of entries already processed inside the look-back window. */
	seen: Record<string, number>;
}

export interface PollSettings {
	now: number;
	lookBackMs: number;
	/** On first activation: how far back to start (0 = from now). */
	backfillMs: number;
}

export function initialState(settings: PollSettings): PollState {
	const start = settings.now - settings.backfillMs;
	return { watermark: start, since: start, seen: {} };
}

export function readState(data: IDataObject): PollState | undefined {
	const state = data.usagePoller as PollState | undefined;
	return state && typeof state.watermark === 'number' ? state : undefined;
}

/** One poll: the new entries in end_time order, and the state to commit once they are out. */
export async function pollNewEntries(
	this: IPollFunctions,
	state: PollState,
	settings: PollSettings,
): Promise<{ entries: UsageLogEntry[]; next: PollState }> {
	const start = Math.max(state.watermark - settings.lookBackMs, settings.now - OLDEST_START_MS);
	const end = settings.now + CLOCK_SKEW_ALLOWANCE_MS;
	const watermark = Math.max(state.watermark, settings.now);
	const keepFrom = watermark - settings.lookBackMs;
	// A Map: a poll may add 100,000 UUIDs, far faster than as keys of a plain object. What the
	// next poll must remember is filled in as pages arrive, while the next one is on its way.
	const seen = new Map(Object.entries(state.seen));
	const pruned: PollState['seen'] = {};
	for (const [uuid, endMs] of seen) if (endMs >= keepFrom) pruned[uuid] = endMs;
	const entries: UsageLogEntry[] = [];
	for await (const page of streamUsageLogs.call(
		this,
		{ start: new Date(start), end: new Date(end) },
		{ sort: 'end_time_asc' },
	)) {
		for (const entry of page) {
			if (seen.has(entry.uuid)) continue;
			const endMs = Date.parse(entry.end_time);
			seen.set(entry.uuid, endMs);
			if (endMs >= keepFrom) pruned[entry.uuid] = endMs;
			if (endMs >= state.since) entries.push(entry);
		}
	}
	return { entries, next: { watermark, since: state.since, seen: pruned } };
}
