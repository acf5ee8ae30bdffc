// An expression can turn any field into any type. These checks run before a request is made,
// and their errors name the field as the editor shows it. The read* functions take the field's
// own description, so its label, range and choices are written once, where the editor reads them.
import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { amountProblem, type AmountRule } from './decimal';

function kindOf(value: unknown): string {
	if (Array.isArray(value)) return 'a list';
	if (value === null) return 'null';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A value as an error message shows it: long text cut short. */
export function shown(value: unknown): string {
	if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
	return typeof value === 'number' ? String(value) : kindOf(value);
}

/**
 * What a check needs of n8n: the node, for its errors. Without an item index (a trigger's
 * parameters, which no item sets) an error names the field alone.
 */
export type CheckContext = Pick<IExecuteFunctions, 'getNode'>;

/** Refuses an item's input: the message says what is wrong, the description how to fix it. */
export function failItem(
	context: CheckContext,
	itemIndex: number,
	message: string,
	description: string,
): never {
	throw new NodeOperationError(context.getNode(), message, { itemIndex, description });
}

const ofItem = (itemIndex: number | undefined) =>
	itemIndex === undefined ? '' : ` of item ${itemIndex}`;

/** Characters as JSON Schema's maxLength counts them: code points, not UTF-16 units. */
export function codePoints(text: string): number {
	let count = 0;
	for (const _ of text) count++;
	return count;
}

export interface TextRule {
	/** How to fix a wrong value: the error's description. */
	hint: string;
	/** Refuse a value that is empty or blank. */
	required?: boolean;
	maxLength?: number;
	/** Take a number as its digits (true by default: IDs are often numbers). */
	allowNumber?: boolean;
}

/** The text of a field, '' when it is empty (undefined and null included). */
export function checkText(
	context: CheckContext,
	itemIndex: number | undefined,
	label: string,
	value: unknown,
	rule: TextRule,
): string {
	const fail = (problem: string): never => {
		throw new NodeOperationError(context.getNode(), `${label}${ofItem(itemIndex)} ${problem}`, {
			itemIndex,
			description: rule.hint,
		});
	};
	let text = '';
	if (typeof value === 'string') text = value;
	else if (typeof value === 'number' && rule.allowNumber !== false) text = String(value);
	else if (value !== undefined && value !== null) fail(`must be text, not ${kindOf(value)}`);
	if (rule.required && text.trim() === '') fail('is empty');
	// Soniox counts characters as its schema's maxLength does, by code point: an emoji is one.
	const length = rule.maxLength === undefined ? 0 : codePoints(text);
	if (rule.maxLength !== undefined && length > rule.maxLength) {
		fail(`is ${length} characters long; Soniox accepts at most ${rule.maxLength}`);
	}
	return text;
}

export interface NumberRange {
	min: number;
	max?: number;
	/** Whole numbers only (true by default). */
	whole?: boolean;
}

/** A number within the range; text that is a number counts as that number. */
export function checkNumber(
	context: CheckContext,
	itemIndex: number | undefined,
	label: string,
	value: unknown,
	range: NumberRange,
): number {
	const number =
		typeof value === 'number'
			? value
			: typeof value === 'string' && value.trim() !== ''
				? Number(value)
				: NaN;
	const whole = range.whole ?? true;
	const inRange =
		Number.isFinite(number) &&
		(!whole || Number.isInteger(number)) &&
		number >= range.min &&
		(range.max === undefined || number <= range.max);
	if (inRange) return number;
	const expected = `${whole ? 'a whole number' : 'a number'} ${range.max === undefined ? `of at least ${range.min}` : `from ${range.min} to ${range.max}`}`;
	throw new NodeOperationError(
		context.getNode(),
		`${label}${ofItem(itemIndex)} must be ${expected}, not ${shown(value)}`,
		{ itemIndex, description: `Enter ${expected}, or map one, e.g. {{ $json.value }}.` },
	);
}

/** A decimal amount (USD, a factor) as exact text, within the rule. */
export function checkAmount(
	context: CheckContext,
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
		`${label}${ofItem(itemIndex)} ${shown(value)} ${problem}`,
		{ itemIndex, description: hint },
	);
}

/**
 * A yes/no field: true or false (their text too, as an expression may give it); absent is false.
 * Anything else is refused, rather than silently read as false.
 */
export function checkBoolean(
	context: CheckContext,
	itemIndex: number | undefined,
	label: string,
	value: unknown,
): boolean {
	if (typeof value === 'boolean') return value;
	if (value === undefined || value === null || value === '') return false;
	if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) {
		return value.trim().toLowerCase() === 'true';
	}
	throw new NodeOperationError(
		context.getNode(),
		`${label}${ofItem(itemIndex)} must be true or false, not ${shown(value)}`,
		{ itemIndex, description: `Switch ${label} on or off, or map true or false.` },
	);
}

/** A boolean field of the item, or the value given (a field inside a collection). */
export function readBoolean(
	context: IExecuteFunctions,
	itemIndex: number,
	field: INodeProperties,
	...value: [unknown?]
): boolean {
	return checkBoolean(
		context,
		itemIndex,
		field.displayName,
		valueOf(context, itemIndex, field, value),
	);
}

/** The values an options field offers, as checkChoice and checkChoices take them. */
export function optionValues<T extends string>(options: ReadonlyArray<{ value: T }>): T[] {
	return options.map((option) => option.value);
}

/** One of a fixed set of values (an options field set by an expression). */
export function checkChoice<T extends string | number>(
	context: CheckContext,
	itemIndex: number | undefined,
	label: string,
	value: unknown,
	choices: readonly T[],
): T {
	const match = choices.find((choice) => choice === value || String(choice) === String(value));
	if (match !== undefined && typeof value !== 'object') return match;
	const listed = choices.map((choice) => String(choice));
	const list =
		listed.length === 1
			? listed[0]
			: `${listed.slice(0, -1).join(', ')} or ${listed[listed.length - 1]}`;
	throw new NodeOperationError(
		context.getNode(),
		`${label}${ofItem(itemIndex)} must be ${list}, not ${shown(value)}`,
		{ itemIndex, description: `Choose ${label} from the list, or map one of: ${list}.` },
	);
}

/**
 * Several of a fixed set of values (a multi-options field): a list, or text separated by
 * commas as an expression may give it. Without an item index (a trigger's parameters) the
 * error names the field alone.
 */
export function checkChoices<T extends string>(
	context: CheckContext,
	itemIndex: number | undefined,
	label: string,
	value: unknown,
	choices: readonly T[],
): T[] {
	const parts =
		typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : [value];
	const picked = parts
		.filter((part) => part !== undefined && part !== null && String(part).trim() !== '')
		.map((part) => (typeof part === 'string' ? part.trim() : part));
	const wrong = picked.find(
		(part) => typeof part !== 'string' || !choices.includes(part as T),
	) as unknown;
	if (wrong === undefined) return [...new Set(picked as T[])];
	const list = choices.join(', ');
	throw new NodeOperationError(
		context.getNode(),
		`${label}${ofItem(itemIndex)} may hold only ${list}, not ${shown(wrong)}`,
		{ itemIndex, description: `Choose ${label} from the list, or map a list of: ${list}.` },
	);
}

/** A field's value: the item's parameter, or the value given (a field inside a collection). */
function valueOf(
	context: IExecuteFunctions,
	itemIndex: number,
	field: INodeProperties,
	given: unknown[],
): unknown {
	return given.length > 0
		? given[0]
		: context.getNodeParameter(field.name, itemIndex, field.default);
}

function choicesOf(field: INodeProperties): Array<string | number> {
	return ((field.options ?? []) as INodePropertyOptions[]).map((option) =>
		typeof option.value === 'number' ? option.value : String(option.value),
	);
}

/** A number field, within the minValue and maxValue it declares; whole unless it has decimals. */
export function readNumber(
	context: IExecuteFunctions,
	itemIndex: number,
	field: INodeProperties,
	...value: [unknown?]
): number {
	const { minValue, maxValue, numberPrecision } = field.typeOptions ?? {};
	return checkNumber(
		context,
		itemIndex,
		field.displayName,
		valueOf(context, itemIndex, field, value),
		{
			min: minValue ?? 0,
			max: maxValue,
			whole: !numberPrecision,
		},
	);
}

/** An options field: one of the values it offers. */
export function readChoice<T extends string | number = string>(
	context: IExecuteFunctions,
	itemIndex: number,
	field: INodeProperties,
	...value: [unknown?]
): T {
	const choices = choicesOf(field) as T[];
	return checkChoice(
		context,
		itemIndex,
		field.displayName,
		valueOf(context, itemIndex, field, value),
		choices,
	);
}

/** A multiOptions field: some of the values it offers. */
export function readChoices<T extends string = string>(
	context: IExecuteFunctions,
	itemIndex: number,
	field: INodeProperties,
	...value: [unknown?]
): T[] {
	const choices = choicesOf(field).map(String) as T[];
	return checkChoices(
		context,
		itemIndex,
		field.displayName,
		valueOf(context, itemIndex, field, value),
		choices,
	);
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** A calendar month as YYYY-MM; empty means `fallback` (e.g. the current UTC month). */
export function checkMonth(
	context: CheckContext,
	itemIndex: number | undefined,
	label: string,
	value: unknown,
	fallback: string,
): string {
	const hint =
		'Enter a month as YYYY-MM, e.g. 2026-05, or leave it empty for the current UTC month.';
	const month = checkText(context, itemIndex, label, value, { hint, allowNumber: false }).trim();
	if (month === '') return fallback;
	if (MONTH.test(month)) return month;
	throw new NodeOperationError(
		context.getNode(),
		`${label}${ofItem(itemIndex)} must be a month as YYYY-MM, not ${shown(value)}`,
		{ itemIndex, description: hint },
	);
}
