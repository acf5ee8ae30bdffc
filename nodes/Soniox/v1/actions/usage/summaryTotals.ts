// Usage → Aggregate from Soniox's daily summary (GET /v1/usage/summary) instead of paging every
// log entry: one request, whenever the summary holds every number the output needs exactly.
import type { IExecuteFunctions } from 'n8n-workflow';

import { isDecimal, compareDecimal } from '../../helpers/decimal';
import { DAY_MS, toSonioxTime, utcDaysTouched, type TimeWindow } from '../../helpers/timeRange';
import type {
	UsageAggregator,
	UsageGroupKey,
	UsageGroupOrder,
	UsageTotalsFields,
} from '../../helpers/usageAggregation';
import { USAGE_COUNT_FIELDS, type UsageLogEntry } from '../../helpers/usageLogEntry';
import { sonioxApiRequest } from '../../transport';
import { sonioxInvalidResponseError } from '../../transport/errors';
import type { UsageFilter } from './usageFilters';

export type UsageSource = 'summary' | 'logs';

/** Soniox summarizes at most this many UTC days in one request. */
export const SUMMARY_MAX_DAYS = 366;

/** Groupings the summary has: per model and per UTC day (of the requests' end time). */
const SUMMARY_GROUPS: readonly UsageGroupKey[] = ['model', 'day'];

export interface AggregateQuestion {
	window: TimeWindow;
	groupBy: UsageGroupKey[];
	filter: UsageFilter;
	fields: UsageTotalsFields;
	order: UsageGroupOrder;
}

/**
 * Whether the summary can answer exactly: whole UTC days, grouped by nothing, model and/or
 * day, filtered by model at most, with the core totals (it has no text/audio cost split and
 * no end times), sorted by something other than the order of the first request.
 */
export function summaryCanAnswer(question: AggregateQuestion): boolean {
	const { window, groupBy, filter, fields, order } = question;
	const wholeDays =
		window.start.getTime() % DAY_MS === 0 &&
		window.end.getTime() % DAY_MS === 0 &&
		window.end > window.start &&
		utcDaysTouched(window) <= SUMMARY_MAX_DAYS;
	const modelFilterOnly =
		(filter.clientReferenceId === undefined || filter.clientReferenceId.mode === 'any') &&
		!filter.requestScopes?.length &&
		!filter.requestKinds?.length &&
		filter.minCostUsd === undefined;
	return (
		wholeDays &&
		modelFilterOnly &&
		fields === 'core' &&
		order !== 'firstSeen' &&
		groupBy.every((key) => SUMMARY_GROUPS.includes(key))
	);
}

const COST_FIELDS = ['cost_usd', 'input_cost_usd', 'output_cost_usd'] as const;

type SummaryModel = Record<string, unknown> & { model: string; days: string[] };

/**
 * Reads the summary and adds one total per model and day to `aggregator`. Returns false, and
 * adds nothing, when the summary holds cost the usage-log fields do not (billed by duration):
 * then the logs are the answer.
 */
export async function addSummaryTotals(
	this: IExecuteFunctions,
	window: TimeWindow,
	filter: UsageFilter,
	aggregator: UsageAggregator,
): Promise<boolean> {
	const summary = await sonioxApiRequest.call(this, {
		method: 'GET',
		path: '/v1/usage/summary',
		qs: { start_time: toSonioxTime(window.start), end_time: toSonioxTime(window.end) },
	});
	const models = checkedModels(this, summary.models, utcDaysTouched(window)).filter(
		(entry) => !filter.models?.length || filter.models.includes(entry.model),
	);
	const byDuration = models.some((entry) =>
		entry.days.some(
			(_, day) =>
				compareDecimal(at<string>(entry, 'duration_cost_usd', day), 0) !== 0 ||
				at<number>(entry, 'duration_ms', day) !== 0,
		),
	);
	if (byDuration) return false;
	for (const entry of models) {
		entry.days.forEach((day, index) => {
			const requests = at<number>(entry, 'num_requests', index);
			if (requests === 0) return;
			aggregator.addTotals(dayTotals(entry, day, index), requests);
		});
	}
	return true;
}

const at = <T>(entry: SummaryModel, field: string, day: number) => (entry[field] as T[])[day];

/** One model's day in the fields of a usage-log entry. */
function dayTotals(entry: SummaryModel, day: string, index: number): UsageLogEntry {
	const totals: Record<string, unknown> = {
		uuid: `summary of ${entry.model} on ${day}`,
		model: entry.model,
		end_time: `${day}T00:00:00Z`,
	};
	for (const field of [...COST_FIELDS, ...USAGE_COUNT_FIELDS])
		totals[field] = at(entry, field, index);
	return totals as UsageLogEntry;
}

/** The per-model entries, each with a value of every field for each of the `dayCount` days. */
function checkedModels(
	context: IExecuteFunctions,
	models: unknown,
	dayCount: number,
): SummaryModel[] {
	const fail = (problem: string) =>
		sonioxInvalidResponseError(
			context.getNode(),
			`Soniox's usage summary ${problem}; choose Options > Source "Usage Logs" to total the logs instead`,
		);
	if (!Array.isArray(models)) throw fail('has no "models" list');
	const amount = (value: unknown) => typeof value === 'string' && isDecimal(value);
	const count = (value: unknown) => typeof value === 'number' && Number.isSafeInteger(value);
	const lists: Array<[string, (value: unknown) => boolean]> = [
		...[...COST_FIELDS, 'duration_cost_usd'].map(
			(field) => [field, amount] as [string, typeof amount],
		),
		...[...USAGE_COUNT_FIELDS, 'num_requests', 'duration_ms'].map(
			(field) => [field, count] as [string, typeof count],
		),
	];
	return models.map((entry: unknown) => {
		const model = entry as SummaryModel;
		if (typeof model !== 'object' || model === null || typeof model.model !== 'string') {
			throw fail('has a model entry without a model ID');
		}
		if (!Array.isArray(model.days) || model.days.length !== dayCount) {
			throw fail(
				`lists ${String(model.days?.length ?? 'no')} days for ${model.model}, not ${dayCount}`,
			);
		}
		for (const [field, valid] of lists) {
			const values = model[field];
			if (!Array.isArray(values) || values.length !== dayCount || !values.every(valid)) {
				throw fail(`has no valid "${field}" per day for ${model.model}`);
			}
		}
		return model;
	});
}
