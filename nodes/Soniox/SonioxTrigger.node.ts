import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';

import { SONIOX_ICON } from './icon';
import { pollOutput, type OutputMode, type SpendAlertSettings } from './trigger/pollOutput';
import { initialState, pollNewEntries, readState } from './trigger/usagePoller';
import { isDecimal } from './v1/helpers/decimal';
import { DAY_MS } from './v1/helpers/timeRange';
import {
	matchesUsageFilter,
	readUsageFilter,
	usageFiltersCollection,
} from './v1/actions/usage/usageFilters';
import { streamUsageLogs } from './v1/transport/usageLogs';

const TEST_EVENT_COUNT = 5;

export class SonioxTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Soniox Trigger',
		name: 'sonioxTrigger',
		icon: SONIOX_ICON,
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "New usage: " + $parameter["output"] }}',
		description:
			'Starts the workflow for new Soniox usage: per entry, as a digest, or as a spend alert',
		defaults: { name: 'Soniox Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'sonioxSuiteApi', required: true }],
		properties: [
			{
				displayName:
					'Every usage-log entry is delivered exactly once, also when Soniox publishes it late, across restarts and failed polls',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				options: [{ name: 'New Usage Log Entry', value: 'newUsageLogEntry' }],
				default: 'newUsageLogEntry',
			},
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				options: [
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
				],
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
				options: [
					{ name: 'All Usage Together', value: 'overall' },
					{ name: 'Each Client Reference ID', value: 'perClient' },
				],
				default: 'perClient',
				displayOptions: { show: { output: ['spendAlert'] } },
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
						displayName: 'Backfill Hours on First Activation',
						name: 'backfillHours',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 2160 },
						default: 0,
						description:
							'How many hours of past usage the first poll delivers; 0 starts from the moment of activation',
					},
					{
						displayName: 'Look-Back Window (Minutes)',
						name: 'lookBackMinutes',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 1440 },
						default: 15,
						description:
							'How late Soniox may publish an entry and still have it delivered; longer costs a little more per poll',
					},
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const filter = readUsageFilter(this);
		const mode = this.getNodeParameter('output', 'entries') as OutputMode;
		const alert: SpendAlertSettings = {
			thresholdUsd: String(this.getNodeParameter('thresholdUsd', '10')),
			scope: this.getNodeParameter('alertScope', 'perClient') as SpendAlertSettings['scope'],
		};
		if (mode === 'spendAlert' && !isDecimal(alert.thresholdUsd)) {
			throw new NodeOperationError(
				this.getNode(),
				`Threshold "${alert.thresholdUsd}" is not an amount in USD`,
				{
					description: 'Use a number such as 25 or 12.50.',
				},
			);
		}
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const now = Date.now();

		if (this.getMode() === 'manual') {
			// "Fetch test event": the newest entries, without touching the state.
			const newest = [];
			const window = { start: new Date(now - DAY_MS), end: new Date(now + 60_000) };
			for await (const page of streamUsageLogs.call(this, window, { sort: 'end_time_desc' })) {
				newest.push(...page.filter((entry) => matchesUsageFilter(entry, filter)));
				if (newest.length >= TEST_EVENT_COUNT) break;
			}
			const items = pollOutput(
				newest.slice(0, TEST_EVENT_COUNT).reverse(),
				mode === 'spendAlert' ? 'summary' : mode,
				alert,
			);
			return items.length ? [items] : null;
		}

		const settings = {
			now,
			lookBackMs: Number(options.lookBackMinutes ?? 15) * 60_000,
			backfillMs: Number(options.backfillHours ?? 0) * 3_600_000,
		};
		const staticData = this.getWorkflowStaticData('node');
		const state = readState(staticData) ?? initialState(settings);
		const { entries, next } = await pollNewEntries.call(this, state, settings);
		// Committed only now that every page was read.
		staticData.usagePoller = next as unknown as IDataObject;
		const items = pollOutput(
			entries.filter((entry) => matchesUsageFilter(entry, filter)),
			mode,
			alert,
		);
		return items.length ? [items] : null;
	}
}
