import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	checkChoice,
	checkNumber,
	optionValues,
	type CheckContext,
} from '../../helpers/parameterValues';
import {
	parseUtcTime,
	presetWindow,
	toSonioxTime,
	usageTimeProblem,
	type TimeRangePreset,
	type TimeWindow,
} from '../../helpers/timeRange';
import {
	MAX_USAGE_LOG_CONCURRENCY,
	usageLogsWindowProblem,
	type UsageLogSort,
} from '../../transport/usageLogs';

// From the most recent to the longest, then Custom: the order a user scans for, not the
// alphabet (n8n's sorting rule reads only option lists written inline).
const TIME_RANGE_OPTIONS = [
	{ name: 'Last Hour', value: 'lastHour', description: 'The 60 minutes up to now' },
	{ name: 'Last 24 Hours', value: 'last24Hours', description: 'The 24 hours up to now' },
	{ name: 'Today', value: 'today', description: 'From 00:00 UTC today up to now' },
	{
		name: 'Yesterday',
		value: 'yesterday',
		description: 'The previous UTC day, from 00:00 to 24:00 UTC',
	},
	{ name: 'Last 7 Days', value: 'last7Days', description: 'The 7 days up to now' },
	{
		name: 'This Month',
		value: 'thisMonth',
		description: 'From the 1st of this month, 00:00 UTC, up to now',
	},
	{ name: 'Last 30 Days', value: 'last30Days', description: 'The 30 days up to now' },
	{
		name: 'Last Month',
		value: 'lastMonth',
		description: 'The previous calendar month, from the 1st 00:00 UTC to the 1st of this month',
	},
	{ name: 'Custom', value: 'custom', description: 'From a start to an end you choose' },
] as const satisfies ReadonlyArray<{ name: string; value: TimeRangePreset; description: string }>;

/** Time Range, plus Start and End for a custom range. */
export function timeRangeFields(
	defaultPreset: TimeRangePreset,
	hint = 'Days and months are UTC, whatever the time zone of the workflow',
	presets: readonly TimeRangePreset[] = optionValues(TIME_RANGE_OPTIONS),
): INodeProperties[] {
	return [
		{
			displayName: 'Time Range',
			name: 'timeRange',
			type: 'options',
			default: defaultPreset,
			hint,
			description:
				'Which requests to include, by the time each request ended. Days and months are UTC.',
			options: TIME_RANGE_OPTIONS.filter((option) => presets.includes(option.value)),
		},
		{
			displayName: 'Start',
			name: 'startTime',
			type: 'dateTime',
			required: true,
			default: '',
			description:
				'Include requests that ended at or after this time. A time without a time zone is read as UTC.',
			displayOptions: { show: { timeRange: ['custom'] } },
		},
		{
			displayName: 'End',
			name: 'endTime',
			type: 'dateTime',
			default: '',
			description:
				'Include requests that ended before this time. A time without a time zone is read as UTC. Leave empty for now.',
			displayOptions: { show: { timeRange: ['custom'] } },
		},
	];
}

/**
 * Reads Time Range (and Start/End) of one item. A custom range must end after its start; a
 * preset may be empty for an instant (Today at 00:00:00.000 UTC), and then nothing is in it.
 */
export function readTimeWindow(
	this: IExecuteFunctions,
	itemIndex: number,
	now: Date,
	presets: readonly TimeRangePreset[] = optionValues(TIME_RANGE_OPTIONS),
): TimeWindow {
	const preset = checkChoice(
		this,
		itemIndex,
		'Time Range',
		this.getNodeParameter('timeRange', itemIndex),
		// In the editor's order.
		optionValues(TIME_RANGE_OPTIONS).filter((value) => presets.includes(value)),
	);
	if (preset !== 'custom') return presetWindow(preset, now);

	const read = (name: string, label: string, fallback?: Date) =>
		readUsageTime.call(this, itemIndex, { name, label, now, fallback });
	const window = { start: read('startTime', 'Start'), end: read('endTime', 'End', now) };
	if (window.end <= window.start) {
		throw new NodeOperationError(
			this.getNode(),
			`End (${toSonioxTime(window.end)}) must be after Start (${toSonioxTime(window.start)})`,
			{ itemIndex, description: 'Swap Start and End, or leave End empty to read up to now.' },
		);
	}
	return window;
}

/**
 * A usage time field: ISO text, epoch milliseconds or a date from an expression, checked to be
 * a plausible usage time; empty means `fallback` when there is one.
 */
export function readUsageTime(
	this: IExecuteFunctions,
	itemIndex: number,
	field: { name: string; label: string; now: Date; fallback?: Date },
): Date {
	const { name, label, now, fallback } = field;
	const raw = this.getNodeParameter(name, itemIndex, '') as unknown;
	if ((raw === '' || raw === null || raw === undefined) && fallback) return fallback;
	const time = parseUtcTime(raw);
	const description = `Enter ${label} as e.g. 2026-11-01T00:00:00Z, or as epoch milliseconds.`;
	if (!time) {
		const shown = typeof raw === 'string' || typeof raw === 'number' ? `"${raw}"` : 'The value';
		throw new NodeOperationError(this.getNode(), `${label} ${shown} is not a valid date and time`, {
			itemIndex,
			description,
		});
	}
	const problem = usageTimeProblem(time, raw, now);
	if (problem) {
		throw new NodeOperationError(this.getNode(), `${label} ${problem}`, { itemIndex, description });
	}
	return time;
}

/** Stops before any request when Soniox would refuse the usage-log window. */
export function assertUsageLogsWindow(
	this: IExecuteFunctions,
	window: TimeWindow,
	now: Date,
	itemIndex: number,
): void {
	const problem = usageLogsWindowProblem(window, now);
	if (!problem) return;
	throw new NodeOperationError(this.getNode(), `Cannot read usage logs: ${problem}`, {
		itemIndex,
		description:
			'Choose a Time Range that starts within the last 91 days (or a later Start). For daily totals over longer periods, use Usage > Get Summary (up to 366 days).',
	});
}

const SORT_OPTIONS = [
	{ name: 'Oldest First', value: 'end_time_asc' },
	{ name: 'Newest First', value: 'end_time_desc' },
] as const satisfies ReadonlyArray<{ name: string; value: UsageLogSort }>;

export const sortField: INodeProperties = {
	displayName: 'Sort',
	name: 'sort',
	type: 'options',
	default: 'end_time_desc',
	description: 'The order of the entries, by the time each request ended',
	options: [...SORT_OPTIONS],
};

/** Sort of one item, checked. */
export function readSort(this: IExecuteFunctions, itemIndex: number): UsageLogSort {
	return checkChoice(
		this,
		itemIndex,
		'Sort',
		this.getNodeParameter('sort', itemIndex),
		optionValues(SORT_OPTIONS),
	);
}

/** An option of the usage operations and the trigger's backfill: how many slices at once. */
export const concurrencyOption: INodeProperties = {
	displayName: 'Concurrent Requests',
	name: 'concurrency',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_USAGE_LOG_CONCURRENCY },
	default: 4,
	description:
		'How many time slices of the range are read from Soniox at once when every entry is read. Lower it if Soniox answers with rate limits (429); 1 reads one page at a time.',
};

/** The Concurrent Requests option of an Options collection (`itemIndex` undefined: the trigger). */
export function readConcurrency(
	context: CheckContext,
	itemIndex: number | undefined,
	options: IDataObject,
	field: INodeProperties = concurrencyOption,
): number {
	return checkNumber(
		context,
		itemIndex,
		`Options: ${field.displayName}`,
		options[field.name] ?? field.default,
		{ min: field.typeOptions?.minValue ?? 1, max: field.typeOptions?.maxValue },
	);
}
