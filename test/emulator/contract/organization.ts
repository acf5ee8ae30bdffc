// The Organization API's shapes: not in the OpenAPI document, so written here (README.md says
// which fields come from Soniox's guide and which are ours). Closed like the REST schemas.
// Also the one refusal the guide adds to every endpoint: permission_denied for the wrong
// kind of key, which the OpenAPI document does not list.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';

const amount = { type: 'string', pattern: '^\\d+\\.\\d{10}$' };
const nullableAmount = { anyOf: [amount, { type: 'null' }] };
const text = { type: 'string', minLength: 1 };
const closed = (properties: Record<string, object>) => ({
	type: 'object',
	properties,
	required: Object.keys(properties),
	additionalProperties: false,
});

const ORGANIZATION_SCHEMAS: Record<string, object> = {
	'/v1/organization': closed({ id: text, name: text, created_at: text }),
	'/v1/organization/projects': closed({
		projects: { type: 'array', items: closed({ id: text, name: text, created_at: text }) },
	}),
	'/v1/organization/limits': closed({
		monthly_budget_usd: nullableAmount,
		monthly_budget_notification_usd: nullableAmount,
	}),
	'/v1/organization/balance': closed({ balance_usd: amount, invoice_billing: { type: 'boolean' } }),
	'/v1/organization/usage/monthly': closed({
		month: { type: 'string', pattern: '^\\d{4}-\\d{2}$' },
		usage_usd: amount,
		free_usage_usd: amount,
		invoiced_usage_usd: amount,
		api_usage_usd: amount,
		playground_usage_usd: amount,
		monthly_budget_usd: nullableAmount,
		monthly_budget_notification_usd: nullableAmount,
		remaining_budget_usd: nullableAmount,
		budget_exhausted: { type: ['boolean', 'null'] },
		projects: { type: 'array', items: closed({ id: text, name: text, usage_usd: amount }) },
	}),
};

const API_ERROR = closed({
	status_code: { type: 'integer' },
	error_type: { type: 'string' },
	message: { type: 'string' },
	validation_errors: { type: 'array' },
	request_id: { type: 'string' },
	more_info: { type: 'string' },
});

/** What each error status of the Organization API may carry (ours: the guide names only permission_denied). */
const ERROR_TYPES: Record<number, string[]> = {
	400: ['invalid_request'],
	401: ['unauthenticated'],
	403: ['permission_denied'],
	429: ['limit_exceeded'],
	500: ['internal_error'],
};

let ajv: Ajv2020 | undefined;
const compiled = new Map<object, ValidateFunction>();

function validator(schema: object) {
	ajv ??= new Ajv2020({ allErrors: true, strict: true });
	let validate = compiled.get(schema);
	if (!validate) {
		validate = ajv.compile(schema);
		compiled.set(schema, validate);
	}
	return validate;
}

const problemsOf = (validate: ValidateFunction) =>
	(validate.errors ?? []).map((error) => `body${error.instancePath}: ${error.message}`);

export const isOrganizationPath = (path: string) =>
	path === '/v1/organization' || path.startsWith('/v1/organization/');

/** The problems of an Organization API response (none: it conforms). */
export function validateOrganizationResponse(
	path: string,
	status: number,
	body: unknown,
): string[] {
	if (status >= 400) {
		const types = ERROR_TYPES[status];
		if (!types) return [`status ${status} is not one the Organization API answers with`];
		const validate = validator(API_ERROR);
		if (!validate(body)) return problemsOf(validate);
		const { error_type: errorType } = body as { error_type: string };
		return types.includes(errorType) ? [] : [`error_type ${errorType} does not go with ${status}`];
	}
	const schema = ORGANIZATION_SCHEMAS[path];
	if (!schema) return [`${path} is not an Organization API endpoint`];
	const validate = validator(schema);
	return validate(body) ? [] : problemsOf(validate);
}

/**
 * A project endpoint refusing an organization key (the guide): permission_denied, 403, in the
 * endpoint's own error envelope (ApiError, or TTSApiError on POST /tts).
 */
export function isKeyKindRefusal(status: number, body: unknown) {
	return (
		status === 403 &&
		typeof body === 'object' &&
		body !== null &&
		(body as { error_type?: unknown }).error_type === 'permission_denied'
	);
}
