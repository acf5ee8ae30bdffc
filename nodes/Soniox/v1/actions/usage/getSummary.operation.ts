import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { compareDecimal, formatDecimal, isDecimal } from '../../helpers/decimal';
import { toSonioxTime, utcDaysTouched } from '../../helpers/timeRange';
import { sonioxApiRequest } from '../../transport';
import { readTimeWindow, timeRangeFields } from './usage.descriptions';

const SUMMARY_MAX_DAYS = 366;

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['usage'], operation: ['getSummary'] } },
	[
		...timeRangeFields(
			'thisMonth',
			'Soniox sums whole UTC days: every day the range touches is reported in full',
		),
		{
			displayName: 'Output',
			name: 'output',
			type: 'options',
			default: 'perDayAndModel',
			description: 'How to return the summary',
			options: [
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
			],
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
	const window = readTimeWindow.call(this, itemIndex, new Date());
	if (window.end <= window.start) return [];
	const days = utcDaysTouched(window);
	if (days > SUMMARY_MAX_DAYS) {
		throw new NodeOperationError(
			this.getNode(),
			`The time range touches ${days} UTC days; Soniox summarizes at most ${SUMMARY_MAX_DAYS}`,
			{ itemIndex, description: 'Choose a shorter Time Range, e.g. one year at a time.' },
		);
	}
	const output = this.getNodeParameter('output', itemIndex) as 'perDayAndModel' | 'perDay' | 'raw';
	const summary = await sonioxApiRequest.call(this, {
		method: 'GET',
		path: '/v1/usage/summary',
		qs: { start_time: toSonioxTime(window.start), end_time: toSonioxTime(window.end) },
	});
	if (output === 'raw') return [{ json: summary }];

	const includeIdle = this.getNodeParameter('includeIdleDays', itemIndex, false) as boolean;
	const entries =
		output === 'perDay'
			? [summary.total as SummaryEntry]
			: ((summary.models as SummaryEntry[] | undefined) ?? []);
	const dayList = entries[0]?.days ?? [];
	const rows: INodeExecutionData[] = [];
	dayList.forEach((day, dayIndex) => {
		for (const entry of entries) {
			const row = dayRow(entry, dayIndex, output === 'perDayAndModel');
			if (includeIdle || !isIdle(row)) rows.push({ json: { day, ...row } });
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

function isIdle(row: IDataObject): boolean {
	if (typeof row.num_requests === 'number') return row.num_requests === 0;
	return isDecimal(row.cost_usd) && compareDecimal(row.cost_usd, 0) === 0;
}
