// ajv's errors as Soniox reports validation problems: `{error_type, location, message}` with
// pydantic's error types and messages (location `body.payload.model`, `query.limit`, ...).
import type { ErrorObject } from 'ajv';

export interface ContractProblem {
	error_type: string;
	location: string;
	message: string;
}

const TYPE_ERRORS: Record<string, [string, string]> = {
	string: ['string_type', 'Input should be a valid string'],
	integer: ['int_type', 'Input should be a valid integer'],
	number: ['float_type', 'Input should be a valid number'],
	boolean: ['bool_type', 'Input should be a valid boolean'],
	array: ['list_type', 'Input should be a valid list'],
	object: ['model_type', 'Input should be a valid dictionary'],
};

const quoteList = (values: unknown[]) => {
	const quoted = values.map((value) => (typeof value === 'string' ? `'${value}'` : String(value)));
	return quoted.length < 2
		? quoted.join('')
		: `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
};

function describe(error: ErrorObject): [string, string] | undefined {
	const params = error.params as Record<string, unknown>;
	switch (error.keyword) {
		case 'required':
			return ['missing', 'Field required'];
		case 'additionalProperties':
		case 'unevaluatedProperties':
			return ['extra_forbidden', 'Extra inputs are not permitted'];
		case 'type': {
			const type = String(params.type).split(',')[0];
			return TYPE_ERRORS[type] ?? ['type_error', `Input should be of type ${type}`];
		}
		case 'maxLength':
			return ['string_too_long', `String should have at most ${params.limit} characters`];
		case 'minLength':
			return [
				'string_too_short',
				`String should have at least ${params.limit} character${params.limit === 1 ? '' : 's'}`,
			];
		case 'pattern':
			return ['string_pattern_mismatch', `String should match pattern '${params.pattern}'`];
		case 'minimum':
			return ['greater_than_equal', `Input should be greater than or equal to ${params.limit}`];
		case 'maximum':
			return ['less_than_equal', `Input should be less than or equal to ${params.limit}`];
		case 'maxItems':
			return ['too_long', `List should have at most ${params.limit} items`];
		case 'enum':
			return ['enum', `Input should be ${quoteList(params.allowedValues as unknown[])}`];
		case 'format':
			return params.format === 'uuid'
				? ['uuid_parsing', 'Input should be a valid UUID']
				: ['value_error', `Input should be a valid ${String(params.format)}`];
		default:
			return undefined;
	}
}

const isBranchTypeMismatch = (error: ErrorObject) =>
	error.keyword === 'type' && /\/anyOf\/\d+\/type$/.test(error.schemaPath);

/**
 * Keeps the errors a person would report: for a nullable or union field, the branch that
 * matched the value's kind, not "should be null" and "should match some schema".
 */
function relevant(errors: ErrorObject[]): ErrorObject[] {
	const deeperOrSame = (error: ErrorObject, other: ErrorObject) =>
		other !== error &&
		other.keyword !== 'anyOf' &&
		!isBranchTypeMismatch(other) &&
		(other.instancePath === error.instancePath ||
			other.instancePath.startsWith(`${error.instancePath}/`));
	const kept = errors.filter((error) => {
		if (error.keyword === 'type' && (error.params as { type?: string }).type === 'null')
			return false;
		if (error.keyword === 'anyOf' || isBranchTypeMismatch(error))
			return !errors.some((other) => deeperOrSame(error, other));
		return true;
	});
	// A value of the wrong kind for every branch: one type error, not one per branch.
	const seen = new Set<string>();
	return kept.filter((error) => {
		if (!isBranchTypeMismatch(error) && error.keyword !== 'anyOf') return true;
		if (seen.has(error.instancePath)) return false;
		seen.add(error.instancePath);
		return true;
	});
}

/** A query value arrives as text: a non-number there is pydantic's int_parsing. */
const isIntegerTypeError = (error: ErrorObject) =>
	error.keyword === 'type' &&
	String((error.params as { type?: string }).type).startsWith('integer');

export function toProblems(errors: ErrorObject[] | null | undefined, prefix: string) {
	const problems: ContractProblem[] = [];
	const locations = new Set<string>();
	for (const error of relevant(errors ?? [])) {
		const params = error.params as Record<string, unknown>;
		const segments = error.instancePath.split('/').filter(Boolean);
		const child = params.missingProperty ?? params.additionalProperty ?? params.unevaluatedProperty;
		if (typeof child === 'string') segments.push(child);
		const location = [prefix, ...segments].join('.');
		const [errorType, message] = (prefix === 'query' && isIntegerTypeError(error)
			? ['int_parsing', 'Input should be a valid integer, unable to parse string as an integer']
			: describe(error)) ?? ['value_error', error.message ?? 'Input is not valid'];
		const key = `${location} ${errorType}`;
		if (locations.has(key)) continue;
		locations.add(key);
		problems.push({ error_type: errorType, location, message });
	}
	return problems;
}
