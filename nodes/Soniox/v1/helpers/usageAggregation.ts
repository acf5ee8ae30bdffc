// Sums usage log entries per group (customer, model, scope, UTC day) while the pages stream
// in: memory grows with the number of groups, never with the number of entries.
import type { IDataObject } from 'n8n-workflow';

import {
	addDecimal,
	compareDecimal,
	divideToDecimal,
	formatDecimal,
	SONIOX_COST_DECIMALS,
} from './decimal';
import type { Decimal } from './decimal';
import {
	clientReferenceIdOf,
	USAGE_COST_FIELDS,
	USAGE_COUNT_FIELDS,
	type UsageLogEntry,
} from './usageLogEntry';

export type UsageGroupKey = 'client_reference_id' | 'model' | 'request_scope' | 'day';

/** The group of entries sent without a client reference ID. */
export const NO_CLIENT_REFERENCE_ID = '(none)';

/**
 * One group's totals. Every `total_<field>` is the sum of that entry field; costs are exact
 * decimal strings with 10 decimals, like Soniox's own. Audio minutes are the exact
 * millisecond sums divided by 60,000 and rounded half up to 2 decimals, for reading; bill
 * from the `_ms` fields when seconds matter.
 */
export interface UsageGroupRow extends IDataObject {
	client_reference_id?: string;
	model?: string;
	request_scope?: string;
	/** UTC day of the requests' end time, YYYY-MM-DD. */
	day?: string;
	request_count: number;
	total_cost_usd: string;
	total_input_cost_usd: string;
	total_output_cost_usd: string;
	total_input_text_cost_usd: string;
	total_input_audio_cost_usd: string;
	total_output_text_cost_usd: string;
	total_output_audio_cost_usd: string;
	total_input_text_tokens: number;
	total_input_audio_tokens: number;
	total_input_audio_duration_ms: number;
	total_output_text_tokens: number;
	total_output_audio_tokens: number;
	total_output_audio_duration_ms: number;
	input_audio_minutes: number;
	output_audio_minutes: number;
	/** End time of the group's earliest and latest request (null only for an empty total). */
	first_end_time: string | null;
	last_end_time: string | null;
}

interface GroupTotals {
	keys: Partial<Record<UsageGroupKey, string>>;
	requestCount: number;
	costs: Record<(typeof USAGE_COST_FIELDS)[number], Decimal>;
	counts: Record<(typeof USAGE_COUNT_FIELDS)[number], bigint>;
	first?: { time: number; text: string };
	last?: { time: number; text: string };
}

export function utcDayOf(timestamp: string): string {
	return new Date(timestamp).toISOString().slice(0, 10);
}

function groupValue(entry: UsageLogEntry, key: UsageGroupKey): string {
	if (key === 'client_reference_id') return clientReferenceIdOf(entry) || NO_CLIENT_REFERENCE_ID;
	if (key === 'day') return utcDayOf(entry.end_time);
	return String(entry[key] ?? '');
}

function emptyTotals(keys: GroupTotals['keys']): GroupTotals {
	const costs = {} as GroupTotals['costs'];
	for (const field of USAGE_COST_FIELDS) costs[field] = COST_ZERO;
	const counts = {} as GroupTotals['counts'];
	for (const field of USAGE_COUNT_FIELDS) counts[field] = 0n;
	return { keys, requestCount: 0, costs, counts };
}

const COST_ZERO: Decimal = { units: 0n, scale: SONIOX_COST_DECIMALS };
/** Soniox's own form, "0.0050000000": summed without the general parser (a hot path). */
const SONIOX_COST = /^(\d+)\.(\d{10})$/;

function addCost(sum: Decimal, value: unknown): Decimal {
	const match =
		typeof value === 'string' && sum.scale === SONIOX_COST_DECIMALS
			? SONIOX_COST.exec(value)
			: null;
	if (match) return { units: sum.units + BigInt(match[1] + match[2]), scale: SONIOX_COST_DECIMALS };
	return addDecimal(sum, (value as string | number | undefined) ?? '0');
}

export class UsageAggregator {
	private readonly totals = new Map<string, GroupTotals>();

	/** With no keys, every entry falls into one total. */
	constructor(private readonly groupBy: UsageGroupKey[]) {}

	add(entry: UsageLogEntry): void {
		const keys: GroupTotals['keys'] = {};
		for (const key of this.groupBy) keys[key] = groupValue(entry, key);
		const id = JSON.stringify(this.groupBy.map((key) => keys[key]));
		let group = this.totals.get(id);
		if (!group) {
			group = emptyTotals(keys);
			this.totals.set(id, group);
		}
		group.requestCount += 1;
		for (const field of USAGE_COST_FIELDS) {
			group.costs[field] = addCost(group.costs[field], entry[field]);
		}
		for (const field of USAGE_COUNT_FIELDS) {
			const count = Number(entry[field] ?? 0);
			if (Number.isFinite(count)) group.counts[field] += BigInt(Math.trunc(count));
		}
		const time = Date.parse(entry.end_time);
		if (!group.first || time < group.first.time) group.first = { time, text: entry.end_time };
		if (!group.last || time > group.last.time) group.last = { time, text: entry.end_time };
	}

	/** One row per group, in the order the groups were first seen. */
	groups(): UsageGroupRow[] {
		const all = [...this.totals.values()];
		// "The total of nothing" is a zero row, so a daily digest still reports $0.
		if (all.length === 0 && this.groupBy.length === 0) all.push(emptyTotals({}));
		return all.map(toRow);
	}
}

function toRow(group: GroupTotals): UsageGroupRow {
	const cost = (field: (typeof USAGE_COST_FIELDS)[number]) => formatDecimal(group.costs[field]);
	const count = (field: (typeof USAGE_COUNT_FIELDS)[number]) => Number(group.counts[field]);
	const minutes = (ms: bigint) => Number(divideToDecimal(ms, 60_000n, { decimals: 2 }));
	return {
		...group.keys,
		request_count: group.requestCount,
		total_cost_usd: cost('cost_usd'),
		total_input_cost_usd: cost('input_cost_usd'),
		total_output_cost_usd: cost('output_cost_usd'),
		total_input_text_cost_usd: cost('input_text_cost_usd'),
		total_input_audio_cost_usd: cost('input_audio_cost_usd'),
		total_output_text_cost_usd: cost('output_text_cost_usd'),
		total_output_audio_cost_usd: cost('output_audio_cost_usd'),
		total_input_text_tokens: count('input_text_tokens'),
		total_input_audio_tokens: count('input_audio_tokens'),
		total_input_audio_duration_ms: count('input_audio_duration_ms'),
		total_output_text_tokens: count('output_text_tokens'),
		total_output_audio_tokens: count('output_audio_tokens'),
		total_output_audio_duration_ms: count('output_audio_duration_ms'),
		input_audio_minutes: minutes(group.counts.input_audio_duration_ms),
		output_audio_minutes: minutes(group.counts.output_audio_duration_ms),
		first_end_time: group.first?.text ?? null,
		last_end_time: group.last?.text ?? null,
	};
}

export type UsageGroupOrder =
	'firstSeen' | 'totalCostDesc' | 'totalCostAsc' | 'requestCountDesc' | 'groupAsc';

/** Sorts rows; ties keep their first-seen order. Costs compare exactly, groups by their keys. */
export function sortUsageGroups(
	rows: UsageGroupRow[],
	order: UsageGroupOrder,
	groupBy: UsageGroupKey[] = [],
): UsageGroupRow[] {
	const sorted = [...rows];
	if (order === 'totalCostDesc') {
		sorted.sort((a, b) => compareDecimal(b.total_cost_usd, a.total_cost_usd));
	} else if (order === 'totalCostAsc') {
		sorted.sort((a, b) => compareDecimal(a.total_cost_usd, b.total_cost_usd));
	} else if (order === 'requestCountDesc') {
		sorted.sort((a, b) => b.request_count - a.request_count);
	} else if (order === 'groupAsc') {
		sorted.sort((a, b) => compareKeys(a, b, groupBy));
	}
	return sorted;
}

function compareKeys(a: UsageGroupRow, b: UsageGroupRow, groupBy: UsageGroupKey[]): number {
	for (const key of groupBy) {
		const left = a[key] ?? '';
		const right = b[key] ?? '';
		if (left !== right) return left < right ? -1 : 1;
	}
	return 0;
}
