// The Soniox Trigger's usage events: what a poll of an active workflow emits (every new entry
// once, as the chosen output), and the test event the editor fetches.
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { learningSpanMs } from './anomalyParameters';
import { anomalyPoll, sampleAnomalyItems } from './anomalyOutput';
import { acquireLease } from './pollLease';
import { pollOutput, type OutputMode } from './pollOutput';
import type { TriggerParameters } from './triggerParameters';
import { firstState, pollNewEntries, readState } from './usagePoller';
import { DAY_MS, FUTURE_READ_ALLOWANCE_MS } from '../v1/helpers/timeRange';
import type { UsageLogEntry } from '../v1/helpers/usageLogEntry';
import { matchesUsageFilter } from '../v1/actions/usage/usageFilters';
import { usageEntryFailure } from '../v1/actions/usage/usageParameters';
import { streamUsageLogs } from '../v1/transport/usageLogs';

const TEST_EVENT_COUNT = 5;

/**
 * "Fetch test event": the newest entries of the last day, without touching the state, in the
 * shape the chosen output has when the workflow is active.
 */
export async function testEventItems(
	this: IPollFunctions,
	{ mode, alert, anomaly, filter }: TriggerParameters,
	now: number,
): Promise<INodeExecutionData[]> {
	const newest: UsageLogEntry[] = [];
	const window = { start: new Date(now - DAY_MS), end: new Date(now + FUTURE_READ_ALLOWANCE_MS) };
	try {
		for await (const page of streamUsageLogs.call(this, window, { sort: 'end_time_desc' })) {
			newest.push(...page.filter((entry) => matchesUsageFilter(entry, filter)));
			if (newest.length >= TEST_EVENT_COUNT) break;
		}
		const sample = newest.slice(0, TEST_EVENT_COUNT).reverse();
		return anomaly
			? sampleAnomalyItems(sample, anomaly)
			: pollOutput(sample, mode as OutputMode, alert, { testEvent: true });
	} catch (error) {
		throw usageEntryFailure(this.getNode(), error);
	}
}

/**
 * The entries that are new since the last poll, as the chosen output. The state (and the
 * anomaly baselines with it) is committed only once the output is built, and only by the poll
 * that holds the lease: an overlapping or overtaken poll emits nothing.
 */
export async function pollUsageItems(
	this: IPollFunctions,
	{ mode, alert, anomaly, filter, lookBackMs, backfillMs, backfillConcurrency }: TriggerParameters,
	now: number,
): Promise<INodeExecutionData[]> {
	const staticData = this.getWorkflowStaticData('node');
	const lease = acquireLease(staticData, now);
	if (!lease) {
		// The previous poll is still running: it delivers what is new.
		this.logger.debug('Soniox Trigger: the previous poll is still running; this one is skipped');
		return [];
	}
	try {
		const previous = readState(staticData);
		// The anomaly output's first activation reads the history it learns baselines from.
		const firstBackfillMs =
			anomaly && !previous ? Math.max(backfillMs, learningSpanMs(anomaly)) : backfillMs;
		const settings = { now, lookBackMs, backfillMs: firstBackfillMs };
		let state = previous;
		let baseline = false;
		const backfill = !state && firstBackfillMs > 0;
		if (!state) ({ state, baseline } = await firstState.call(this, settings));
		const { entries, next } = await pollNewEntries.call(this, state, settings, {
			baseline,
			concurrency: backfill ? backfillConcurrency : 1,
			onPage: () => lease.renew(),
		});
		// The output is built before anything is committed: if it fails, nothing is lost.
		const matching = entries.filter((entry) => matchesUsageFilter(entry, filter));
		const anomalies = anomaly
			? anomalyPoll(staticData, matching, anomaly, { previous, next, lookBackMs })
			: undefined;
		const items = anomalies?.items ?? pollOutput(matching, mode as OutputMode, alert);
		// A poll that outlived its lease leaves the entries to the poll that took it over.
		if (!lease.held()) {
			this.logger.debug('Soniox Trigger: another poll took over; this one commits nothing');
			return [];
		}
		staticData.usagePoller = next as unknown as IDataObject;
		// The baselines move with the poller's state, never without it.
		if (anomalies) staticData.usageAnomaly = anomalies.state as unknown as IDataObject;
		else delete staticData.usageAnomaly;
		return items;
	} catch (error) {
		throw usageEntryFailure(this.getNode(), error);
	} finally {
		lease.release();
	}
}
