// Usage data for the end-to-end suites: UTC day and month boundaries, and exact sums of
// Soniox's 10-decimal cost strings, computed independently of the node's own decimal code.
import type { Emulator } from '../emulator';

export type LedgerEntry = ReturnType<Emulator['ledger']>[number];

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const utcMidnight = (ms: number) => Math.floor(ms / DAY) * DAY;

/** 00:00 UTC on the 1st of the month `monthsBack` months before the month of `ms`. */
export function utcMonthStart(ms: number, monthsBack = 0): number {
	const date = new Date(ms);
	return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - monthsBack, 1);
}

function toUnits(value: string): bigint {
	const negative = value.startsWith('-');
	const [whole, fraction = ''] = value.replace('-', '').split('.');
	const units = BigInt(whole + fraction.padEnd(10, '0').slice(0, 10));
	return negative ? -units : units;
}

function fromUnits(units: bigint, decimals = 10): string {
	const digits = units.toString().padStart(11, '0');
	const text = `${digits.slice(0, -10)}.${digits.slice(-10)}`;
	return decimals === 10 ? text : text.slice(0, text.length - (10 - decimals));
}

/** Exact sum of decimal strings, with 10 decimals. */
export function exactSum(values: string[]): string {
	return fromUnits(values.reduce((sum, value) => sum + toUnits(value), 0n));
}

/** value × factor, rounded half up to `decimals` (values are non-negative here). */
export function exactTimes(value: string, factor: string, decimals: number): string {
	const product = toUnits(value) * toUnits(factor); // 20 decimals
	const scale = 10n ** BigInt(20 - decimals);
	const rounded = (product + scale / 2n) / scale;
	const digits = rounded.toString().padStart(decimals + 1, '0');
	return decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/** Ledger entries grouped by a key, keys in first-seen order. */
export function groupBy(entries: LedgerEntry[], key: (entry: LedgerEntry) => string) {
	const groups = new Map<string, LedgerEntry[]>();
	for (const entry of entries) {
		const list = groups.get(key(entry)) ?? [];
		list.push(entry);
		groups.set(key(entry), list);
	}
	return groups;
}
