import { invalid, invalidCursor, problem } from '../errors';
import { intParam, requireRestAuth, type Router } from '../http';
import { toUsageEntry, type EntryKey, type StoredEntry } from '../ledger';
import { costsOf, formatCost } from '../pricing';
import type { EmulatorState } from '../state';

const DAY_MS = 86_400_000;
const MAX_LOG_WINDOW_DAYS = 31;
const MAX_LOOKBACK_DAYS = 91;
const MAX_SUMMARY_DAYS = 366;

function readWindow(query: URLSearchParams) {
	const start = Date.parse(query.get('start_time') ?? '');
	const end = Date.parse(query.get('end_time') ?? '');
	const problems = [];
	if (Number.isNaN(start))
		problems.push(
			problem('query.start_time', 'Input should be a valid datetime', 'datetime_parsing'),
		);
	if (Number.isNaN(end))
		problems.push(
			problem('query.end_time', 'Input should be a valid datetime', 'datetime_parsing'),
		);
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
	after: EntryKey;
}

function encodeCursor(cursor: Cursor) {
	return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string): Cursor {
	try {
		const cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
		if (Array.isArray(cursor.after) && typeof cursor.after[0] === 'number') return cursor;
	} catch {
		// reported below
	}
	throw invalidCursor();
}

/** The per-day arrays and totals of one summary row (a model, or all of them). */
class SummaryRow {
	readonly perDay: Array<{ cost: bigint; input: bigint; output: bigint; counts: number[] }>;

	constructor(
		readonly model: string | null,
		days: number,
	) {
		this.perDay = Array.from({ length: days }, () => ({
			cost: 0n,
			input: 0n,
			output: 0n,
			counts: [0, 0, 0, 0, 0, 0, 0],
		}));
	}

	add(day: number, entry: StoredEntry) {
		const cost = costsOf(entry.scope, entry);
		const slot = this.perDay[day];
		slot.cost += cost.total;
		slot.input += cost.input;
		slot.output += cost.output;
		const values = [
			1,
			entry.inputTextTokens,
			entry.inputAudioTokens,
			entry.inputAudioDurationMs,
			entry.outputTextTokens,
			entry.outputAudioTokens,
			entry.outputAudioDurationMs,
		];
		values.forEach((value, index) => (slot.counts[index] += value));
	}

	toJSON(days: string[]) {
		const sum = (pick: (slot: SummaryRow['perDay'][number]) => bigint) =>
			this.perDay.reduce((total, slot) => total + pick(slot), 0n);
		const counts = (index: number) => this.perDay.map((slot) => slot.counts[index]);
		const total = (index: number) => counts(index).reduce((a, b) => a + b, 0);
		const names = [
			'num_requests',
			'input_text_tokens',
			'input_audio_tokens',
			'input_audio_duration_ms',
			'output_text_tokens',
			'output_audio_tokens',
			'output_audio_duration_ms',
		];
		const row: Record<string, unknown> = {
			model: this.model,
			days,
			total_cost_usd: formatCost(sum((slot) => slot.cost)),
			total_input_cost_usd: formatCost(sum((slot) => slot.input)),
			total_output_cost_usd: formatCost(sum((slot) => slot.output)),
			total_duration_cost_usd: formatCost(0n),
			cost_usd: this.perDay.map((slot) => formatCost(slot.cost)),
			input_cost_usd: this.perDay.map((slot) => formatCost(slot.input)),
			output_cost_usd: this.perDay.map((slot) => formatCost(slot.output)),
			duration_cost_usd: this.perDay.map(() => formatCost(0n)),
			total_duration_ms: 0,
			duration_ms: this.perDay.map(() => 0),
		};
		names.forEach((name, index) => {
			row[`total_${name}`] = total(index);
			row[name] = counts(index);
		});
		return row;
	}
}

export function registerUsageRoutes(router: Router, state: EmulatorState) {
	router.add('GET', '/v1/usage-logs', ({ req, query }) => {
		requireRestAuth(state, req);
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
		if (sort !== 'end_time_asc' && sort !== 'end_time_desc') {
			throw invalid(
				problem('query.sort', "Input should be 'end_time_asc' or 'end_time_desc'", 'enum'),
			);
		}
		const limit = intParam(query, 'limit', 1, 1000, 1000);
		const cursorText = query.get('cursor');
		const cursor = cursorText ? decodeCursor(cursorText) : undefined;
		if (cursor && (cursor.start !== start || cursor.end !== end || cursor.sort !== sort)) {
			throw invalid(
				problem('query.cursor', 'The cursor belongs to another start_time, end_time or sort.'),
			);
		}
		const page = state.ledger.page({
			startMs: start,
			endMs: end,
			descending: sort === 'end_time_desc',
			limit,
			after: cursor?.after,
			now,
		});
		const last = page.entries[page.entries.length - 1];
		return {
			usage_logs: page.entries.map(toUsageEntry),
			next_page_cursor:
				page.more && last
					? encodeCursor({ start, end, sort, after: [last.endMs, last.uuid] })
					: null,
		};
	});

	router.add('GET', '/v1/usage/summary', ({ req, query }) => {
		requireRestAuth(state, req);
		const { start, end } = readWindow(query);
		const firstDay = Math.floor(start / DAY_MS) * DAY_MS;
		const dayCount = Math.ceil((end - firstDay) / DAY_MS);
		if (dayCount > MAX_SUMMARY_DAYS) {
			throw invalid(
				problem('query.payload', `The period must not exceed ${MAX_SUMMARY_DAYS} days.`),
			);
		}
		const days = Array.from({ length: dayCount }, (_, index) =>
			new Date(firstDay + index * DAY_MS).toISOString().slice(0, 10),
		);
		// A day counts whole once the window touches it.
		const total = new SummaryRow(null, dayCount);
		const byModel = new Map<string, SummaryRow>();
		for (const entry of state.ledger.inWindow(
			firstDay,
			firstDay + dayCount * DAY_MS,
			state.now(),
		)) {
			const day = Math.floor((entry.endMs - firstDay) / DAY_MS);
			total.add(day, entry);
			if (!byModel.has(entry.model))
				byModel.set(entry.model, new SummaryRow(entry.model, dayCount));
			byModel.get(entry.model)?.add(day, entry);
		}
		return {
			total: total.toJSON(days),
			models: [...byModel.values()]
				.sort((a, b) => String(a.model).localeCompare(String(b.model)))
				.map((row) => row.toJSON(days)),
		};
	});
}
