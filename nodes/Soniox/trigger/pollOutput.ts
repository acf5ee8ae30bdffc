// What a poll emits: one item per entry, one summary per poll, or a spend alert.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { withAmountNumbers } from '../v1/helpers/amountNumbers';
import { compareDecimal, formatDecimal } from '../v1/helpers/decimal';
import { UsageAggregator, sortUsageGroups } from '../v1/helpers/usageAggregation';
import { usageEntryOutput, type UsageLogEntry } from '../v1/helpers/usageLogEntry';

export type OutputMode = 'entries' | 'summary' | 'spendAlert';

export interface SpendAlertSettings {
	thresholdUsd: string;
	scope: 'overall' | 'perClient';
}

function summarize(entries: UsageLogEntry[], groupBy: Array<'client_reference_id'>) {
	const aggregator = new UsageAggregator(groupBy);
	for (const entry of entries) aggregator.add(entry);
	return sortUsageGroups(aggregator.groups(), 'totalCostDesc', groupBy).map(withAmountNumbers);
}

/**
 * The items of one poll. With `testEvent` (the editor's "Fetch Test Event") a spend alert is
 * built even when no group crossed the threshold: its `crossed` then holds the most expensive
 * group, so the test item has the shape of a real alert.
 */
export function pollOutput(
	entries: UsageLogEntry[],
	mode: OutputMode,
	alert: SpendAlertSettings,
	options: { testEvent?: boolean } = {},
): INodeExecutionData[] {
	if (entries.length === 0) return [];
	if (mode === 'entries') return entries.map((entry) => ({ json: usageEntryOutput(entry) }));
	const window = {
		first_end_time: entries[0].end_time,
		last_end_time: entries[entries.length - 1].end_time,
	};
	const perClient = summarize(entries, ['client_reference_id']);
	const [total] = summarize(entries, []);
	if (mode === 'summary') {
		return [
			{
				json: withAmountNumbers({
					entries: entries.length,
					...window,
					total_cost_usd: total.total_cost_usd,
					total,
					customers: perClient,
				}),
			},
		];
	}
	const threshold = formatDecimal(alert.thresholdUsd);
	const candidates = alert.scope === 'overall' ? [total] : perClient;
	let crossed = candidates.filter(
		(group) => compareDecimal(String(group.total_cost_usd), threshold) >= 0,
	);
	if (crossed.length === 0 && options.testEvent) crossed = candidates.slice(0, 1);
	if (crossed.length === 0) return [];
	const json: IDataObject = {
		alert: alert.scope === 'overall' ? 'spend_over_threshold' : 'customer_spend_over_threshold',
		threshold_usd: threshold,
		entries: entries.length,
		...window,
		total_cost_usd: total.total_cost_usd,
		crossed,
	};
	return [{ json: withAmountNumbers(json) }];
}
