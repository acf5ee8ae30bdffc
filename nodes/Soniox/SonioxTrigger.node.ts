import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';

import { SONIOX_ICON } from './icon';
import { pollBudgetAlerts } from './trigger/budgetAlerts';
import { BUDGET_EVENT, withBudgetEvent } from './trigger/budgetParameters';
import { ANOMALY_FIELDS, learningSpanMs } from './trigger/anomalyParameters';
import { anomalyPoll, sampleAnomalyItems } from './trigger/anomalyOutput';
import { acquireLease } from './trigger/pollLease';
import { pollOutput, type OutputMode } from './trigger/pollOutput';
import {
	ALERT_SCOPE_OPTIONS,
	BACKFILL_CONCURRENCY_OPTION,
	BACKFILL_HOURS_RANGE,
	EVENT_OPTIONS,
	LOOK_BACK_MINUTES_RANGE,
	OUTPUT_OPTIONS,
	readTriggerParameters,
} from './trigger/triggerParameters';
import { firstState, pollNewEntries, readState } from './trigger/usagePoller';
import { DAY_MS, FUTURE_READ_ALLOWANCE_MS } from './v1/helpers/timeRange';
import type { UsageLogEntry } from './v1/helpers/usageLogEntry';
import { matchesUsageFilter, usageFiltersCollection } from './v1/actions/usage/usageFilters';
import { usageEntryFailure } from './v1/actions/usage/usageParameters';
import { credentialTest } from './v1/methods';
import { streamUsageLogs } from './v1/transport/usageLogs';

const TEST_EVENT_COUNT = 5;

const namesByValue = (options: ReadonlyArray<{ name: string; value: string }>) =>
	JSON.stringify(Object.fromEntries(options.map(({ value, name }) => [value, name])));
/** The chosen event, or for usage entries the chosen output, in words rather than values. */
const TRIGGER_SUBTITLE = `={{ $parameter["event"] === "${BUDGET_EVENT}" ? ${namesByValue(EVENT_OPTIONS)}["${BUDGET_EVENT}"] : ${namesByValue(OUTPUT_OPTIONS)}[$parameter["output"]] ?? "" }}`;

export class SonioxTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Soniox Trigger',
		name: 'sonioxTrigger',
		icon: SONIOX_ICON,
		group: ['trigger'],
		version: 1,
		subtitle: TRIGGER_SUBTITLE,
		// n8n's nodes panel shows this text for the whole Soniox app, beside the node's actions.
		description:
			'Soniox speech AI: transcribe audio, synthesize speech, and start workflows on new usage and spend',
		defaults: { name: 'Soniox Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'sonioxSuiteApi',
				required: true,
				testedBy: 'sonioxSuiteApiTest',
				displayOptions: { hide: { event: [BUDGET_EVENT] } },
			},
			{
				name: 'sonioxOrganizationApi',
				required: true,
				testedBy: 'sonioxOrganizationApiTest',
				displayOptions: { show: { event: [BUDGET_EVENT] } },
			},
		],
		properties: withBudgetEvent([
			{
				displayName:
					'Each usage-log entry is emitted once: across failed and overlapping polls, restarts, late publication (up to the look-back) and clock differences. An execution that fails or dies after the poll is not repeated; reconcile billing from the usage logs.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				options: [...EVENT_OPTIONS],
				default: 'newUsageLogEntry',
			},
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				options: [...OUTPUT_OPTIONS],
				default: 'entries',
			},
			{
				displayName: 'Threshold (USD)',
				name: 'thresholdUsd',
				type: 'string',
				default: '10',
				placeholder: 'e.g. 25.50',
				description: 'Alert when the new entries of one poll cost at least this much',
				displayOptions: { show: { output: ['spendAlert'] } },
			},
			{
				displayName: 'Threshold Applies To',
				name: 'alertScope',
				type: 'options',
				options: [...ALERT_SCOPE_OPTIONS],
				default: 'perClient',
				displayOptions: { show: { output: ['spendAlert'] } },
			},
			...Object.values(ANOMALY_FIELDS),
			usageFiltersCollection(),
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Backfill Hours on First Activation',
						name: 'backfillHours',
						type: 'number',
						typeOptions: { minValue: BACKFILL_HOURS_RANGE.min, maxValue: BACKFILL_HOURS_RANGE.max },
						default: 0,
						description:
							'How many hours of past usage the first poll delivers; 0 starts from the moment of activation',
					},
					BACKFILL_CONCURRENCY_OPTION,
					{
						displayName: 'Look-Back Window (Minutes)',
						name: 'lookBackMinutes',
						type: 'number',
						typeOptions: {
							minValue: LOOK_BACK_MINUTES_RANGE.min,
							maxValue: LOOK_BACK_MINUTES_RANGE.max,
						},
						default: 15,
						description:
							'How late Soniox may publish an entry and still have it delivered; longer costs a little more per poll',
					},
				],
			},
		]),
	};

	methods = { credentialTest };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		if (this.getNodeParameter('event', '') === BUDGET_EVENT)
			return await pollBudgetAlerts.call(this);
		// Every parameter is checked before anything is read or remembered.
		const { mode, alert, anomaly, filter, lookBackMs, backfillMs, backfillConcurrency } =
			readTriggerParameters(this);
		const now = Date.now();

		if (this.getMode() === 'manual') {
			// "Fetch test event": the newest entries, without touching the state, in the shape
			// the chosen output has when the workflow is active.
			const newest: UsageLogEntry[] = [];
			const window = {
				start: new Date(now - DAY_MS),
				end: new Date(now + FUTURE_READ_ALLOWANCE_MS),
			};
			try {
				for await (const page of streamUsageLogs.call(this, window, { sort: 'end_time_desc' })) {
					newest.push(...page.filter((entry) => matchesUsageFilter(entry, filter)));
					if (newest.length >= TEST_EVENT_COUNT) break;
				}
				const sample = newest.slice(0, TEST_EVENT_COUNT).reverse();
				const items = anomaly
					? sampleAnomalyItems(sample, anomaly)
					: pollOutput(sample, mode as OutputMode, alert, { testEvent: true });
				return items.length ? [items] : null;
			} catch (error) {
				throw usageEntryFailure(this.getNode(), error);
			}
		}

		const staticData = this.getWorkflowStaticData('node');
		const lease = acquireLease(staticData, now);
		if (!lease) {
			// The previous poll is still running: it delivers what is new.
			this.logger.debug('Soniox Trigger: the previous poll is still running; this one is skipped');
			return null;
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
				return null;
			}
			staticData.usagePoller = next as unknown as IDataObject;
			// The baselines move with the poller's state, never without it.
			if (anomalies) staticData.usageAnomaly = anomalies.state as unknown as IDataObject;
			else delete staticData.usageAnomaly;
			return items.length ? [items] : null;
		} catch (error) {
			throw usageEntryFailure(this.getNode(), error);
		} finally {
			lease.release();
		}
	}
}
