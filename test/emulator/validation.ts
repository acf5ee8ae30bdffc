// Field checks that produce Soniox-style validation errors (location body.payload.<field>).
import { invalid, problem, type ValidationProblem } from './errors';

export const CLIENT_REFERENCE_ID_MAX = 256;
export const URL_PATTERN = /^https?:\/\/[^\s]+$/;

/** Collects problems for one request, then throws them together. */
export class Checker {
	readonly problems: ValidationProblem[] = [];

	constructor(
		private readonly body: Record<string, unknown>,
		private readonly prefix = 'body.payload',
	) {}

	fail(field: string, message: string, errorType = 'value_error') {
		this.problems.push(problem(`${this.prefix}.${field}`, message, errorType));
	}

	string(field: string, options: { required?: boolean; max?: number; pattern?: RegExp } = {}) {
		const value = this.body[field];
		if (value === undefined || value === null) {
			if (options.required) this.fail(field, 'Field required', 'missing');
			return undefined;
		}
		if (typeof value !== 'string') {
			this.fail(field, 'Input should be a valid string', 'string_type');
			return undefined;
		}
		if (options.max !== undefined && value.length > options.max) {
			this.fail(field, `String should have at most ${options.max} characters`, 'string_too_long');
			return undefined;
		}
		if (options.pattern && !options.pattern.test(value)) {
			this.fail(
				field,
				`String should match pattern '${options.pattern.source}'`,
				'string_pattern_mismatch',
			);
			return undefined;
		}
		return value;
	}

	integer(field: string, options: { required?: boolean; min: number; max: number }) {
		const value = this.body[field];
		if (value === undefined || value === null) {
			if (options.required) this.fail(field, 'Field required', 'missing');
			return undefined;
		}
		if (typeof value !== 'number' || !Number.isInteger(value)) {
			this.fail(field, 'Input should be a valid integer', 'int_type');
			return undefined;
		}
		if (value < options.min) {
			this.fail(
				field,
				`Input should be greater than or equal to ${options.min}`,
				'greater_than_equal',
			);
			return undefined;
		}
		if (value > options.max) {
			this.fail(field, `Input should be less than or equal to ${options.max}`, 'less_than_equal');
			return undefined;
		}
		return value;
	}

	boolean(field: string) {
		const value = this.body[field];
		if (value === undefined || value === null) return undefined;
		if (typeof value !== 'boolean') {
			this.fail(field, 'Input should be a valid boolean', 'bool_type');
			return undefined;
		}
		return value;
	}

	stringList(field: string, options: { maxItems: number; maxLength: number }) {
		const value = this.body[field];
		if (value === undefined || value === null) return undefined;
		if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
			this.fail(field, 'Input should be a valid list of strings', 'list_type');
			return undefined;
		}
		if (value.length > options.maxItems) {
			this.fail(field, `List should have at most ${options.maxItems} items`, 'too_long');
			return undefined;
		}
		if (value.some((item: string) => item.length > options.maxLength)) {
			this.fail(
				field,
				`Each item should have at most ${options.maxLength} characters`,
				'string_too_long',
			);
			return undefined;
		}
		return value as string[];
	}

	clientReferenceId() {
		return this.string('client_reference_id', { max: CLIENT_REFERENCE_ID_MAX }) ?? null;
	}

	done() {
		if (this.problems.length > 0) throw invalid(...this.problems);
	}
}

const ISO_DATE_TIME =
	/^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Reads a timestamp as the API's datetime fields do: ISO 8601 (a time without an offset is
 * UTC, a date alone is its midnight) or a number of Unix seconds (milliseconds when it is
 * too large to be seconds). NaN when it is neither.
 */
export function parseTimestamp(text: string | null): number {
	if (text === null) return NaN;
	const trimmed = text.trim();
	if (/^\d{1,15}(\.\d+)?$/.test(trimmed)) {
		const value = Number(trimmed);
		return value > 2e10 ? Math.trunc(value) : Math.trunc(value * 1000);
	}
	const match = ISO_DATE_TIME.exec(trimmed);
	if (!match) return NaN;
	const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', zone] = match;
	const parts = [year, month, day, hour, minute, second].map(Number);
	const utc = Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5]);
	const check = new Date(utc);
	if (
		check.getUTCFullYear() !== parts[0] ||
		check.getUTCMonth() !== parts[1] - 1 ||
		check.getUTCDate() !== parts[2] ||
		check.getUTCHours() !== parts[3] ||
		check.getUTCMinutes() !== parts[4]
	) {
		return NaN;
	}
	const millis = Math.trunc(Number(`0.${fraction || '0'}`) * 1000);
	let offsetMinutes = 0;
	if (zone && zone.toUpperCase() !== 'Z') {
		const digits = zone.slice(1).replace(':', '');
		const hours = Number(digits.slice(0, 2));
		const minutes = Number(digits.slice(2) || '0');
		if (hours > 23 || minutes > 59) return NaN;
		offsetMinutes = (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
	}
	return utc + millis - offsetMinutes * 60_000;
}
