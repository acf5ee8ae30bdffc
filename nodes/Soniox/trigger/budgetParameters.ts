// The Organization Budget Alert event's fields (shown only for it) and their checks. The other
// fields of the trigger are about usage-log entries and are hidden for this event.
import type { INodeProperties, IPollFunctions } from 'n8n-workflow';

import {
	checkAmount,
	checkChoices,
	checkNumber,
	optionValues,
} from '../v1/helpers/parameterValues';

export const BUDGET_EVENT = 'organizationBudget';
const onlyBudgetEvent = { show: { event: [BUDGET_EVENT] } };

export type BudgetCondition = 'balanceBelow' | 'budgetShare' | 'runOut';

const CONDITION_OPTIONS = [
	{
		name: 'Balance Falls Below',
		value: 'balanceBelow',
		description: 'The prepaid balance is below an amount',
	},
	{
		name: 'Budget or Balance Runs Out Soon',
		value: 'runOut',
		description:
			"At this month's burn rate, the remaining budget or the balance lasts no more than some days",
	},
	{
		name: 'Usage Reaches a Share of the Budget',
		value: 'budgetShare',
		description: "This month's usage reaches a percentage of the monthly budget",
	},
] as const satisfies ReadonlyArray<{ name: string; value: BudgetCondition; description: string }>;

const SHARE_RANGE = { min: 1, max: 1000 };
const DAYS_RANGE = { min: 1, max: 366 };
const BALANCE_RULE = { min: 0, max: 1_000_000_000, maxDecimals: 10 };

const budgetProperties: INodeProperties[] = [
	{
		displayName:
			'Alerts once when a condition starts to hold, not at every poll; it alerts again after the condition has cleared, and at the start of each month. Needs a Soniox Organization API credential.',
		name: 'budgetNotice',
		type: 'notice',
		default: '',
		displayOptions: onlyBudgetEvent,
	},
	{
		displayName: 'Alert When',
		name: 'budgetConditions',
		type: 'multiOptions',
		options: [...CONDITION_OPTIONS],
		default: ['budgetShare'],
		displayOptions: onlyBudgetEvent,
	},
	{
		displayName: 'Share of Budget (%)',
		name: 'budgetSharePercent',
		type: 'number',
		typeOptions: { minValue: SHARE_RANGE.min, maxValue: SHARE_RANGE.max },
		default: 80,
		description: "Alert when this month's usage reaches this percentage of the monthly budget",
		displayOptions: { show: { event: [BUDGET_EVENT], budgetConditions: ['budgetShare'] } },
	},
	{
		displayName: 'Balance Below (USD)',
		name: 'balanceBelowUsd',
		type: 'string',
		default: '10',
		placeholder: 'e.g. 25.50',
		description: 'Alert when the prepaid balance is below this amount',
		displayOptions: { show: { event: [BUDGET_EVENT], budgetConditions: ['balanceBelow'] } },
	},
	{
		displayName: 'Runs Out Within (Days)',
		name: 'runOutDays',
		type: 'number',
		typeOptions: { minValue: DAYS_RANGE.min, maxValue: DAYS_RANGE.max },
		default: 7,
		description:
			"Alert when, at this month's burn rate (usage so far ÷ days elapsed), the remaining budget or the balance runs out within this many days",
		displayOptions: { show: { event: [BUDGET_EVENT], budgetConditions: ['runOut'] } },
	},
];

/** The trigger's fields with the budget event's inserted after Event, the others hidden for it. */
export function withBudgetEvent(properties: INodeProperties[]): INodeProperties[] {
	return properties.flatMap((property) => {
		if (property.name === 'event') return [property, ...budgetProperties];
		const displayOptions = property.displayOptions ?? {};
		const hide = { ...displayOptions.hide, event: [BUDGET_EVENT] };
		return [{ ...property, displayOptions: { ...displayOptions, hide } }];
	});
}

export interface BudgetSettings {
	conditions: BudgetCondition[];
	sharePercent: number;
	balanceBelowUsd: string;
	runOutDays: number;
}

export function readBudgetParameters(context: IPollFunctions): BudgetSettings {
	const conditions = checkChoices(
		context,
		undefined,
		'Alert When',
		context.getNodeParameter('budgetConditions', ['budgetShare']),
		optionValues(CONDITION_OPTIONS),
	);
	return {
		conditions,
		sharePercent: checkNumber(
			context,
			undefined,
			'Share of Budget (%)',
			context.getNodeParameter('budgetSharePercent', 80),
			SHARE_RANGE,
		),
		balanceBelowUsd: checkAmount(
			context,
			undefined,
			'Balance Below (USD)',
			context.getNodeParameter('balanceBelowUsd', '10'),
			BALANCE_RULE,
			'Enter an amount in USD, such as 25 or 12.50.',
		),
		runOutDays: checkNumber(
			context,
			undefined,
			'Runs Out Within (Days)',
			context.getNodeParameter('runOutDays', 7),
			DAYS_RANGE,
		),
	};
}
