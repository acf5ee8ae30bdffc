// Checks shared by the usage operations (one item each) and the Soniox Trigger (no item: its
// parameters do not depend on items, so its errors name the field alone). With an item index
// they are the checks of helpers/parameterValues.ts; without one they say the same, minus the
// item.
import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INode, IPollFunctions } from 'n8n-workflow';

import { amountProblem, type AmountRule } from '../../helpers/decimal';
import { checkChoice, checkNumber, type NumberRange } from '../../helpers/parameterValues';
import { MalformedUsageEntryError } from '../../helpers/usageLogEntry';

export type UsageContext = IExecuteFunctions | IPollFunctions;

function shown(value: unknown): string {
	if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
	if (typeof value === 'number') return String(value);
	if (value === null) return 'null';
	return Array.isArray(value) ? 'a list' : `a value of type ${typeof value}`;
}

function of(itemIndex: number | undefined): string {
	return itemIndex === undefined ? '' : ` of item ${itemIndex}`;
}

/** One value of an options field. */
export function checkOneChoice<T extends string>(
	context: UsageContext,
	itemIndex: number | undefined,
	label: string,
	value: unknown,
	choices: readonly T[],
): T {
	if (itemIndex !== undefined) {
		return checkChoice(context as IExecuteFunctions, itemIndex, label, value, choices);
	}
	const list =
		choices.length === 1
			? choices[0]
			: `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}`;
	const picked = choices.find((choice) => choice === value);
	if (picked !== undefined) return picked;
	throw new NodeOperationError(context.getNode(), `${label} must be ${list}, not ${shown(value)}`, {
		description: `Choose ${label} from the list, or map one of: ${list}.`,
	});
}

/** A whole number in a range (text that is a number counts as that number). */
export function checkWholeNumber(
	context: UsageContext,
	itemIndex: number | undefined,
	label: string,
	value: unknown,
	range: NumberRange,
): number {
	if (itemIndex !== undefined) {
		return checkNumber(context as IExecuteFunctions, itemIndex, label, value, range);
	}
	const number =
		typeof value === 'number'
			? value
			: typeof value === 'string' && value.trim() !== ''
				? Number(value)
				: NaN;
	if (
		Number.isInteger(number) &&
		number >= range.min &&
		(range.max === undefined || number <= range.max)
	) {
		return number;
	}
	const expected = `a whole number ${range.max === undefined ? `of at least ${range.min}` : `from ${range.min} to ${range.max}`}`;
	throw new NodeOperationError(
		context.getNode(),
		`${label} must be ${expected}, not ${shown(value)}`,
		{
			description: `Enter ${expected}, or map one, e.g. {{ $json.value }}.`,
		},
	);
}

/** A decimal amount (USD, a factor) as exact text, within the rule. */
export function checkAmount(
	context: UsageContext,
	itemIndex: number | undefined,
	label: string,
	value: unknown,
	rule: AmountRule,
	hint: string,
): string {
	const problem = amountProblem(value, rule);
	if (problem === undefined) return String(value).trim();
	throw new NodeOperationError(
		context.getNode(),
		`${label}${of(itemIndex)} ${shown(value)} ${problem}`,
		{ itemIndex, description: hint },
	);
}

/** Text (a number counts as its digits); '' for empty, undefined and null. */
export function checkPlainText(
	context: UsageContext,
	itemIndex: number | undefined,
	label: string,
	value: unknown,
	hint: string,
): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	throw new NodeOperationError(
		context.getNode(),
		`${label}${of(itemIndex)} must be text, not ${shown(value)}`,
		{ itemIndex, description: hint },
	);
}

/** A malformed usage entry from Soniox as a node error naming the entry and the field. */
export function usageEntryFailure(node: INode, error: unknown, itemIndex?: number): unknown {
	if (!(error instanceof MalformedUsageEntryError)) return error;
	return new NodeOperationError(node, error.message, {
		itemIndex,
		description:
			'Soniox returned a usage-log entry this node cannot count, so no total was produced (a total without it would be wrong). Check the entry in the Soniox Console, or contact Soniox support with its uuid.',
	});
}
