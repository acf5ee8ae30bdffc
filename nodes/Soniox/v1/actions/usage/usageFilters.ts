// Soniox has no server-side filter on usage logs, so both the Soniox node and the Soniox
// Trigger filter entries here, with the same fields and the same meaning.
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties, IPollFunctions } from 'n8n-workflow';

import { compareDecimal, isDecimal } from '../../helpers/decimal';
import {
	checkAmount,
	checkChoice,
	checkChoices,
	checkText,
	optionValues,
} from '../../helpers/parameterValues';
import {
	clientReferenceIdOf,
	MalformedUsageEntryError,
	requestKindOf,
	uuidOf,
	type RequestKind,
	type UsageLogEntry,
} from '../../helpers/usageLogEntry';

const CLIENT_REFERENCE_ID_MATCH_OPTIONS = [
	{
		name: 'Is Equal To',
		value: 'exact',
		description: 'Keep entries whose ID is exactly the given one',
	},
	{
		name: 'Is Empty',
		value: 'none',
		description: 'Keep only entries sent without a client reference ID',
	},
	{
		name: 'Starts With',
		value: 'prefix',
		description: 'Keep entries whose ID starts with the given text, e.g. "tenant_7/"',
	},
] as const;

/** A minimum cost is an amount in USD, as exact as Soniox's costs (10 decimals). */
const MIN_COST_RULE = { min: 0, max: 1_000_000_000, maxDecimals: 10 };

/** Soniox's request_scope of an entry: where the request came from. */
const REQUEST_SCOPE_OPTIONS = [
	{ name: 'API', value: 'api', description: 'Requests made with an API key' },
	{ name: 'Playground', value: 'playground', description: 'Requests made in the Soniox Console' },
] as const;

/** What a request was for, derived from its model (Soniox logs no such field). */
export const REQUEST_KIND_OPTIONS = [
	{ name: 'Async Transcription', value: 'async_transcription' },
	{ name: 'Real-Time Transcription', value: 'real_time_transcription' },
	{ name: 'Speech Synthesis (REST or WebSocket)', value: 'speech_synthesis' },
	{ name: 'Other', value: 'other' },
] as const satisfies ReadonlyArray<{ name: string; value: RequestKind }>;

export type ClientReferenceIdMatch = 'any' | 'exact' | 'prefix' | 'none';

export interface UsageFilter {
	/** 'none' keeps only entries without an ID ("" or null). */
	clientReferenceId?: { mode: ClientReferenceIdMatch; value?: string };
	/** Keep entries of these models only (exact IDs). Empty or absent: every model. */
	models?: string[];
	/** Keep entries of these request scopes only. Empty or absent: every scope. */
	requestScopes?: string[];
	/** Keep entries of these derived kinds only. Empty or absent: every kind. */
	requestKinds?: RequestKind[];
	/** Keep entries whose cost_usd is at least this decimal amount. */
	minCostUsd?: string;
}

export function matchesUsageFilter(entry: UsageLogEntry, filter: UsageFilter): boolean {
	const id = clientReferenceIdOf(entry);
	const idFilter = filter.clientReferenceId;
	if (idFilter?.mode === 'exact' && id !== idFilter.value) return false;
	if (idFilter?.mode === 'prefix' && !id.startsWith(idFilter.value ?? '')) return false;
	if (idFilter?.mode === 'none' && id !== '') return false;
	if (filter.models?.length && !filter.models.includes(entry.model)) return false;
	if (filter.requestScopes?.length && !filter.requestScopes.includes(entry.request_scope)) {
		return false;
	}
	if (filter.requestKinds?.length && !filter.requestKinds.includes(requestKindOf(entry))) {
		return false;
	}
	if (filter.minCostUsd !== undefined) {
		if (!isDecimal(entry.cost_usd)) {
			throw new MalformedUsageEntryError(
				uuidOf(entry),
				'cost_usd',
				entry.cost_usd,
				'an amount in USD',
			);
		}
		if (compareDecimal(entry.cost_usd, filter.minCostUsd) < 0) return false;
	}
	return true;
}

/** True when the filter keeps every entry (nothing to check). */
export function isEmptyUsageFilter(filter: UsageFilter): boolean {
	return (
		(filter.clientReferenceId === undefined || filter.clientReferenceId.mode === 'any') &&
		!filter.models?.length &&
		!filter.requestScopes?.length &&
		!filter.requestKinds?.length &&
		filter.minCostUsd === undefined
	);
}

/** The "Filters" collection, shared by the Soniox node's usage operations and the trigger. */
export function usageFiltersCollection(): INodeProperties {
	return {
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		description:
			'Keep only the usage entries that match all the filters you add. Soniox cannot filter logs itself, so every entry of the time range is read and checked here.',
		options: [
			{
				displayName: 'Client Reference ID',
				name: 'clientReferenceId',
				type: 'string',
				default: '',
				placeholder: 'e.g. customer_42',
				description:
					'The ID (or the start of the IDs) to keep, as sent with each request. Compared as set in Client Reference ID Match.',
			},
			{
				displayName: 'Client Reference ID Match',
				name: 'clientReferenceIdMatch',
				type: 'options',
				default: 'exact',
				description: 'How entries are compared with the Client Reference ID filter',
				options: [...CLIENT_REFERENCE_ID_MATCH_OPTIONS],
			},
			{
				displayName: 'Minimum Cost (USD)',
				name: 'minCostUsd',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 10 },
				default: 0,
				description: 'Keep only entries that cost at least this much, in US dollars',
			},
			{
				displayName: 'Models',
				name: 'models',
				type: 'string',
				default: '',
				placeholder: 'e.g. stt-async-v4, stt-rt-v4',
				description: 'Keep only entries of these models. Separate several model IDs with commas.',
			},
			{
				displayName: 'Request Kinds (Derived From the Model)',
				name: 'requestKinds',
				type: 'multiOptions',
				default: [],
				description:
					"Keep only entries of these kinds. Soniox logs no kind: it is derived from each entry's model (stt-async-…, stt-rt-…, tts-…).",
				options: [...REQUEST_KIND_OPTIONS],
			},
			{
				displayName: 'Request Scopes',
				name: 'requestScopes',
				type: 'multiOptions',
				default: [],
				description:
					"Keep only entries of these request scopes (Soniox's request_scope: API or the Console's playground)",
				options: [...REQUEST_SCOPE_OPTIONS],
			},
		],
	};
}

/**
 * Reads the "Filters" collection. Pass the item index from the Soniox node; leave it out
 * from the trigger, whose parameters do not depend on items.
 */
export function readUsageFilter(
	context: IExecuteFunctions | IPollFunctions,
	itemIndex?: number,
): UsageFilter {
	const raw = (
		itemIndex === undefined
			? (context as IPollFunctions).getNodeParameter('filters', {})
			: (context as IExecuteFunctions).getNodeParameter('filters', itemIndex, {})
	) as IDataObject;
	const fail = (message: string, description: string) =>
		new NodeOperationError(context.getNode(), message, { itemIndex, description });
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
		throw fail(
			'Filters must be a collection of filters',
			'Add filters in the editor, or remove the expression.',
		);
	}
	const filter: UsageFilter = {};

	const match: ClientReferenceIdMatch = checkChoice(
		context,
		itemIndex,
		'Filters: Client Reference ID Match',
		raw.clientReferenceIdMatch ?? 'exact',
		optionValues(CLIENT_REFERENCE_ID_MATCH_OPTIONS),
	);
	const id = checkText(context, itemIndex, 'Filters: Client Reference ID', raw.clientReferenceId, {
		hint: 'Enter the ID (or its start) as text, e.g. customer_42.',
	});
	if (match === 'none') {
		filter.clientReferenceId = { mode: 'none' };
	} else if (id !== '') {
		filter.clientReferenceId = { mode: match, value: id };
	} else if (raw.clientReferenceIdMatch !== undefined) {
		throw fail(
			'Filters: Client Reference ID is empty',
			'Enter the ID (or its start) to keep in Filters > Client Reference ID, set Client Reference ID Match to "Is Empty", or remove the filter.',
		);
	}

	const models = toList(
		checkText(
			context,
			itemIndex,
			'Filters: Models',
			Array.isArray(raw.models) ? raw.models.join(',') : raw.models,
			{ hint: 'Enter model IDs separated by commas, e.g. stt-async-v4, stt-rt-v4.' },
		),
	);
	if (models.length > 0) filter.models = models;
	const scopes = checkChoices(
		context,
		itemIndex,
		'Filters: Request Scopes',
		raw.requestScopes,
		optionValues(REQUEST_SCOPE_OPTIONS),
	);
	if (scopes.length > 0) filter.requestScopes = scopes;
	const kinds = checkChoices(
		context,
		itemIndex,
		'Filters: Request Kinds (Derived From the Model)',
		raw.requestKinds,
		optionValues(REQUEST_KIND_OPTIONS),
	);
	if (kinds.length > 0) filter.requestKinds = kinds;

	if (raw.minCostUsd !== undefined && raw.minCostUsd !== '' && raw.minCostUsd !== null) {
		const minCost = checkAmount(
			context,
			itemIndex,
			'Filters: Minimum Cost (USD)',
			raw.minCostUsd,
			MIN_COST_RULE,
			'Enter an amount in US dollars such as 0.01, or remove the filter.',
		);
		if (compareDecimal(minCost, 0) > 0) filter.minCostUsd = minCost;
	}
	return filter;
}

/** "a, b" → ["a", "b"]. */
function toList(value: string): string[] {
	return value
		.split(',')
		.map((part) => part.trim())
		.filter((part) => part !== '');
}
