import type { IDataObject } from 'n8n-workflow';

import { withAmountNumbers } from './amountNumbers';

/** One entry of GET /v1/usage-logs: one completed billable request. */
export interface UsageLogEntry extends IDataObject {
	uuid: string;
	request_scope: string;
	/** "" when the request carried none (Soniox's OpenAPI: "Empty string if none."). */
	client_reference_id: string | null;
	model: string;
	start_time: string;
	end_time: string;
	input_text_tokens: number;
	input_audio_tokens: number;
	input_audio_duration_ms: number;
	output_text_tokens: number;
	output_audio_tokens: number;
	output_audio_duration_ms: number;
	cost_usd: string;
	input_cost_usd: string;
	input_text_cost_usd: string;
	input_audio_cost_usd: string;
	output_cost_usd: string;
	output_text_cost_usd: string;
	output_audio_cost_usd: string;
}

/**
 * What an entry was for, derived from its model: Soniox's own request_scope says only where the
 * request came from (api or playground). Async and real-time transcription models are named
 * stt-async-… and stt-rt-…; speech synthesis is a tts-… model, or any entry with output audio.
 * Speech over REST and over the WebSocket log alike, so they are one kind.
 */
export type RequestKind =
	'async_transcription' | 'real_time_transcription' | 'speech_synthesis' | 'other';

export function requestKindOf(entry: Pick<UsageLogEntry, 'model' | 'output_audio_duration_ms'>) {
	const model = typeof entry.model === 'string' ? entry.model : '';
	if (model.startsWith('tts-') || Number(entry.output_audio_duration_ms) > 0) {
		return 'speech_synthesis';
	}
	if (model.startsWith('stt-async')) return 'async_transcription';
	if (model.startsWith('stt-rt')) return 'real_time_transcription';
	return 'other';
}

/** The cost fields of an entry, each a decimal string in USD. */
export const USAGE_COST_FIELDS = [
	'cost_usd',
	'input_cost_usd',
	'output_cost_usd',
	'input_text_cost_usd',
	'input_audio_cost_usd',
	'output_text_cost_usd',
	'output_audio_cost_usd',
] as const;

/** The count fields of an entry: tokens and audio durations. */
export const USAGE_COUNT_FIELDS = [
	'input_text_tokens',
	'input_audio_tokens',
	'input_audio_duration_ms',
	'output_text_tokens',
	'output_audio_tokens',
	'output_audio_duration_ms',
] as const;

/** The ID as a string; "" when the request carried none. */
export function clientReferenceIdOf(entry: UsageLogEntry): string {
	return entry.client_reference_id ?? '';
}

/**
 * An entry as the node outputs it: Soniox's fields unchanged (no client reference ID is "",
 * as Soniox sends it), and every cost also as a number beside its exact string.
 */
export function usageEntryOutput(entry: UsageLogEntry): IDataObject {
	// A poll may emit 100,000 entries: Soniox's seven amounts, when they are the exact decimal
	// strings it sends, get their numbers by name (one shape for every entry, no key lookups);
	// anything else goes through the general rule.
	const { cost_usd, input_cost_usd, output_cost_usd } = entry;
	const { input_text_cost_usd, input_audio_cost_usd } = entry;
	const { output_text_cost_usd, output_audio_cost_usd } = entry;
	const amounts = [
		cost_usd,
		input_cost_usd,
		output_cost_usd,
		input_text_cost_usd,
		input_audio_cost_usd,
		output_text_cost_usd,
		output_audio_cost_usd,
	];
	if (!amounts.every((amount) => typeof amount === 'string' && SONIOX_AMOUNT.test(amount))) {
		return withAmountNumbers({ ...entry });
	}
	return {
		...entry,
		cost_usd_number: Number(cost_usd),
		input_cost_usd_number: Number(input_cost_usd),
		output_cost_usd_number: Number(output_cost_usd),
		input_text_cost_usd_number: Number(input_text_cost_usd),
		input_audio_cost_usd_number: Number(input_audio_cost_usd),
		output_text_cost_usd_number: Number(output_text_cost_usd),
		output_audio_cost_usd_number: Number(output_audio_cost_usd),
	};
}

/** An amount as Soniox writes it: plain digits, a point and up to 10 decimals. */
const SONIOX_AMOUNT = /^-?\d{1,15}(\.\d{1,10})?$/;

/** Why an entry cannot be summed: names the entry (its uuid) and the field Soniox sent. */
export class MalformedUsageEntryError extends Error {
	constructor(
		readonly uuid: string,
		readonly field: string,
		readonly value: unknown,
		expected: string,
	) {
		super(
			`Soniox sent usage-log entry ${uuid} with ${field} ${shownValue(value)}, which is not ${expected}`,
		);
		this.name = 'MalformedUsageEntryError';
	}
}

function shownValue(value: unknown): string {
	if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (value === null) return 'null';
	return Array.isArray(value)
		? 'a list'
		: `${typeof value === 'object' ? 'an object' : typeof value}`;
}

/** The uuid of an entry as text, for messages (Soniox always sends one; say so if not). */
export function uuidOf(entry: UsageLogEntry): string {
	return typeof entry.uuid === 'string' && entry.uuid !== '' ? entry.uuid : '(without uuid)';
}

/** The end time of an entry in epoch ms; throws naming the entry when it is not a time. */
export function endTimeOf(entry: UsageLogEntry): number {
	const ms = typeof entry.end_time === 'string' ? Date.parse(entry.end_time) : Number.NaN;
	if (!Number.isFinite(ms)) {
		throw new MalformedUsageEntryError(uuidOf(entry), 'end_time', entry.end_time, 'a time');
	}
	return ms;
}
