import type { IDataObject } from 'n8n-workflow';

/** One entry of GET /v1/usage-logs: one completed billable request. */
export interface UsageLogEntry extends IDataObject {
	uuid: string;
	request_scope: string;
	/** "" (or null in some clients) when the request carried none. */
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
