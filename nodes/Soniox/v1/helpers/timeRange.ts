// Time ranges for usage queries, all in UTC. `now` is a parameter so presets can be tested
// against a fixed clock.

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export type TimeRangePreset =
	| 'lastHour'
	| 'last24Hours'
	| 'today'
	| 'yesterday'
	| 'last7Days'
	| 'last30Days'
	| 'thisMonth'
	| 'lastMonth'
	| 'custom';

/** From `start` (inclusive) to `end` (exclusive). */
export interface TimeWindow {
	start: Date;
	end: Date;
}

function startOfUtcDay(time: Date): number {
	return Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate());
}

function startOfUtcMonth(time: Date, monthsBack = 0): number {
	return Date.UTC(time.getUTCFullYear(), time.getUTCMonth() - monthsBack, 1);
}

/** The window of a preset at the moment `now`. Presets that include the present end at `now`. */
export function presetWindow(preset: Exclude<TimeRangePreset, 'custom'>, now: Date): TimeWindow {
	const at = (ms: number) => new Date(ms);
	const nowMs = now.getTime();
	switch (preset) {
		case 'lastHour':
			return { start: at(nowMs - HOUR_MS), end: now };
		case 'last24Hours':
			return { start: at(nowMs - DAY_MS), end: now };
		case 'today':
			return { start: at(startOfUtcDay(now)), end: now };
		case 'yesterday':
			return { start: at(startOfUtcDay(now) - DAY_MS), end: at(startOfUtcDay(now)) };
		case 'last7Days':
			return { start: at(nowMs - 7 * DAY_MS), end: now };
		case 'last30Days':
			return { start: at(nowMs - 30 * DAY_MS), end: now };
		case 'thisMonth':
			return { start: at(startOfUtcMonth(now)), end: now };
		case 'lastMonth':
			return { start: at(startOfUtcMonth(now, 1)), end: at(startOfUtcMonth(now)) };
	}
}

// ISO 8601: a date, optionally a time, optionally a zone. Date.parse alone also takes
// "hello 2026" and rolls February 30 over to March 2.
const ISO_TIME =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d\d:?\d\d)?)?$/i;

/**
 * Reads a time given as ISO text, epoch milliseconds, a Date or a Luxon DateTime (what n8n
 * expressions such as {{ $now }} produce). Text without a time zone is read as UTC.
 */
export function parseUtcTime(value: unknown): Date | undefined {
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
	if (typeof value === 'number') return Number.isFinite(value) ? new Date(value) : undefined;
	const toISO = (value as { toISO?: () => string } | null)?.toISO;
	if (typeof toISO === 'function') return parseUtcTime(toISO.call(value));
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	const parts = ISO_TIME.exec(text);
	if (!parts) return undefined;
	const [, year, month, day, zone] = parts;
	const calendarDay = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
	if (calendarDay.getUTCMonth() !== Number(month) - 1 || calendarDay.getUTCDate() !== Number(day))
		return undefined;
	const withTime = text.length > 10 ? text : `${text}T00:00:00`;
	const ms = Date.parse(zone ? withTime : `${withTime}Z`);
	return Number.isNaN(ms) ? undefined : new Date(ms);
}

/** No usage exists before this; a usage time earlier than this is a mistake (epoch seconds?). */
export const EARLIEST_USAGE_TIME_MS = Date.UTC(2000, 0, 1);
/** An End may lie ahead (the 1st of next month), but not further than this. */
export const MAX_FUTURE_MS = 366 * DAY_MS;
/** Entries are never stamped further ahead of n8n's clock than this (clock differences). */
export const FUTURE_READ_ALLOWANCE_MS = DAY_MS;

/**
 * Why a time read from a usage operation's Start or End cannot be meant, or undefined when it
 * is a plausible usage time. A number is epoch milliseconds; one that only fits as seconds,
 * microseconds or nanoseconds says so, because each would read years of empty windows (or
 * none at all) without a word.
 */
export function usageTimeProblem(time: Date, raw: unknown, now: Date): string | undefined {
	const latest = now.getTime() + MAX_FUTURE_MS;
	const fits = (ms: number) => Number.isFinite(ms) && ms >= EARLIEST_USAGE_TIME_MS && ms <= latest;
	if (fits(time.getTime())) return undefined;
	let unit = '';
	if (typeof raw === 'number') {
		if (fits(raw / 1_000)) unit = ' It looks like epoch microseconds: divide it by 1,000.';
		else if (fits(raw / 1_000_000))
			unit = ' It looks like epoch nanoseconds: divide it by 1,000,000.';
		else if (fits(raw * 1_000)) unit = ' It looks like epoch seconds: multiply it by 1,000.';
	}
	const valid = Number.isFinite(time.getTime());
	const at = valid ? `is ${toSonioxTime(time)}` : 'is beyond any calendar date';
	return `${at}, outside the times Soniox can have usage for (from ${toSonioxTime(new Date(EARLIEST_USAGE_TIME_MS))} to one year from now).${unit}`;
}

/** The part of a window that can hold usage entries: nothing ends after now (plus skew). */
export function readableWindow(window: TimeWindow, now: Date): TimeWindow {
	const latest = now.getTime() + FUTURE_READ_ALLOWANCE_MS;
	if (window.end.getTime() <= latest) return window;
	return { start: window.start, end: new Date(Math.max(latest, window.start.getTime())) };
}

/** Consecutive sub-windows of at most `maxMs` each, covering `window` in ascending order. */
export function splitWindow(window: TimeWindow, maxMs: number): TimeWindow[] {
	const parts: TimeWindow[] = [];
	for (let start = window.start.getTime(); start < window.end.getTime(); start += maxMs) {
		parts.push({
			start: new Date(start),
			end: new Date(Math.min(start + maxMs, window.end.getTime())),
		});
	}
	return parts;
}

/** How many UTC calendar days the window touches (an end at midnight excludes that day). */
export function utcDaysTouched(window: TimeWindow): number {
	if (window.end <= window.start) return 0;
	const first = Math.floor(window.start.getTime() / DAY_MS);
	const last = Math.floor((window.end.getTime() - 1) / DAY_MS);
	return last - first + 1;
}

/** ISO-8601 UTC as Soniox expects it, without milliseconds when they are zero. */
export function toSonioxTime(time: Date): string {
	return time.toISOString().replace('.000Z', 'Z');
}

/** The UTC calendar month of an instant, as Soniox names months: YYYY-MM. */
export const utcMonthOf = (time: Date) => time.toISOString().slice(0, 7);
