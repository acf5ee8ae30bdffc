// Real-time slots (open STT sessions; open TTS streams plus active POST /tts requests) and
// their history for GET /v1/concurrent-streams-history. History is sampled once a second
// while at least one stream is open: a sample is the number of streams open in that second.
export type StreamKind = 'transcribe' | 'tts';

interface OpenInterval {
	startMs: number;
	endMs?: number;
}

export interface HistoryEntry {
	period_start: string;
	period_sec: number;
	sample_min: number;
	sample_max: number;
	sample_sum: number;
	sample_count: number;
	total_count: number;
}

/** Intervals kept per kind; the oldest are forgotten beyond this. */
const MAX_INTERVALS = 100_000;

/** Sub-periods of a non-idle period, as Soniox reports total_count (1, 60 or 24). */
const SUB_PERIODS: Record<number, number> = { 60: 1, 3600: 60, 86400: 24 };

/** The periods whose start lies in [startMs, endMs): history filters on period_start. */
export function periodsIn(startMs: number, endMs: number, periodSec: number) {
	const periodMs = periodSec * 1000;
	const first = Math.ceil(startMs / periodMs) * periodMs;
	return { first, periodMs, count: Math.max(0, Math.ceil((endMs - first) / periodMs)) };
}

export class StreamSlots {
	private readonly open: Record<StreamKind, number> = { transcribe: 0, tts: 0 };

	private readonly intervals: Record<StreamKind, OpenInterval[]> = { transcribe: [], tts: [] };

	constructor(
		private readonly limit: (kind: StreamKind) => number,
		private readonly now: () => number,
	) {}

	inUse(kind: StreamKind) {
		return this.open[kind];
	}

	/** Claims a slot; undefined when the cap is reached. The release is idempotent. */
	acquire(kind: StreamKind): (() => void) | undefined {
		if (this.open[kind] >= this.limit(kind)) return undefined;
		this.open[kind]++;
		const interval: OpenInterval = { startMs: this.now() };
		const intervals = this.intervals[kind];
		intervals.push(interval);
		if (intervals.length > MAX_INTERVALS) intervals.splice(0, intervals.length - MAX_INTERVALS);
		let released = false;
		return () => {
			if (released) return;
			released = true;
			this.open[kind]--;
			interval.endMs = this.now();
		};
	}

	forgetHistory() {
		this.intervals.transcribe = this.intervals.transcribe.filter(
			(entry) => entry.endMs === undefined,
		);
		this.intervals.tts = this.intervals.tts.filter((entry) => entry.endMs === undefined);
	}

	/** Every period of `periodSec` starting in [startMs, endMs), oldest first, idle ones too. */
	history(kind: StreamKind, startMs: number, endMs: number, periodSec: number): HistoryEntry[] {
		const { first, periodMs, count } = periodsIn(startMs, endMs, periodSec);
		const perSecond = new Map<number, number>();
		const now = this.now();
		for (const interval of this.intervals[kind]) {
			const from = Math.max(interval.startMs, first);
			const to = Math.min(interval.endMs ?? now, first + count * periodMs);
			for (let second = Math.floor(from / 1000); second * 1000 < to; second++) {
				perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
			}
		}
		const entries = Array.from({ length: count }, (_, index) => ({
			period_start: new Date(first + index * periodMs).toISOString(),
			period_sec: periodSec,
			sample_min: 0,
			sample_max: 0,
			sample_sum: 0,
			sample_count: 0,
			total_count: 0,
		}));
		for (const [second, value] of perSecond) {
			const entry = entries[Math.floor((second * 1000 - first) / periodMs)];
			if (!entry) continue;
			entry.sample_max = Math.max(entry.sample_max, value);
			entry.sample_sum += value;
			entry.sample_count++;
			entry.total_count = SUB_PERIODS[periodSec] ?? 1;
		}
		return entries;
	}
}
