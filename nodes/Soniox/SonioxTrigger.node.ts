import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';

import { SONIOX_ICON } from './icon';
import { pollBudgetAlerts } from './trigger/budgetAlerts';
import { BUDGET_EVENT, withBudgetEvent } from './trigger/budgetParameters';
import { ANOMALY_FIELDS } from './trigger/anomalyParameters';
import {
	ALERT_SCOPE_OPTIONS,
	BACKFILL_CONCURRENCY_OPTION,
	BACKFILL_HOURS_RANGE,
	EVENT_OPTIONS,
	LOOK_BACK_MINUTES_RANGE,
	OUTPUT_OPTIONS,
	readTriggerParameters,
} from './trigger/triggerParameters';
import { pollUsageItems, testEventItems } from './trigger/usageEvents';
import { usageFiltersCollection } from './v1/actions/usage/usageFilters';
import { credentialTest } from './v1/methods';

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
		const parameters = readTriggerParameters(this);
		const items =
			this.getMode() === 'manual'
				? await testEventItems.call(this, parameters, Date.now())
				: await pollUsageItems.call(this, parameters, Date.now());
		return items.length ? [items] : null;
	}
}
