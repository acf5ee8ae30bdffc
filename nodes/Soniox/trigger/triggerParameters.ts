// The Soniox Trigger's parameters, each checked before a poll reads or remembers anything: an
// expression can turn any of them into anything, and a wrong one would otherwise lose entries
// (a look-back of 0), consume them without output (an unknown Output) or count everyone (an
// unknown Client Reference ID Match).
import type { IDataObject, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { checkAmount, checkChoice, checkNumber, optionValues } from '../v1/helpers/parameterValues';
import { readUsageFilter, type UsageFilter } from '../v1/actions/usage/usageFilters';
import { concurrencyOption, readConcurrency } from '../v1/actions/usage/usage.descriptions';
import { readAnomalySettings, type AnomalySettings } from './anomalyParameters';
import type { OutputMode, SpendAlertSettings } from './pollOutput';

export type TriggerOutput = OutputMode | 'usageAnomaly';

export const EVENT_OPTIONS = [
	{ name: 'New Usage Log Entry', value: 'newUsageLogEntry' },
	{ name: 'Organization Budget Alert', value: 'organizationBudget' },
] as const;

export const OUTPUT_OPTIONS = [
	{ name: 'One Item per Entry', value: 'entries' },
	{
		name: 'One Summary per Poll',
		value: 'summary',
		description: 'Counts, minutes and exact costs per client reference ID',
	},
	{
		name: 'Spend Alert',
		value: 'spendAlert',
		description: 'Only when the cost of the new entries passes a threshold',
	},
	{
		name: 'Usage Anomaly Alert',
		value: 'usageAnomaly',
		description:
			"When a client reference ID's usage jumps against its own baseline, a new ID or untagged usage appears, or requests come in a loop",
	},
] as const satisfies ReadonlyArray<{ name: string; value: TriggerOutput; description?: string }>;

export const ALERT_SCOPE_OPTIONS = [
	{ name: 'All Usage Together', value: 'overall' },
	{ name: 'Each Client Reference ID', value: 'perClient' },
] as const satisfies ReadonlyArray<{ name: string; value: SpendAlertSettings['scope'] }>;

export const LOOK_BACK_MINUTES_RANGE = { min: 1, max: 1440 };
export const BACKFILL_HOURS_RANGE = { min: 0, max: 2160 };

/** The backfill is read like Usage → Get Logs with Return All: several time slices at once. */
export const BACKFILL_CONCURRENCY_OPTION = {
	...concurrencyOption,
	displayName: 'Backfill Concurrent Requests',
	name: 'backfillConcurrency',
	description:
		'How many time slices of the backfill are read from Soniox at once, on first activation. Lower it if Soniox answers with rate limits (429); 1 reads one page at a time.',
};
/** A threshold in USD (0: any new cost), at most a billion, as exact as Soniox's costs. */
const THRESHOLD_RULE = { min: 0, max: 1_000_000_000, maxDecimals: 10 };

export interface TriggerParameters {
	mode: TriggerOutput;
	alert: SpendAlertSettings;
	/** Only with the Usage Anomaly Alert output. */
	anomaly?: AnomalySettings;
	filter: UsageFilter;
	lookBackMs: number;
	backfillMs: number;
	backfillConcurrency: number;
}

export function readTriggerParameters(context: IPollFunctions): TriggerParameters {
	checkChoice(
		context,
		undefined,
		'Event',
		context.getNodeParameter('event', 'newUsageLogEntry'),
		optionValues(EVENT_OPTIONS),
	);
	const mode = checkChoice(
		context,
		undefined,
		'Output',
		context.getNodeParameter('output', 'entries'),
		optionValues(OUTPUT_OPTIONS),
	);
	const alert: SpendAlertSettings = { thresholdUsd: '10', scope: 'perClient' };
	if (mode === 'spendAlert') {
		alert.thresholdUsd = checkAmount(
			context,
			undefined,
			'Threshold (USD)',
			context.getNodeParameter('thresholdUsd', '10'),
			THRESHOLD_RULE,
			'Enter an amount in USD, such as 25 or 12.50 (0 alerts on any new cost).',
		);
		alert.scope = checkChoice(
			context,
			undefined,
			'Threshold Applies To',
			context.getNodeParameter('alertScope', 'perClient'),
			optionValues(ALERT_SCOPE_OPTIONS),
		);
	}
	const anomaly = mode === 'usageAnomaly' ? readAnomalySettings(context) : undefined;
	const filter = readUsageFilter(context);
	const options = context.getNodeParameter('options', {}) as IDataObject;
	if (typeof options !== 'object' || options === null || Array.isArray(options)) {
		throw new NodeOperationError(context.getNode(), 'Options must be a collection of options', {
			description: 'Add options in the editor, or remove the expression.',
		});
	}
	const lookBackMinutes = checkNumber(
		context,
		undefined,
		'Options: Look-Back Window (Minutes)',
		options.lookBackMinutes ?? 15,
		LOOK_BACK_MINUTES_RANGE,
	);
	const backfillHours = checkNumber(
		context,
		undefined,
		'Options: Backfill Hours on First Activation',
		options.backfillHours ?? 0,
		BACKFILL_HOURS_RANGE,
	);
	return {
		mode,
		alert,
		anomaly,
		filter,
		lookBackMs: lookBackMinutes * 60_000,
		backfillMs: backfillHours * 3_600_000,
		backfillConcurrency: readConcurrency(context, undefined, options, BACKFILL_CONCURRENCY_OPTION),
	};
}
