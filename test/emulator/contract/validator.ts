// Checks requests and responses against Soniox's OpenAPI document. The document is read and
// its schemas compiled once per process; each check is then a lookup and an ajv call.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

import { toProblems, type ContractProblem } from './problems';
import { loadSpec, type Operation, type Parameter, type Spec } from './spec';

export type { ContractProblem } from './problems';
export type { Operation } from './spec';

interface Compiled {
	spec: Spec;
	ajv: Ajv2020;
	cache: Map<object, ValidateFunction>;
}

let compiled: Compiled | undefined;

function contract(): Compiled {
	if (compiled) return compiled;
	const spec = loadSpec();
	// strict: unknown keywords and formats are errors, so a schema ajv cannot read fails loudly.
	const ajv = new Ajv2020({
		allErrors: true,
		strict: true,
		strictTypes: false,
		strictRequired: false,
	});
	addFormats(ajv);
	ajv.addFormat('binary', true);
	ajv.addSchema(spec.definitions);
	compiled = { spec, ajv, cache: new Map() };
	return compiled;
}

function compile(schema: object): ValidateFunction {
	const { ajv, cache } = contract();
	let validate = cache.get(schema);
	if (!validate) {
		validate = ajv.compile(schema);
		cache.set(schema, validate);
	}
	return validate;
}

export function operations(): readonly Operation[] {
	return contract().spec.operations;
}

/** The operation for an operationId, or for a method and a concrete path. */
export function findOperation(idOrMethod: string, path?: string): Operation | undefined {
	const all = operations();
	if (path === undefined) return all.find((operation) => operation.id === idOrMethod);
	const method = idOrMethod.toUpperCase();
	return all.find((operation) => operation.method === method && operation.pattern.test(path));
}

function pathParameters(operation: Operation, path: string) {
	const names = [...operation.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
	const values = operation.pattern.exec(path)?.slice(1) ?? [];
	return Object.fromEntries(
		names.map((name, index) => {
			try {
				return [name, decodeURIComponent(values[index] ?? '')];
			} catch {
				return [name, values[index] ?? ''];
			}
		}),
	);
}

function typesOf(schema: Record<string, unknown>): string[] {
	const own = typeof schema.type === 'string' ? [schema.type] : [];
	const branches = [...((schema.anyOf as object[]) ?? []), ...((schema.allOf as object[]) ?? [])];
	return [...own, ...branches.flatMap((branch) => typesOf(branch as Record<string, unknown>))];
}

/** A query parameter's value as the API reads it: numbers parsed, lists from repeats or commas. */
function readQueryValue(parameter: Parameter, query: URLSearchParams) {
	const values = query.getAll(parameter.name).filter((value) => value !== '');
	if (values.length === 0) return undefined;
	const types = typesOf(parameter.schema);
	if (types.includes('array')) return values.flatMap((value) => value.split(','));
	const value = values[values.length - 1];
	if (types.includes('integer') && /^-?\d+$/.test(value)) return Number(value);
	if (types.includes('number') && value.trim() !== '' && Number.isFinite(Number(value)))
		return Number(value);
	return value;
}

function parametersSchema(operation: Operation, place: 'path' | 'query') {
	const chosen = operation.parameters.filter((parameter) => parameter.in === place);
	return {
		type: 'object',
		properties: Object.fromEntries(chosen.map((parameter) => [parameter.name, parameter.schema])),
		required: chosen.filter((parameter) => parameter.required).map((parameter) => parameter.name),
	};
}

const schemaCache = new WeakMap<Operation, Record<string, object>>();

function parameterSchemas(operation: Operation) {
	let schemas = schemaCache.get(operation);
	if (!schemas) {
		schemas = {
			path: parametersSchema(operation, 'path'),
			query: parametersSchema(operation, 'query'),
		};
		schemaCache.set(operation, schemas);
	}
	return schemas;
}

export interface RequestCheck {
	operation?: Operation;
	/** Problems with path parameters (the API answers them as "not found"). */
	pathProblems: ContractProblem[];
	/** Problems with the query and the body (the API answers them with 400). */
	problems: ContractProblem[];
}

/**
 * Checks a request: path parameters, query parameters and, when given, the body (a parsed
 * JSON value, or for multipart the field names with their values, a file part as any string).
 */
export function validateRequest(
	method: string,
	path: string,
	query: URLSearchParams | Record<string, string | string[]>,
	body?: unknown,
	contentType?: string,
): RequestCheck {
	const operation = findOperation(method, path);
	if (!operation) {
		return {
			pathProblems: [],
			problems: [
				{ error_type: 'not_found', location: 'path', message: `No operation ${method} ${path}.` },
			],
		};
	}
	const params =
		query instanceof URLSearchParams
			? query
			: new URLSearchParams(
					Object.entries(query).flatMap(([name, value]) =>
						(Array.isArray(value) ? value : [value]).map((item) => [name, item]),
					),
				);
	const schemas = parameterSchemas(operation);
	const validatePath = compile(schemas.path);
	validatePath(pathParameters(operation, path));
	const pathProblems = toProblems(validatePath.errors, 'path');

	const queryValues: Record<string, unknown> = {};
	for (const parameter of operation.parameters.filter((entry) => entry.in === 'query')) {
		const value = readQueryValue(parameter, params);
		if (value !== undefined) queryValues[parameter.name] = value;
	}
	const validateQuery = compile(schemas.query);
	validateQuery(queryValues);
	const problems = toProblems(validateQuery.errors, 'query');

	if (operation.body) {
		const multipart = operation.body.contentType === 'multipart/form-data';
		const prefix = multipart ? 'file' : 'body.payload';
		if (
			contentType !== undefined &&
			!contentType.toLowerCase().startsWith(operation.body.contentType)
		) {
			problems.push({
				error_type: 'content_type',
				location: 'body',
				message: `Content-Type should be ${operation.body.contentType}`,
			});
		} else if (body !== undefined) {
			const validateBody = compile(operation.body.schema);
			validateBody(body);
			problems.push(...toProblems(validateBody.errors, prefix));
		}
	}
	return { operation, pathProblems, problems };
}

/**
 * Checks a response of `operation` (an operationId, or "METHOD /concrete/path"): its status is
 * documented, its media type is one the status lists, its body validates, and an error's
 * `error_type` is one the status documents. Returns the problems in words (none: it conforms).
 */
export function validateResponse(
	operationName: string,
	status: number,
	body: unknown,
	contentType = 'application/json',
): string[] {
	const [first, path] = operationName.split(' ');
	const operation = path === undefined ? findOperation(first) : findOperation(first, path);
	if (!operation) return [`no operation ${operationName}`];
	const name = `${operation.id} ${status}`;
	const response = operation.responses[String(status)];
	if (!response) {
		return [
			`${name}: status ${status} is not documented (${Object.keys(operation.responses).join(', ')})`,
		];
	}
	const mediaTypes = Object.keys(response.content);
	if (mediaTypes.length === 0) {
		return body === undefined || body === '' ? [] : [`${name}: the response should have no body`];
	}
	const mediaType = contentType.split(';')[0].trim().toLowerCase();
	if (!mediaTypes.includes(mediaType)) {
		return [`${name}: media type ${mediaType} is not documented (${mediaTypes.join(', ')})`];
	}
	const schema = response.content[mediaType];
	if (!schema || mediaType !== 'application/json') return [];
	const validate = compile(schema);
	const problems: string[] = [];
	if (!validate(body)) {
		for (const problem of toProblems(validate.errors, 'body'))
			problems.push(`${name}: ${problem.location}: ${problem.message} (${problem.error_type})`);
	}
	const errorType = (body as { error_type?: unknown } | null)?.error_type;
	if (
		status >= 400 &&
		response.errorTypes.length > 0 &&
		typeof errorType === 'string' &&
		!response.errorTypes.includes(errorType) &&
		// A request that fails validation is invalid_request on any 400 (ApiError.validation_errors).
		!(status === 400 && errorType === 'invalid_request')
	) {
		problems.push(
			`${name}: error_type ${errorType} is not documented (${response.errorTypes.join(', ')})`,
		);
	}
	return problems;
}
