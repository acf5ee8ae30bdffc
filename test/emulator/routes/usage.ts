// GET /v1/usage-logs (keyset pages over the ledger) and GET /v1/usage/summary (per UTC day
// and model).
import { invalid, invalidCursor, problem, type ValidationProblem } from '../errors';
import { intParam, requireRestAuth, type Router } from '../http';
import { COUNT_FIELDS, USAGE_KINDS, uuidToBytes, type Ledger } from '../ledger';
import { durationPriceOf, formatCost, priceOf } from '../pricing';
import { RequestRate } from '../quotas';
import type { EmulatorState } from '../state';
import { parseTimestamp } from '../validation';

const DAY_MS = 86_400_000;
export const MAX_LOG_WINDOW_DAYS = 31;
export const MAX_LOOKBACK_DAYS = 91;
export const MAX_SUMMARY_DAYS = 366;
const SORTS = ['end_time_asc', 'end_time_desc'] as const;

/** start_time (inclusive) and end_time (exclusive), both required, end after start. */
function readWindow(query: URLSearchParams) {
	const problems: ValidationProblem[] = [];
	const read = (name: 'start_time' | 'end_time') => {
		const raw = query.get(name);
		if (raw === null || raw === '') {
			problems.push(problem(`query.${name}`, 'Field required', 'missing'));
			return NaN;
		}
		const value = parseTimestamp(raw);
		if (Number.isNaN(value)) {
			problems.push(
				problem(`query.${name}`, 'Input should be a valid datetime', 'datetime_parsing'),
			);
		}
		return value;
	};
	const start = read('start_time');
	const end = read('end_time');
	if (problems.length === 0 && end <= start) {
		problems.push(problem('query.payload', 'end_time must be after start_time.'));
	}
	if (problems.length > 0) throw invalid(...problems);
	return { start, end };
}

interface Cursor {
	start: number;
	end: number;
	sort: string;
	after: [endMs: number, uuid: string];
}

function encodeCursor(cursor: Cursor) {
	return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string) {
	try {
		const cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
		const [endMs, uuid] = Array.isArray(cursor.after) ? cursor.after : [];
		const uuidBytes = typeof uuid === 'string' ? uuidToBytes(uuid) : undefined;
		if (
			typeof cursor.start === 'number' &&
			typeof cursor.end === 'number' &&
			typeof cursor.sort === 'string' &&
			typeof endMs === 'number' &&
			uuidBytes
		) {
			return { cursor, after: { endMs, uuid: uuidBytes } };
		}
	} catch {
		// reported below
	}
	throw invalidCursor();
}

/**
 * Sums for one model over the summary's days. Costs are linear in token counts, so summing
 * counts per (scope, day) and pricing the sums at the end is exact and fast.
 */
class ModelDays {
	/** COUNT_FIELDS, then num_requests, then duration_ms (billed session time), per day. */
	readonly counts: Float64Array[];

	/** What the model costs per millisecond of session (0 unless it is billed by duration). */
	private readonly durationPrice: bigint;

	/** Per scope: [inputText, inputAudio, outputText, outputAudio] tokens per day. */
	readonly tokensByScope: Float64Array[][];

	constructor(
		readonly model: string | null,
		readonly dayCount: number,
	) {
		this.counts = Array.from({ length: COUNT_FIELDS.length + 2 }, () => new Float64Array(dayCount));
		this.durationPrice = durationPriceOf(model ?? '');
		this.tokensByScope = USAGE_KINDS.map(() =>
			Array.from({ length: 4 }, () => new Float64Array(dayCount)),
		);
	}

	add(ledger: Ledger, row: number, day: number) {
		for (let field = 0; field < COUNT_FIELDS.length; field++) {
			this.counts[field][day] += ledger.countOf(field, row);
		}
		this.counts[COUNT_FIELDS.length][day] += 1;
		if (this.durationPrice > 0n)
			this.counts[COUNT_FIELDS.length + 1][day] += ledger.sessionMsOf(row);
		const tokens = this.tokensByScope[USAGE_KINDS.indexOf(ledger.kindOf(row))];
		tokens[0][day] += ledger.countOf(COUNT_FIELDS.indexOf('inputTextTokens'), row);
		tokens[1][day] += ledger.countOf(COUNT_FIELDS.indexOf('inputAudioTokens'), row);
		tokens[2][day] += ledger.countOf(COUNT_FIELDS.indexOf('outputTextTokens'), row);
		tokens[3][day] += ledger.countOf(COUNT_FIELDS.indexOf('outputAudioTokens'), row);
	}

	/** Input, output and duration cost per day, exact, in 10^-10 USD. */
	costs(): { input: bigint[]; output: bigint[]; duration: bigint[] } {
		const input = new Array<bigint>(this.dayCount).fill(0n);
		const output = new Array<bigint>(this.dayCount).fill(0n);
		const duration = Array.from(
			this.counts[COUNT_FIELDS.length + 1],
			(ms) => this.durationPrice * BigInt(ms),
		);
		USAGE_KINDS.forEach((scope, scopeIndex) => {
			const [inputText, inputAudio, outputText, outputAudio] = this.tokensByScope[scopeIndex];
			const price = priceOf(this.model ?? '', scope);
			for (let day = 0; day < this.dayCount; day++) {
				input[day] +=
					price.inputText * BigInt(inputText[day]) + price.inputAudio * BigInt(inputAudio[day]);
				output[day] +=
					price.outputText * BigInt(outputText[day]) + price.outputAudio * BigInt(outputAudio[day]);
			}
		});
		return { input, output, duration };
	}
}

const SUMMARY_COUNT_NAMES: Record<(typeof COUNT_FIELDS)[number], string> = {
	inputTextTokens: 'input_text_tokens',
	inputAudioTokens: 'input_audio_tokens',
	inputAudioDurationMs: 'input_audio_duration_ms',
	outputTextTokens: 'output_text_tokens',
	outputAudioTokens: 'output_audio_tokens',
	outputAudioDurationMs: 'output_audio_duration_ms',
};

/** One summary Entry from per-day costs and counts (COUNT_FIELDS, num_requests, duration_ms). */
function summaryEntry(
	model: string | null,
	days: string[],
	costs: { input: bigint[]; output: bigint[]; duration: bigint[] },
	counts: ArrayLike<number>[],
) {
	const { input, output, duration } = costs;
	const sumOf = (values: bigint[]) => values.reduce((total, value) => total + value, 0n);
	const cost = input.map((value, day) => value + output[day] + duration[day]);
	const entry: Record<string, unknown> = {
		model,
		days,
		total_cost_usd: formatCost(sumOf(cost)),
		total_input_cost_usd: formatCost(sumOf(input)),
		total_output_cost_usd: formatCost(sumOf(output)),
		// Zero but for a model billed by session duration (see durationPriceOf).
		total_duration_cost_usd: formatCost(sumOf(duration)),
		cost_usd: cost.map(formatCost),
		input_cost_usd: input.map(formatCost),
		output_cost_usd: output.map(formatCost),
		duration_cost_usd: duration.map(formatCost),
		total_num_requests: 0,
		num_requests: [] as number[],
	};
	const numRequests = Array.from(counts[COUNT_FIELDS.length]);
	entry.total_num_requests = numRequests.reduce((a, b) => a + b, 0);
	entry.num_requests = numRequests;
	COUNT_FIELDS.forEach((field, index) => {
		const perDay = Array.from(counts[index]);
		entry[`total_${SUMMARY_COUNT_NAMES[field]}`] = perDay.reduce((a, b) => a + b, 0);
		entry[SUMMARY_COUNT_NAMES[field]] = perDay;
	});
	const durationMs = Array.from(counts[COUNT_FIELDS.length + 1]);
	entry.total_duration_ms = durationMs.reduce((a, b) => a + b, 0);
	entry.duration_ms = durationMs;
	return entry;
}

export function registerUsageRoutes(router: Router, state: EmulatorState) {
	const logRequests = new RequestRate();
	router.add('GET', '/v1/usage-logs', ({ req, query }) => {
		requireRestAuth(state, req);
		logRequests.admit(state.config.usageLogsRateLimit, Date.now());
		const { start, end } = readWindow(query);
		const now = state.now();
		if (end - start > MAX_LOG_WINDOW_DAYS * DAY_MS) {
			throw invalid(
				problem(
					'query.payload',
					`The period between start_time and end_time must not exceed ${MAX_LOG_WINDOW_DAYS} days.`,
				),
			);
		}
		if (start < now - MAX_LOOKBACK_DAYS * DAY_MS) {
			throw invalid(
				problem(
					'query.start_time',
					`start_time must not be earlier than ${MAX_LOOKBACK_DAYS} days ago.`,
				),
			);
		}
		const sort = query.get('sort') || 'end_time_asc';
		if (!SORTS.includes(sort as (typeof SORTS)[number])) {
			throw invalid(
				problem('query.sort', "Input should be 'end_time_asc' or 'end_time_desc'", 'enum'),
			);
		}
		const limit = intParam(query, 'limit', 1, 1000, 1000);
		const cursorText = query.get('cursor');
		const decoded = cursorText ? decodeCursor(cursorText) : undefined;
		if (
			decoded &&
			(decoded.cursor.start !== start || decoded.cursor.end !== end || decoded.cursor.sort !== sort)
		) {
			throw invalid(
				problem(
					'query.cursor',
					'The cursor must be used with the same start_time, end_time and sort as the request that returned it.',
				),
			);
		}
		const page = state.ledger.page({
			startMs: start,
			endMs: end,
			descending: sort === 'end_time_desc',
			limit,
			after: decoded?.after,
			now,
		});
		const last = page.rows[page.rows.length - 1];
		let nextCursor: string | null = null;
		if (page.more && last !== undefined) {
			const key = state.ledger.keyOf(last);
			nextCursor = encodeCursor({ start, end, sort, after: [key.endMs, key.uuid] });
		}
		return {
			usage_logs: page.rows.map((row) => state.ledger.entry(row)),
			next_page_cursor: nextCursor,
		};
	});

	router.add('GET', '/v1/usage/summary', ({ req, query }) => {
		requireRestAuth(state, req);
		const { start, end } = readWindow(query);
		// Whole UTC days: every day the window touches counts entirely.
		const firstDay = Math.floor(start / DAY_MS) * DAY_MS;
		const dayCount = Math.ceil((end - firstDay) / DAY_MS);
		if (dayCount > MAX_SUMMARY_DAYS) {
			throw invalid(
				problem(
					'query.payload',
					`The period between start_time and end_time must not exceed ${MAX_SUMMARY_DAYS} days.`,
				),
			);
		}
		const days = Array.from({ length: dayCount }, (_, index) =>
			new Date(firstDay + index * DAY_MS).toISOString().slice(0, 10),
		);
		const byModel = new Map<number, ModelDays>();
		const ledger = state.ledger;
		ledger.forEachVisible(firstDay, firstDay + dayCount * DAY_MS, state.now(), (row) => {
			const modelId = ledger.modelIdOf(row);
			let sums = byModel.get(modelId);
			if (!sums) {
				sums = new ModelDays(ledger.modelName(modelId), dayCount);
				byModel.set(modelId, sums);
			}
			sums.add(ledger, row, Math.floor((ledger.endOf(row) - firstDay) / DAY_MS));
		});

		const models = [...byModel.values()].sort((a, b) =>
			String(a.model).localeCompare(String(b.model)),
		);
		const total = {
			input: new Array<bigint>(dayCount).fill(0n),
			output: new Array<bigint>(dayCount).fill(0n),
			duration: new Array<bigint>(dayCount).fill(0n),
		};
		const totalCounts = Array.from(
			{ length: COUNT_FIELDS.length + 2 },
			() => new Float64Array(dayCount),
		);
		const modelEntries = models.map((sums) => {
			const costs = sums.costs();
			for (let day = 0; day < dayCount; day++) {
				total.input[day] += costs.input[day];
				total.output[day] += costs.output[day];
				total.duration[day] += costs.duration[day];
				sums.counts.forEach((column, index) => (totalCounts[index][day] += column[day]));
			}
			return summaryEntry(sums.model, days, costs, sums.counts);
		});
		return {
			total: summaryEntry(null, days, total, totalCounts),
			models: modelEntries,
		};
	});
}
