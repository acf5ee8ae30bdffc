// The usage ledger: one entry per successfully completed billable request, kept sorted by
// (end_time, uuid) so usage-log pages are binary searches, even over a million entries.
// Entries hold counts only; costs are computed exactly when an entry is shown.
import { randomUUID } from 'node:crypto';

import type { LedgerInput, RequestScope, UsageEntry } from './context';
import { costsOf, formatCost } from './pricing';

export interface StoredEntry {
	uuid: string;
	scope: RequestScope;
	clientReferenceId: string;
	model: string;
	startMs: number;
	endMs: number;
	/** When the entry shows up in /v1/usage-logs (Soniox publishes with a lag). */
	visibleAt: number;
	inputTextTokens: number;
	inputAudioTokens: number;
	inputAudioDurationMs: number;
	outputTextTokens: number;
	outputAudioTokens: number;
	outputAudioDurationMs: number;
}

/** Position of an entry in the ledger's order. */
export type EntryKey = [endMs: number, uuid: string];

function compareKey(entry: StoredEntry, key: EntryKey) {
	if (entry.endMs !== key[0]) return entry.endMs - key[0];
	return entry.uuid < key[1] ? -1 : entry.uuid > key[1] ? 1 : 0;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function toUsageEntry(entry: StoredEntry): UsageEntry {
	const cost = costsOf(entry.scope, entry);
	return {
		uuid: entry.uuid,
		request_scope: entry.scope,
		client_reference_id: entry.clientReferenceId,
		model: entry.model,
		start_time: iso(entry.startMs),
		end_time: iso(entry.endMs),
		input_text_tokens: entry.inputTextTokens,
		input_audio_tokens: entry.inputAudioTokens,
		input_audio_duration_ms: entry.inputAudioDurationMs,
		output_text_tokens: entry.outputTextTokens,
		output_audio_tokens: entry.outputAudioTokens,
		output_audio_duration_ms: entry.outputAudioDurationMs,
		cost_usd: formatCost(cost.total),
		input_cost_usd: formatCost(cost.input),
		input_text_cost_usd: formatCost(cost.inputText),
		input_audio_cost_usd: formatCost(cost.inputAudio),
		output_cost_usd: formatCost(cost.output),
		output_text_cost_usd: formatCost(cost.outputText),
		output_audio_cost_usd: formatCost(cost.outputAudio),
	};
}

export interface LogQuery {
	startMs: number;
	endMs: number;
	descending: boolean;
	limit: number;
	/** The last entry of the previous page. */
	after?: EntryKey;
	now: number;
}

export class Ledger {
	private entries: StoredEntry[] = [];

	get size() {
		return this.entries.length;
	}

	all(): StoredEntry[] {
		return this.entries;
	}

	add(input: LedgerInput & { visibleAt: number; uuid?: string }): StoredEntry {
		const entry: StoredEntry = {
			uuid: input.uuid ?? randomUUID(),
			scope: input.requestScope,
			clientReferenceId: input.clientReferenceId ?? '',
			model: input.model,
			startMs: input.startTime,
			endMs: input.endTime,
			visibleAt: input.visibleAt,
			inputTextTokens: input.inputTextTokens,
			inputAudioTokens: input.inputAudioTokens,
			inputAudioDurationMs: input.inputAudioDurationMs,
			outputTextTokens: input.outputTextTokens,
			outputAudioTokens: input.outputAudioTokens,
			outputAudioDurationMs: input.outputAudioDurationMs,
		};
		const last = this.entries[this.entries.length - 1];
		if (!last || compareKey(last, [entry.endMs, entry.uuid]) <= 0) this.entries.push(entry);
		else this.entries.splice(this.lowerBound([entry.endMs, entry.uuid]), 0, entry);
		return entry;
	}

	/** Adds many entries at once and sorts once (bulk seeding). */
	addMany(entries: StoredEntry[]) {
		for (const entry of entries) this.entries.push(entry);
		this.entries.sort((a, b) => compareKey(a, [b.endMs, b.uuid]));
	}

	clear() {
		this.entries = [];
	}

	/** Index of the first entry at or after `key`. */
	private lowerBound(key: EntryKey) {
		let low = 0;
		let high = this.entries.length;
		while (low < high) {
			const middle = (low + high) >>> 1;
			if (compareKey(this.entries[middle], key) < 0) low = middle + 1;
			else high = middle;
		}
		return low;
	}

	/**
	 * One page of visible entries whose end time is in [startMs, endMs), in order, strictly
	 * after `after`. Keyset pagination: entries added behind the cursor are not seen by this
	 * walk, and none is ever returned twice. `more` tells whether another visible one follows.
	 */
	page(query: LogQuery): { entries: StoredEntry[]; more: boolean } {
		const inWindow = (entry: StoredEntry) =>
			entry.endMs >= query.startMs && entry.endMs < query.endMs;
		const visible = (entry: StoredEntry) => entry.visibleAt <= query.now;
		const found: StoredEntry[] = [];
		const step = query.descending ? -1 : 1;
		let index: number;
		if (query.descending) {
			index = query.after
				? this.lowerBound(query.after) - 1
				: this.lowerBound([query.endMs, '']) - 1;
		} else {
			index = query.after ? this.lowerBound(query.after) : this.lowerBound([query.startMs, '']);
			if (query.after && this.entries[index] && compareKey(this.entries[index], query.after) === 0)
				index++;
		}
		for (; index >= 0 && index < this.entries.length; index += step) {
			const entry = this.entries[index];
			if (!inWindow(entry)) {
				if (query.descending ? entry.endMs < query.startMs : entry.endMs >= query.endMs) break;
				continue;
			}
			if (!visible(entry)) continue;
			if (found.length === query.limit) return { entries: found, more: true };
			found.push(entry);
		}
		return { entries: found, more: false };
	}

	/** Visible entries with end time in [startMs, endMs), for the summary. */
	*inWindow(startMs: number, endMs: number, now: number): Generator<StoredEntry> {
		for (let index = this.lowerBound([startMs, '']); index < this.entries.length; index++) {
			const entry = this.entries[index];
			if (entry.endMs >= endMs) return;
			if (entry.visibleAt <= now) yield entry;
		}
	}
}
