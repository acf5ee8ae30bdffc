import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { amountProblem, multiplyDecimal } from '../../helpers/decimal';
import {
	checkChoice,
	checkChoices,
	checkNumber,
	optionValues,
} from '../../helpers/parameterValues';
import { readableWindow, toSonioxTime, type TimeWindow } from '../../helpers/timeRange';
import { withAmountNumbers } from '../../helpers/amountNumbers';
import {
	sortUsageGroups,
	UsageAggregator,
	type UsageGroupKey,
	type UsageGroupOrder,
	type UsageTotalsFields,
} from '../../helpers/usageAggregation';
import {
	isEmptyUsageFilter,
	matchesUsageFilter,
	readUsageFilter,
	usageFiltersCollection,
	type UsageFilter,
} from './usageFilters';
import { usageEntryFailure } from './usageParameters';
import { streamUsageLogs } from '../../transport/usageLogs';
import { addSummaryTotals, summaryCanAnswer, type UsageSource } from './summaryTotals';
import {
	assertUsageLogsWindow,
	concurrencyOption,
	readConcurrency,
	readTimeWindow,
	timeRangeFields,
} from './usage.descriptions';

const GROUP_BY_OPTIONS = [
	{ name: 'Client Reference ID', value: 'client_reference_id' },
	{ name: 'Day (UTC)', value: 'day' },
	{ name: 'Model', value: 'model' },
	{ name: 'Request Kind (Derived From the Model)', value: 'request_kind' },
	{ name: 'Request Scope (API or Playground)', value: 'request_scope' },
] as const satisfies ReadonlyArray<{ name: string; value: UsageGroupKey }>;

const SORT_OPTIONS = [
	{ name: 'Group (A to Z)', value: 'groupAsc' },
	{ name: 'Number of Requests (Most First)', value: 'requestCountDesc' },
	{ name: 'Order of First Request', value: 'firstSeen' },
	{ name: 'Total Cost (Highest First)', value: 'totalCostDesc' },
	{ name: 'Total Cost (Lowest First)', value: 'totalCostAsc' },
] as const satisfies ReadonlyArray<{ name: string; value: UsageGroupOrder }>;

const TOTALS_OPTIONS = [
	{
		name: 'All',
		value: 'all',
		description:
			'Also the text and audio parts of input and output cost, and the first and last end time: always totalled from the usage logs',
	},
	{
		name: 'Core (Requests, Tokens, Durations, Input and Output Cost)',
		value: 'core',
		description:
			"What Soniox's daily summary totals too: over whole UTC days, with no group, by model and/or by day, it is read in one request",
	},
] as const satisfies ReadonlyArray<{ name: string; value: UsageTotalsFields; description: string }>;

const SOURCE_OPTIONS = [
	{
		name: 'Daily Summary When Exact',
		value: 'auto',
		description:
			"Soniox's daily summary when it gives the same numbers as the logs (Totals: Core, whole UTC days, no group, by model and/or day, no filter but Models, not sorted by first request); else the logs",
	},
	{
		name: 'Usage Logs',
		value: 'logs',
		description: 'Always total every usage-log entry',
	},
] as const;

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['usage'], operation: ['aggregate'] } },
	[
		...timeRangeFields('lastMonth'),
		{
			displayName: 'Group By',
			name: 'groupBy',
			type: 'multiOptions',
			default: ['client_reference_id'],
			description:
				'What each output item totals. Requests sent without a client reference ID form one group with client_reference_id "" (as Soniox logs them), marked client_reference_id_missing: true. Choose nothing for one grand total.',
			options: [...GROUP_BY_OPTIONS],
		},
		usageFiltersCollection(),
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				{
					displayName: 'Billable Amount Decimals',
					name: 'billableDecimals',
					type: 'number',
					typeOptions: { minValue: 0, maxValue: 10 },
					default: 2,
					description: 'Digits after the point of billable_amount_usd, rounded half up (2 = cents)',
				},
				concurrencyOption,
				{
					displayName: 'Markup Multiplier',
					name: 'markup',
					type: 'string',
					default: '',
					placeholder: 'e.g. 1.25',
					description:
						'Adds billable_amount_usd = total cost × this factor to each group, for invoicing your own customers. 1.25 adds 25%.',
				},
				{
					displayName: 'Sort Groups By',
					name: 'sortBy',
					type: 'options',
					default: 'totalCostDesc',
					options: [...SORT_OPTIONS],
				},
				{
					displayName: 'Source',
					name: 'source',
					type: 'options',
					default: 'auto',
					description:
						'Where the totals come from; each output item says which in its source field',
					options: [...SOURCE_OPTIONS],
				},
				{
					displayName: 'Totals',
					name: 'totals',
					type: 'options',
					default: 'all',
					description: 'Which totals each output item has',
					options: [...TOTALS_OPTIONS],
				},
			],
		},
	],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const now = new Date();
	const window = readTimeWindow.call(this, itemIndex, now);
	const groupBy = checkChoices(
		this,
		itemIndex,
		'Group By',
		this.getNodeParameter('groupBy', itemIndex, []),
		optionValues(GROUP_BY_OPTIONS),
	);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const order = checkChoice(
		this,
		itemIndex,
		'Options: Sort Groups By',
		options.sortBy ?? 'totalCostDesc',
		optionValues(SORT_OPTIONS),
	);
	const markup = readMarkup.call(this, options.markup, itemIndex);
	const decimals = checkNumber(
		this,
		itemIndex,
		'Options: Billable Amount Decimals',
		options.billableDecimals ?? 2,
		{ min: 0, max: 10 },
	);
	const fields = checkChoice(
		this,
		itemIndex,
		'Options: Totals',
		options.totals ?? 'all',
		optionValues(TOTALS_OPTIONS),
	);
	const forceLogs =
		checkChoice(this, itemIndex, 'Options: Source', options.source ?? 'auto', [
			...optionValues(SOURCE_OPTIONS),
		]) === 'logs';
	const concurrency = readConcurrency(this, itemIndex, options);
	const filter = readUsageFilter(this, itemIndex);
	const aggregator = new UsageAggregator(groupBy, fields);

	let source: UsageSource = 'logs';
	if (window.end > window.start) {
		const question = { window, groupBy, filter, fields, order };
		if (!forceLogs && summaryCanAnswer(question)) {
			const answered = await addSummaryTotals.call(this, window, filter, aggregator);
			if (answered) source = 'summary';
		}
		if (source === 'logs')
			await addLogTotals.call(this, window, now, filter, aggregator, {
				itemIndex,
				concurrency,
			});
	}

	const period = { period_start: toSonioxTime(window.start), period_end: toSonioxTime(window.end) };
	return sortUsageGroups(aggregator.groups(), order, groupBy).map((row) => ({
		json: withAmountNumbers({
			...row,
			...(markup
				? { billable_amount_usd: multiplyDecimal(row.total_cost_usd, markup, { decimals }) }
				: {}),
			...period,
			source,
		}),
	}));
}

/** Every usage-log entry of the window into the aggregator, several slices at a time. */
async function addLogTotals(
	this: IExecuteFunctions,
	window: TimeWindow,
	now: Date,
	filter: UsageFilter,
	aggregator: UsageAggregator,
	{ itemIndex, concurrency }: { itemIndex: number; concurrency: number },
) {
	assertUsageLogsWindow.call(this, window, now, itemIndex);
	const filtering = !isEmptyUsageFilter(filter);
	// Page by page, in any order: only the group totals stay in memory, never the entries.
	const readable = readableWindow(window, now);
	if (readable.end <= readable.start) return;
	try {
		for await (const page of streamUsageLogs.call(this, readable, {
			concurrency,
			unordered: true,
		})) {
			for (const entry of page) {
				if (!filtering || matchesUsageFilter(entry, filter)) aggregator.add(entry);
			}
		}
	} catch (error) {
		throw usageEntryFailure(this.getNode(), error, itemIndex);
	}
}

/** A markup is a factor on a cost: from 0 to 1,000, with at most 10 decimals. */
export const MARKUP_RULE = { min: 0, max: 1000, maxDecimals: 10 };

function readMarkup(
	this: IExecuteFunctions,
	value: unknown,
	itemIndex: number,
): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const problem = amountProblem(value, MARKUP_RULE);
	if (problem) {
		const raw = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
		const text = raw === '' ? '' : ` "${raw.length > 40 ? `${raw.slice(0, 40)}…` : raw}"`;
		throw new NodeOperationError(this.getNode(), `Options: Markup Multiplier${text} ${problem}`, {
			itemIndex,
			description:
				'Enter a factor such as 1.25 (adds 25%) or 1 (none), up to 1000, or remove the option.',
		});
	}
	return String(value).trim();
}
