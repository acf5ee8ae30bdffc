// Sums usage log entries per group (customer, model, scope, UTC day) while the pages stream
// in: memory grows with the number of groups, never with the number of entries.
import type { IDataObject } from 'n8n-workflow';

import {
	compareDecimal,
	DecimalSums,
	divideToDecimal,
	formatDecimal,
	isDecimal,
	SONIOX_COST_DECIMALS,
} from './decimal';
import {
	clientReferenceIdOf,
	endTimeOf,
	MalformedUsageEntryError,
	requestKindOf,
	USAGE_COST_FIELDS,
	USAGE_COUNT_FIELDS,
	uuidOf,
	type UsageLogEntry,
} from './usageLogEntry';

export type UsageGroupKey =
	'client_reference_id' | 'model' | 'request_kind' | 'request_scope' | 'day';

/**
 * Which totals a row has. 'core' leaves out what Soniox's daily summary does not total (the
 * text/audio split of costs, the first and last end time), so that the summary can answer.
 */
export type UsageTotalsFields = 'all' | 'core';

/**
 * One group's totals. Every `total_<field>` is the sum of that entry field; costs are exact
 * decimal strings with 10 decimals, like Soniox's own. Audio minutes are the exact
 * millisecond sums divided by 60,000 and rounded half up to 2 decimals, for reading; bill
 * from the `_ms` fields when seconds matter.
 */
export interface UsageGroupRow extends IDataObject {
	/** "" for the group of requests sent without one (marked client_reference_id_missing). */
	client_reference_id?: string;
	model?: string;
	request_scope?: string;
	/** Derived from the model: see requestKindOf. */
	request_kind?: string;
	/** UTC day of the requests' end time, YYYY-MM-DD. */
	day?: string;
	/** Only on the group of requests sent without a client reference ID. */
	client_reference_id_missing?: true;
	request_count: number;
	total_cost_usd: string;
	total_input_cost_usd: string;
	total_output_cost_usd: string;
	total_input_text_cost_usd?: string;
	total_input_audio_cost_usd?: string;
	total_output_text_cost_usd?: string;
	total_output_audio_cost_usd?: string;
	total_input_text_tokens: number;
	total_input_audio_tokens: number;
	total_input_audio_duration_ms: number;
	total_output_text_tokens: number;
	total_output_audio_tokens: number;
	total_output_audio_duration_ms: number;
	input_audio_minutes: number;
	output_audio_minutes: number;
	/** End time of the group's earliest and latest request (null only for an empty total). */
	first_end_time?: string | null;
	last_end_time?: string | null;
}

interface GroupTotals {
	keys: Partial<Record<UsageGroupKey, string>>;
	requestCount: number;
	sums: DecimalSums<SummedField>;
	first?: string;
	last?: string;
	/** first and last are UTC times of one length, so they compare as text. */
	sameForm: boolean;
	/** Grouped by client reference ID, and these requests carried none. */
	untagged?: boolean;
}

type SummedField = (typeof USAGE_COST_FIELDS)[number] | (typeof USAGE_COUNT_FIELDS)[number];
const SCALES = Object.fromEntries([
	...USAGE_COST_FIELDS.map((field) => [field, SONIOX_COST_DECIMALS]),
	...USAGE_COUNT_FIELDS.map((field) => [field, 0]),
]) as Record<SummedField, number>;

/** "2026-11-24T09:03:10Z" or with a fraction: UTC, and ordered like the time it stands for. */
const UTC_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

export function utcDayOf(timestamp: string): string {
	if (UTC_TIME.test(timestamp)) return timestamp.slice(0, 10);
	return new Date(timestamp).toISOString().slice(0, 10);
}

/** What the row shows for a key: "" for no client reference ID, as Soniox sends it. */
function groupValue(entry: UsageLogEntry, key: UsageGroupKey): string {
	if (key === 'client_reference_id') return clientReferenceIdOf(entry);
	if (key === 'day') return utcDayOf(entry.end_time);
	if (key === 'request_kind') return requestKindOf(entry);
	return String(entry[key] ?? '');
}

/** What tells groups apart: untagged usage is a group of its own, whatever IDs others have. */
function groupToken(entry: UsageLogEntry, key: UsageGroupKey): string {
	if (key === 'client_reference_id') {
		const id = clientReferenceIdOf(entry);
		return id === '' ? '-' : `=${id}`;
	}
	return groupValue(entry, key);
}

function emptyTotals(keys: GroupTotals['keys']): GroupTotals {
	return { keys, requestCount: 0, sums: new DecimalSums(SCALES), sameForm: false };
}

/** Token and millisecond counts are whole numbers (null counts as 0); anything else throws. */
function addCount(sums: DecimalSums<SummedField>, field: SummedField, value: unknown) {
	if (typeof value === 'number' && Number.isSafeInteger(value)) return sums.addUnits(field, value);
	if (value === null || value === undefined) return;
	const count =
		typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim()) ? Number(value) : NaN;
	if (!Number.isSafeInteger(count)) throw new Error('not a count');
	sums.addUnits(field, count);
}

/** The first field of `entry` that cannot be summed, as an error naming the entry. */
function malformedField(entry: UsageLogEntry): MalformedUsageEntryError | undefined {
	for (const field of USAGE_COST_FIELDS) {
		const value = entry[field] as unknown;
		if (value !== null && value !== undefined && !isDecimal(value)) {
			return new MalformedUsageEntryError(uuidOf(entry), field, value, 'an amount in USD');
		}
	}
	for (const field of USAGE_COUNT_FIELDS) {
		const value = entry[field] as unknown;
		const fine =
			value === null ||
			value === undefined ||
			(typeof value === 'number' && Number.isSafeInteger(value)) ||
			(typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim()));
		if (!fine) return new MalformedUsageEntryError(uuidOf(entry), field, value, 'a whole number');
	}
	try {
		endTimeOf(entry);
	} catch (error) {
		return error as MalformedUsageEntryError;
	}
	return undefined;
}

/** Widens the group's time span to an entry's end time. */
function extendSpan(group: GroupTotals, time: string) {
	const { first, last } = group;
	const utc = typeof time === 'string' && UTC_TIME.test(time);
	if (!utc && !Number.isFinite(Date.parse(time))) throw new Error('not a time');
	if (first === undefined || last === undefined) {
		group.first = group.last = time;
		group.sameForm = utc;
		return;
	}
	const sameForm = group.sameForm && utc && time.length === first.length;
	if (sameForm ? time < first : Date.parse(time) < Date.parse(first)) group.first = time;
	if (sameForm ? time > last : Date.parse(time) > Date.parse(last)) group.last = time;
	group.sameForm = sameForm;
}

export class UsageAggregator {
	private readonly totals = new Map<string, GroupTotals>();

	/** With no keys, every entry falls into one total. */
	constructor(
		private readonly groupBy: UsageGroupKey[],
		private readonly fields: UsageTotalsFields = 'all',
	) {}

	/** Throws a MalformedUsageEntryError, naming the entry and the field, for data it cannot sum. */
	add(entry: UsageLogEntry): void {
		this.addTotals(entry, 1);
	}

	/**
	 * Totals that Soniox summed already (a day of one model in its summary), given in the
	 * fields of one entry: `requests` requests, the counts and costs of all of them.
	 */
	addTotals(entry: UsageLogEntry, requests: number): void {
		try {
			this.addFields(entry, requests);
		} catch (error) {
			throw malformedField(entry) ?? error;
		}
	}

	private addFields(entry: UsageLogEntry, requests: number): void {
		const group = this.groupOf(entry);
		group.requestCount += requests;
		// Field by field: named reads of the entry are much faster than a loop over names, and
		// this runs for every entry of a month.
		const sums = group.sums;
		sums.add('cost_usd', entry.cost_usd);
		sums.add('input_cost_usd', entry.input_cost_usd);
		sums.add('output_cost_usd', entry.output_cost_usd);
		sums.add('input_text_cost_usd', entry.input_text_cost_usd);
		sums.add('input_audio_cost_usd', entry.input_audio_cost_usd);
		sums.add('output_text_cost_usd', entry.output_text_cost_usd);
		sums.add('output_audio_cost_usd', entry.output_audio_cost_usd);
		addCount(sums, 'input_text_tokens', entry.input_text_tokens);
		addCount(sums, 'input_audio_tokens', entry.input_audio_tokens);
		addCount(sums, 'input_audio_duration_ms', entry.input_audio_duration_ms);
		addCount(sums, 'output_text_tokens', entry.output_text_tokens);
		addCount(sums, 'output_audio_tokens', entry.output_audio_tokens);
		addCount(sums, 'output_audio_duration_ms', entry.output_audio_duration_ms);
		extendSpan(group, entry.end_time);
	}

	/** One row per group, in the order the groups were first seen. */
	groups(): UsageGroupRow[] {
		const all = [...this.totals.values()];
		// "The total of nothing" is a zero row, so a daily digest still reports $0.
		if (all.length === 0 && this.groupBy.length === 0) all.push(emptyTotals({}));
		return all.map((group) => toRow(group, this.fields));
	}

	private groupOf(entry: UsageLogEntry): GroupTotals {
		// Each value prefixed by its length: an ID cannot end early and pose as two keys.
		let id = '';
		for (const key of this.groupBy) {
			const value = groupToken(entry, key);
			id = this.groupBy.length === 1 ? value : `${id}${value.length}:${value}`;
		}
		let group = this.totals.get(id);
		if (!group) {
			const keys: GroupTotals['keys'] = {};
			for (const key of this.groupBy) keys[key] = groupValue(entry, key);
			group = emptyTotals(keys);
			group.untagged =
				this.groupBy.includes('client_reference_id') && clientReferenceIdOf(entry) === '';
			this.totals.set(id, group);
		}
		return group;
	}
}

function toRow(group: GroupTotals, fields: UsageTotalsFields): UsageGroupRow {
	const total = (field: SummedField) => group.sums.total(field);
	const cost = (field: SummedField) => formatDecimal(total(field));
	const count = (field: SummedField) => Number(total(field).units);
	const minutes = (field: SummedField) =>
		Number(divideToDecimal(total(field).units, 60_000n, { decimals: 2 }));
	const all = fields === 'all';
	return {
		...(group.keys as Pick<UsageGroupRow, UsageGroupKey>),
		...(group.untagged ? { client_reference_id_missing: true as const } : {}),
		request_count: group.requestCount,
		total_cost_usd: cost('cost_usd'),
		total_input_cost_usd: cost('input_cost_usd'),
		total_output_cost_usd: cost('output_cost_usd'),
		...(all && {
			total_input_text_cost_usd: cost('input_text_cost_usd'),
			total_input_audio_cost_usd: cost('input_audio_cost_usd'),
			total_output_text_cost_usd: cost('output_text_cost_usd'),
			total_output_audio_cost_usd: cost('output_audio_cost_usd'),
		}),
		total_input_text_tokens: count('input_text_tokens'),
		total_input_audio_tokens: count('input_audio_tokens'),
		total_input_audio_duration_ms: count('input_audio_duration_ms'),
		total_output_text_tokens: count('output_text_tokens'),
		total_output_audio_tokens: count('output_audio_tokens'),
		total_output_audio_duration_ms: count('output_audio_duration_ms'),
		input_audio_minutes: minutes('input_audio_duration_ms'),
		output_audio_minutes: minutes('output_audio_duration_ms'),
		...(all && { first_end_time: group.first ?? null, last_end_time: group.last ?? null }),
	};
}

export type UsageGroupOrder =
	'firstSeen' | 'totalCostDesc' | 'totalCostAsc' | 'requestCountDesc' | 'groupAsc';

/**
 * Sorts rows. Costs compare exactly; ties, and 'groupAsc', go by the group keys A to Z (no
 * client reference ID first), so the order does not depend on the order entries were read in.
 */
export function sortUsageGroups(
	rows: UsageGroupRow[],
	order: UsageGroupOrder,
	groupBy: UsageGroupKey[] = [],
): UsageGroupRow[] {
	const sorted = [...rows];
	if (order === 'totalCostDesc') {
		sorted.sort(
			(a, b) => compareDecimal(b.total_cost_usd, a.total_cost_usd) || compareKeys(a, b, groupBy),
		);
	} else if (order === 'totalCostAsc') {
		sorted.sort(
			(a, b) => compareDecimal(a.total_cost_usd, b.total_cost_usd) || compareKeys(a, b, groupBy),
		);
	} else if (order === 'requestCountDesc') {
		sorted.sort((a, b) => b.request_count - a.request_count || compareKeys(a, b, groupBy));
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
