// The usage ledger: one entry per successfully completed billable request. A million entries
// must fit in about a hundred megabytes and page in milliseconds, so entries live in typed
// columns (one row per entry, append-only) with a separate index of row numbers kept sorted
// by (end_time, uuid): usage-log pages are binary searches on that index. Costs are not
// stored; they follow from the token counts and are formatted only when an entry is shown.
import { randomFillSync } from 'node:crypto';

import type { LedgerInput, RequestScope, UsageEntry, UsageKind } from './context';
import { costsOf, formatCost } from './pricing';

export const USAGE_KINDS: readonly UsageKind[] = [
	'transcribe_async',
	'transcribe_websocket',
	'tts_rest',
	'tts_websocket',
];
export const REQUEST_SCOPES: readonly RequestScope[] = ['api', 'playground'];

/** The integer counts of an entry, in the order they are stored. */
export const COUNT_FIELDS = [
	'inputTextTokens',
	'inputAudioTokens',
	'inputAudioDurationMs',
	'outputTextTokens',
	'outputAudioTokens',
	'outputAudioDurationMs',
] as const;
export type CountField = (typeof COUNT_FIELDS)[number];

const MAX_COUNT = 0xffffffff;
const UUID_BYTES = 16;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** What a caller hands the ledger for one new row. */
export interface LedgerRowInput extends LedgerInput {
	visibleAt: number;
	/** 16 bytes; a random v4 uuid when absent. Only the first 16 bytes are read. */
	uuidBytes?: Uint8Array;
}

/** Parses a lowercase or uppercase uuid into 16 bytes; undefined when it is not one. */
export function uuidToBytes(text: string): Uint8Array | undefined {
	const lower = text.toLowerCase();
	if (!UUID_PATTERN.test(lower)) return undefined;
	return Uint8Array.from(Buffer.from(lower.replace(/-/g, ''), 'hex'));
}

function bytesToUuid(bytes: Uint8Array, offset: number) {
	let text = '';
	for (let index = 0; index < UUID_BYTES; index++) {
		if (index === 4 || index === 6 || index === 8 || index === 10) text += '-';
		text += HEX[bytes[offset + index]];
	}
	return text;
}

/** Strings stored once and referred to by number (models, client reference ids). */
class Interner {
	private readonly ids = new Map<string, number>();

	readonly values: string[] = [];

	constructor(private readonly max: number) {}

	id(value: string) {
		let id = this.ids.get(value);
		if (id === undefined) {
			if (this.values.length > this.max) throw new RangeError('Too many distinct values.');
			id = this.values.length;
			this.values.push(value);
			this.ids.set(value, id);
		}
		return id;
	}

	clear() {
		this.ids.clear();
		this.values.length = 0;
	}
}

function grow<T extends Float64Array | Uint32Array | Uint16Array | Uint8Array>(
	array: T,
	length: number,
): T {
	const bigger = new (array.constructor as new (length: number) => T)(length);
	bigger.set(array);
	return bigger;
}

/** Throws a RangeError for a row the ledger cannot store; returns its kind and scope as one number. */
export function checkRow(input: LedgerRowInput) {
	for (const field of COUNT_FIELDS) {
		const value = input[field];
		if (!Number.isInteger(value) || value < 0 || value > MAX_COUNT) {
			throw new RangeError(`${field} must be an integer from 0 to ${MAX_COUNT}.`);
		}
	}
	const kind = USAGE_KINDS.indexOf(input.kind);
	if (kind < 0) throw new RangeError(`Unknown usage kind ${input.kind}.`);
	const scope = REQUEST_SCOPES.indexOf(input.requestScope ?? 'api');
	if (scope < 0) throw new RangeError(`Unknown request scope ${input.requestScope}.`);
	if (![input.startTime, input.endTime, input.visibleAt].every(Number.isFinite)) {
		throw new RangeError('startTime, endTime and visibleAt must be epoch milliseconds.');
	}
	if (typeof input.model !== 'string' || input.model === '') {
		throw new RangeError('model must be a non-empty string.');
	}
	return kind + scope * USAGE_KINDS.length;
}

export interface LogQuery {
	startMs: number;
	endMs: number;
	descending: boolean;
	limit: number;
	/** The key of the last entry of the previous page. */
	after?: { endMs: number; uuid: Uint8Array };
	now: number;
}

export class Ledger {
	private rows = 0;

	private capacity = 0;

	private endMs = new Float64Array(0);

	private startMs = new Float64Array(0);

	private visibleAt = new Float64Array(0);

	private counts = COUNT_FIELDS.map(() => new Uint32Array(0));

	private uuids = new Uint8Array(0);

	private scopes = new Uint8Array(0);

	private models = new Uint16Array(0);

	private clients = new Uint32Array(0);

	/** Row numbers in (end_time, uuid) order; `size` of them are in use. */
	private order = new Uint32Array(0);

	private readonly modelNames = new Interner(0xffff);

	private readonly clientIds = new Interner(MAX_COUNT);

	get size() {
		return this.rows;
	}

	clear() {
		this.rows = 0;
		this.capacity = 0;
		this.endMs = new Float64Array(0);
		this.startMs = new Float64Array(0);
		this.visibleAt = new Float64Array(0);
		this.counts = COUNT_FIELDS.map(() => new Uint32Array(0));
		this.uuids = new Uint8Array(0);
		this.scopes = new Uint8Array(0);
		this.models = new Uint16Array(0);
		this.clients = new Uint32Array(0);
		this.order = new Uint32Array(0);
		this.modelNames.clear();
		this.clientIds.clear();
	}

	/** Makes room for `extra` more rows (bulk seeding reserves once). */
	reserve(extra: number) {
		const needed = this.rows + extra;
		if (needed <= this.capacity) return;
		const capacity = Math.max(needed, this.capacity * 2, 1024);
		this.endMs = grow(this.endMs, capacity);
		this.startMs = grow(this.startMs, capacity);
		this.visibleAt = grow(this.visibleAt, capacity);
		this.counts = this.counts.map((column) => grow(column, capacity));
		this.uuids = grow(this.uuids, capacity * UUID_BYTES);
		this.scopes = grow(this.scopes, capacity);
		this.models = grow(this.models, capacity);
		this.clients = grow(this.clients, capacity);
		this.order = grow(this.order, capacity);
		this.capacity = capacity;
	}

	/** Stores a row without placing it in the order; `placeRowsFrom` does that. */
	append(input: LedgerRowInput): number {
		const scope = checkRow(input);
		this.reserve(1);
		const row = this.rows++;
		this.endMs[row] = input.endTime;
		this.startMs[row] = input.startTime;
		this.visibleAt[row] = input.visibleAt;
		for (let field = 0; field < COUNT_FIELDS.length; field++) {
			this.counts[field][row] = input[COUNT_FIELDS[field]];
		}
		const uuidAt = row * UUID_BYTES;
		if (input.uuidBytes) {
			this.uuids.set(input.uuidBytes.subarray(0, UUID_BYTES), uuidAt);
		} else {
			const uuid = this.uuids.subarray(uuidAt, uuidAt + UUID_BYTES);
			randomFillSync(uuid);
			uuid[6] = (uuid[6] & 0x0f) | 0x40;
			uuid[8] = (uuid[8] & 0x3f) | 0x80;
		}
		this.scopes[row] = scope;
		this.models[row] = this.modelNames.id(input.model);
		this.clients[row] = this.clientIds.id(input.clientReferenceId ?? '');
		return row;
	}

	/** Adds one entry in its place; returns its row number. */
	add(input: LedgerRowInput): number {
		const row = this.append(input);
		const position = this.upperBound(this.endMs[row], this.uuids, row * UUID_BYTES, row);
		this.order.copyWithin(position + 1, position, row);
		this.order[position] = row;
		return row;
	}

	/** Places rows appended since `firstRow` into the order (one sort and one merge). */
	placeRowsFrom(firstRow: number) {
		const fresh = new Uint32Array(this.rows - firstRow);
		for (let index = 0; index < fresh.length; index++) fresh[index] = firstRow + index;
		fresh.sort((a, b) => this.compareRows(a, b));
		const merged = new Uint32Array(this.capacity);
		let old = 0;
		let added = 0;
		let out = 0;
		while (old < firstRow && added < fresh.length) {
			merged[out++] =
				this.compareRows(this.order[old], fresh[added]) <= 0 ? this.order[old++] : fresh[added++];
		}
		while (old < firstRow) merged[out++] = this.order[old++];
		while (added < fresh.length) merged[out++] = fresh[added++];
		this.order = merged;
	}

	private compareRows(a: number, b: number) {
		const byTime = this.endMs[a] - this.endMs[b];
		if (byTime !== 0) return byTime;
		return this.compareUuid(a * UUID_BYTES, this.uuids, b * UUID_BYTES);
	}

	/** Compares the uuid at `at` in the ledger with 16 bytes of `other` at `otherAt`. */
	private compareUuid(at: number, other: Uint8Array, otherAt: number) {
		for (let index = 0; index < UUID_BYTES; index++) {
			const difference = this.uuids[at + index] - other[otherAt + index];
			if (difference !== 0) return difference;
		}
		return 0;
	}

	/** Sign of (row's key - (endMs, uuid)). */
	private compareToKey(row: number, endMs: number, uuid: Uint8Array, uuidAt: number) {
		const byTime = this.endMs[row] - endMs;
		if (byTime !== 0) return byTime;
		return this.compareUuid(row * UUID_BYTES, uuid, uuidAt);
	}

	/** First position in the order whose key is >= the given key. */
	private lowerBound(endMs: number, uuid: Uint8Array, uuidAt: number, placed = this.rows) {
		let low = 0;
		let high = placed;
		while (low < high) {
			const middle = (low + high) >>> 1;
			if (this.compareToKey(this.order[middle], endMs, uuid, uuidAt) < 0) low = middle + 1;
			else high = middle;
		}
		return low;
	}

	/** First position in the order whose key is > the given key. */
	private upperBound(endMs: number, uuid: Uint8Array, uuidAt: number, placed = this.rows) {
		let low = 0;
		let high = placed;
		while (low < high) {
			const middle = (low + high) >>> 1;
			if (this.compareToKey(this.order[middle], endMs, uuid, uuidAt) <= 0) low = middle + 1;
			else high = middle;
		}
		return low;
	}

	/**
	 * One page of visible rows whose end time is in [startMs, endMs), in order, strictly after
	 * `after`. Keyset pagination: rows added behind the cursor are not seen by this walk, and
	 * none is returned twice. `more` tells whether another visible one follows.
	 */
	page(query: LogQuery): { rows: number[]; more: boolean } {
		const lowest = new Uint8Array(UUID_BYTES);
		const found: number[] = [];
		let position: number;
		if (query.descending) {
			position = query.after
				? this.lowerBound(query.after.endMs, query.after.uuid, 0) - 1
				: this.lowerBound(query.endMs, lowest, 0) - 1;
			for (; position >= 0; position--) {
				const row = this.order[position];
				if (this.endMs[row] < query.startMs) break;
				if (this.endMs[row] >= query.endMs || this.visibleAt[row] > query.now) continue;
				if (found.length === query.limit) return { rows: found, more: true };
				found.push(row);
			}
		} else {
			position = query.after
				? this.upperBound(query.after.endMs, query.after.uuid, 0)
				: this.lowerBound(query.startMs, lowest, 0);
			for (; position < this.rows; position++) {
				const row = this.order[position];
				if (this.endMs[row] >= query.endMs) break;
				if (this.endMs[row] < query.startMs || this.visibleAt[row] > query.now) continue;
				if (found.length === query.limit) return { rows: found, more: true };
				found.push(row);
			}
		}
		return { rows: found, more: false };
	}

	/** Calls `visit` for every visible row with end time in [startMs, endMs), in order. */
	forEachVisible(startMs: number, endMs: number, now: number, visit: (row: number) => void) {
		const lowest = new Uint8Array(UUID_BYTES);
		for (let position = this.lowerBound(startMs, lowest, 0); position < this.rows; position++) {
			const row = this.order[position];
			if (this.endMs[row] >= endMs) return;
			if (this.visibleAt[row] <= now) visit(row);
		}
	}

	endOf(row: number) {
		return this.endMs[row];
	}

	/** From start_time to end_time: what a model billed by duration charges for. */
	sessionMsOf(row: number) {
		return Math.max(0, this.endMs[row] - this.startMs[row]);
	}

	/** What kind of request a row records (not shown in the entry: see UsageKind). */
	kindOf(row: number): UsageKind {
		return USAGE_KINDS[this.scopes[row] % USAGE_KINDS.length];
	}

	scopeOf(row: number): RequestScope {
		return REQUEST_SCOPES[Math.floor(this.scopes[row] / USAGE_KINDS.length)];
	}

	/** The model's number (stable until `clear`) and its name. */
	modelIdOf(row: number) {
		return this.models[row];
	}

	modelName(modelId: number) {
		return this.modelNames.values[modelId];
	}

	countOf(field: number, row: number) {
		return this.counts[field][row];
	}

	uuidOf(row: number) {
		return bytesToUuid(this.uuids, row * UUID_BYTES);
	}

	/** The (end time, uuid) key of a row, for cursors. */
	keyOf(row: number): { endMs: number; uuid: string } {
		return { endMs: this.endMs[row], uuid: this.uuidOf(row) };
	}

	visibleAtOf(row: number) {
		return this.visibleAt[row];
	}

	/** A row exactly as /v1/usage-logs shows it. */
	entry(row: number): UsageEntry {
		const count = (field: CountField) => this.counts[COUNT_FIELDS.indexOf(field)][row];
		const model = this.modelNames.values[this.models[row]];
		const cost = costsOf(
			model,
			this.kindOf(row),
			{
				inputTextTokens: count('inputTextTokens'),
				inputAudioTokens: count('inputAudioTokens'),
				outputTextTokens: count('outputTextTokens'),
				outputAudioTokens: count('outputAudioTokens'),
			},
			this.sessionMsOf(row),
		);
		return {
			uuid: this.uuidOf(row),
			request_scope: this.scopeOf(row),
			client_reference_id: this.clientIds.values[this.clients[row]],
			model,
			start_time: new Date(this.startMs[row]).toISOString(),
			end_time: new Date(this.endMs[row]).toISOString(),
			input_text_tokens: count('inputTextTokens'),
			input_audio_tokens: count('inputAudioTokens'),
			input_audio_duration_ms: count('inputAudioDurationMs'),
			output_text_tokens: count('outputTextTokens'),
			output_audio_tokens: count('outputAudioTokens'),
			output_audio_duration_ms: count('outputAudioDurationMs'),
			cost_usd: formatCost(cost.total),
			input_cost_usd: formatCost(cost.input),
			input_text_cost_usd: formatCost(cost.inputText),
			input_audio_cost_usd: formatCost(cost.inputAudio),
			output_cost_usd: formatCost(cost.output),
			output_text_cost_usd: formatCost(cost.outputText),
			output_audio_cost_usd: formatCost(cost.outputAudio),
		};
	}

	/** Entries, visible or not, in (end_time, uuid) order: all, or a slice of them. */
	entries(offset = 0, limit = this.rows): UsageEntry[] {
		const end = Math.min(this.rows, offset + limit);
		return Array.from(this.order.subarray(Math.min(offset, end), end), (row) => this.entry(row));
	}
}
