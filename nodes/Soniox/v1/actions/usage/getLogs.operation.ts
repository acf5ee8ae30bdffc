import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import {
	isEmptyUsageFilter,
	matchesUsageFilter,
	readUsageFilter,
	usageFiltersCollection,
} from './usageFilters';
import { streamUsageLogs, type UsageLogSort } from '../../transport/usageLogs';
import { readLimit, returnAllFields } from '../common.descriptions';
import {
	assertUsageLogsWindow,
	readTimeWindow,
	sortField,
	timeRangeFields,
} from './usage.descriptions';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['usage'], operation: ['getLogs'] } },
	[...timeRangeFields('last24Hours'), sortField, ...returnAllFields, usageFiltersCollection()],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const now = new Date();
	const window = readTimeWindow.call(this, itemIndex, now);
	if (window.end <= window.start) return [];
	assertUsageLogsWindow.call(this, window, now, itemIndex);
	const sort = this.getNodeParameter('sort', itemIndex) as UsageLogSort;
	const filter = readUsageFilter(this, itemIndex);
	const limit = readLimit.call(this, itemIndex) ?? Infinity;

	const filtering = !isEmptyUsageFilter(filter);
	// Without filters every entry counts, so Soniox can stop at the limit; with them, read on.
	const fetchLimit = filtering || limit === Infinity ? undefined : limit;
	const results: INodeExecutionData[] = [];
	for await (const page of streamUsageLogs.call(this, window, { sort, limit: fetchLimit })) {
		for (const entry of page) {
			if (filtering && !matchesUsageFilter(entry, filter)) continue;
			results.push({ json: entry });
			if (results.length >= limit) return results;
		}
	}
	return results;
}
