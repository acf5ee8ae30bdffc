import { updateDisplayOptions } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import {
	isEmptyUsageFilter,
	matchesUsageFilter,
	readUsageFilter,
	usageFiltersCollection,
} from './usageFilters';
import { usageEntryFailure } from './usageParameters';
import { readableWindow } from '../../helpers/timeRange';
import { usageEntryOutput } from '../../helpers/usageLogEntry';
import { streamUsageLogs } from '../../transport/usageLogs';
import { readLimit, returnAllFields } from '../common.descriptions';
import {
	assertUsageLogsWindow,
	concurrencyOption,
	readConcurrency,
	readSort,
	readTimeWindow,
	sortField,
	timeRangeFields,
} from './usage.descriptions';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['usage'], operation: ['getLogs'] } },
	[
		...timeRangeFields('last24Hours'),
		sortField,
		...returnAllFields,
		usageFiltersCollection(),
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [concurrencyOption],
		},
	],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const now = new Date();
	const window = readTimeWindow.call(this, itemIndex, now);
	if (window.end <= window.start) return [];
	assertUsageLogsWindow.call(this, window, now, itemIndex);
	const sort = readSort.call(this, itemIndex);
	const filter = readUsageFilter(this, itemIndex);
	const limit = readLimit.call(this, itemIndex) ?? Infinity;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const concurrency = readConcurrency(this, itemIndex, options);

	const filtering = !isEmptyUsageFilter(filter);
	// Without filters every entry counts, so Soniox can stop at the limit; with them, read on.
	const fetchLimit = filtering || limit === Infinity ? undefined : limit;
	const results: INodeExecutionData[] = [];
	// An End far ahead reads no further than entries can exist (no empty windows to page).
	const readable = readableWindow(window, now);
	if (readable.end <= readable.start) return [];
	try {
		const reading = { sort, limit: fetchLimit, concurrency };
		for await (const page of streamUsageLogs.call(this, readable, reading)) {
			for (const entry of page) {
				if (filtering && !matchesUsageFilter(entry, filter)) continue;
				results.push({ json: usageEntryOutput(entry) });
				if (results.length >= limit) return results;
			}
		}
	} catch (error) {
		throw usageEntryFailure(this.getNode(), error, itemIndex);
	}
	return results;
}
