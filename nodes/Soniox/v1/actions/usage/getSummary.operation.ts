import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { withAmountNumbers } from '../../helpers/amountNumbers';
import { compareDecimal, formatDecimal, isDecimal } from '../../helpers/decimal';
import { checkChoice, optionValues } from '../../helpers/parameterValues';
import { toSonioxTime, utcDaysTouched } from '../../helpers/timeRange';
import { sonioxApiRequest } from '../../transport';
import { readTimeWindow, timeRangeFields } from './usage.descriptions';

const SUMMARY_MAX_DAYS = 366;

/** Soniox sums whole UTC days: only ranges made of whole days are offered. */
const WHOLE_DAY_PRESETS = ['custom', 'lastMonth', 'thisMonth', 'today', 'yesterday'] as const;

const OUTPUT_OPTIONS = [
	{
		name: 'One Item per Day and Model',
		value: 'perDayAndModel',
		description: "Each model's requests, tokens and costs on each UTC day",
	},
	{
		name: 'One Item per Day',
		value: 'perDay',
		description: 'All models together, one item per UTC day',
	},
	{
		name: 'Raw Summary',
		value: 'raw',
		description: 'One item with the totals and per-day lists exactly as Soniox returns them',
	},
] as const;

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['usage'], operation: ['getSummary'] } },
	[
		...timeRangeFields(
			'thisMonth',
			'Soniox sums whole UTC days: every day a custom range touches is reported in full',
			WHOLE_DAY_PRESETS,
		),
		{
			displayName: 'Output',
			name: 'output',
			type: 'options',
			default: 'perDayAndModel',
			description: 'How to return the summary',
			options: [...OUTPUT_OPTIONS],
		},
		{
			displayName: 'Include Days Without Usage',
			name: 'includeIdleDays',
			type: 'boolean',
			default: false,
			description: 'Whether to also return days (and models) that had no requests, with zeros',
			displayOptions: { show: { output: ['perDayAndModel', 'perDay'] } },
		},
	],
);

interface SummaryEntry extends IDataObject {
	model: string | null;
	days: string[];
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const window = readTimeWindow.call(this, itemIndex, new Date(), WHOLE_DAY_PRESETS);
	// Every field is read before anything is sent.
	const output = checkChoice(
		this,
		itemIndex,
		'Output',
		this.getNodeParameter('output', itemIndex),
		optionValues(OUTPUT_OPTIONS),
	);
	const includeIdle =
		output === 'raw'
			? false
			: readBoolean.call(this, itemIndex, 'includeIdleDays', 'Include Days Without Usage');
	if (window.end <= window.start) return [];
	const days = utcDaysTouched(window);
	if (days > SUMMARY_MAX_DAYS) {
		throw new NodeOperationError(
			this.getNode(),
			`The time range touches ${days} UTC days; Soniox summarizes at most ${SUMMARY_MAX_DAYS}`,
			{ itemIndex, description: 'Choose a shorter Time Range, e.g. one year at a time.' },
		);
	}
	const summary = await sonioxApiRequest.call(this, {
		method: 'GET',
		path: '/v1/usage/summary',
		qs: { start_time: toSonioxTime(window.start), end_time: toSonioxTime(window.end) },
	});
	if (output === 'raw') return [{ json: summary }];

	const entries =
		output === 'perDay'
			? [summary.total as SummaryEntry]
			: ((summary.models as SummaryEntry[] | undefined) ?? []);
	const wellFormed =
		Array.isArray(entries) &&
		entries.every(
			(entry) => typeof entry === 'object' && entry !== null && Array.isArray(entry.days),
		);
	if (!wellFormed) {
		throw new NodeOperationError(
			this.getNode(),
			`Soniox answered the usage summary without ${output === 'perDay' ? 'a "total" with its "days"' : '"models" with their "days"'}`,
			{ itemIndex, description: 'Choose Output "Raw Summary" to see what Soniox returned.' },
		);
	}
	const dayList = entries[0]?.days ?? [];
	const rows: INodeExecutionData[] = [];
	dayList.forEach((day, dayIndex) => {
		for (const entry of entries) {
			const row = dayRow(entry, dayIndex, output === 'perDayAndModel');
			if (includeIdle || !isIdle(row)) rows.push({ json: withAmountNumbers({ day, ...row }) });
		}
	});
	return rows;
}

/** The values of one day: every per-day list of the entry at that day's position. */
function dayRow(entry: SummaryEntry, dayIndex: number, withModel: boolean): IDataObject {
	const row: IDataObject = withModel ? { model: entry.model } : {};
	for (const [field, values] of Object.entries(entry)) {
		if (field === 'days' || !Array.isArray(values)) continue;
		const value = values[dayIndex] as IDataObject[keyof IDataObject];
		row[field] = field.endsWith('_usd') && isDecimal(value) ? formatDecimal(value) : value;
	}
	return row;
}

/** A boolean field (an expression may give "true" or "false" as text). */
function readBoolean(
	this: IExecuteFunctions,
	itemIndex: number,
	name: string,
	label: string,
): boolean {
	const value = this.getNodeParameter(name, itemIndex, false) as unknown;
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	throw new NodeOperationError(
		this.getNode(),
		`${label} of item ${itemIndex} must be true or false, not ${typeof value === 'string' ? `"${value}"` : typeof value}`,
		{ itemIndex, description: `Switch ${label} on or off, or map true or false.` },
	);
}

function isIdle(row: IDataObject): boolean {
	if (typeof row.num_requests === 'number') return row.num_requests === 0;
	return isDecimal(row.cost_usd) && compareDecimal(row.cost_usd, 0) === 0;
}
