// Soniox's OpenAPI document, read once and turned into operations with JSON Schemas that ajv
// can compile: `$ref`s point into one registered schema, examples are dropped, and every
// object schema that does not say otherwise is closed (an undocumented property fails).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'yaml';

export const SPEC_PATH = join(__dirname, 'openapi.yaml');
/** The $id under which the document's component schemas are registered with ajv. */
export const DEFS_ID = 'soniox-openapi';

type Schema = Record<string, unknown>;

export interface Parameter {
	name: string;
	in: 'path' | 'query' | 'header';
	required: boolean;
	schema: Schema;
}

export interface ResponseSpec {
	/** Media types and their schemas; empty for a response without a body (204). */
	content: Record<string, Schema | undefined>;
	/** The `error_type` values the response documents (none listed: any is accepted). */
	errorTypes: string[];
}

export interface Operation {
	id: string;
	method: string;
	/** The path template, e.g. `/v1/files/{file_id}`. */
	path: string;
	pattern: RegExp;
	parameters: Parameter[];
	body?: { contentType: string; schema: Schema; required: boolean };
	responses: Record<string, ResponseSpec>;
}

export interface Spec {
	operations: Operation[];
	/** The component schemas, prepared, as one schema with `$defs`. */
	definitions: Schema;
}

const rewriteRef = (ref: string) => ref.replace('#/components/schemas/', `${DEFS_ID}#/$defs/`);

const isObjectSchema = (schema: Schema) =>
	schema.type === 'object' ||
	(Array.isArray(schema.type) && schema.type.includes('object')) ||
	(schema.properties !== undefined && schema.type === undefined);

/** A deep copy ajv accepts, with objects closed unless they say otherwise. */
export function prepare(node: unknown, insideAllOf = false): unknown {
	if (Array.isArray(node)) return node.map((item) => prepare(item));
	if (!node || typeof node !== 'object') return node;
	const source = node as Schema;
	const copy: Schema = {};
	for (const [key, value] of Object.entries(source)) {
		if (key === 'example' || key === 'examples') continue;
		if (key === '$ref' && typeof value === 'string') copy.$ref = rewriteRef(value);
		else if (key === 'properties' && value && typeof value === 'object')
			copy.properties = Object.fromEntries(
				Object.entries(value).map(([name, schema]) => [name, prepare(schema)]),
			);
		else if (key === 'allOf' && Array.isArray(value))
			copy.allOf = value.map((item) => prepare(item, value.length > 1));
		else copy[key] = prepare(value);
	}
	if (isObjectSchema(source) && source.additionalProperties === undefined) {
		// Inside a multi-part allOf a member cannot close itself: the parent does (below).
		if (!insideAllOf) copy.additionalProperties = false;
	}
	if (Array.isArray(source.allOf) && source.allOf.length > 1) copy.unevaluatedProperties = false;
	return copy;
}

/** Every `error_type` a response's description or example names. */
function documentedErrorTypes(response: Schema): string[] {
	const found = new Set<string>();
	const description = typeof response.description === 'string' ? response.description : '';
	for (const match of description.matchAll(/^\s*- `([a-z_]+)`/gm)) found.add(match[1]);
	for (const match of description.matchAll(/\[`([a-z_]+)`\]\(https:\/\/soniox\.com/g))
		found.add(match[1]);
	for (const media of Object.values((response.content ?? {}) as Record<string, Schema>)) {
		const example = media.example as Schema | undefined;
		if (example && typeof example.error_type === 'string') found.add(example.error_type);
	}
	return [...found];
}

function templatePattern(path: string) {
	const source = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '([^/]+)');
	return new RegExp(`^${source}$`);
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export function loadSpec(path = SPEC_PATH): Spec {
	const document = parse(readFileSync(path, 'utf8')) as Schema;
	const operations: Operation[] = [];
	for (const [template, item] of Object.entries(document.paths as Record<string, Schema>)) {
		for (const method of METHODS) {
			const operation = item[method] as Schema | undefined;
			if (!operation) continue;
			const parameters = ((operation.parameters ?? []) as Schema[]).map((parameter) => ({
				name: parameter.name as string,
				in: parameter.in as Parameter['in'],
				required: parameter.required === true,
				schema: prepare(parameter.schema) as Schema,
			}));
			const requestBody = operation.requestBody as Schema | undefined;
			const [contentType, media] = Object.entries(
				(requestBody?.content ?? {}) as Record<string, Schema>,
			)[0] ?? [undefined, undefined];
			const responses: Record<string, ResponseSpec> = {};
			for (const [status, response] of Object.entries(
				operation.responses as Record<string, Schema>,
			)) {
				const content = Object.fromEntries(
					Object.entries((response.content ?? {}) as Record<string, Schema>).map(
						([type, entry]) => [type, prepare(entry.schema) as Schema | undefined],
					),
				);
				responses[status] = { content, errorTypes: documentedErrorTypes(response) };
			}
			operations.push({
				id: operation.operationId as string,
				method: method.toUpperCase(),
				path: template,
				pattern: templatePattern(template),
				parameters,
				body:
					contentType && media
						? {
								contentType,
								schema: prepare(media.schema) as Schema,
								required: requestBody?.required === true,
							}
						: undefined,
				responses,
			});
		}
	}
	// A literal segment wins over a parameter: /v1/files/count is not /v1/files/{file_id}.
	operations.sort((a, b) => a.path.split('{').length - b.path.split('{').length);
	const schemas = (document.components as Schema).schemas as Schema;
	return {
		operations,
		definitions: {
			$id: DEFS_ID,
			$defs: Object.fromEntries(
				Object.entries(schemas).map(([name, schema]) => [name, prepare(schema)]),
			),
		},
	};
}
