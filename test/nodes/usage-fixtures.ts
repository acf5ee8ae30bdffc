// A usage-log entry as Soniox sends it, for the usage tests: override what a test is about.
import type { UsageLogEntry } from '../../nodes/Soniox/v1/helpers/usageLogEntry';

export function usageEntry(overrides: Partial<UsageLogEntry> = {}): UsageLogEntry {
	return {
		uuid: 'u',
		request_scope: 'transcribe_async',
		client_reference_id: 'customer_1',
		model: 'stt-async-v4',
		start_time: '2026-11-24T09:00:00Z',
		end_time: '2026-11-24T09:03:10Z',
		input_text_tokens: 0,
		input_audio_tokens: 2850,
		input_audio_duration_ms: 190_000,
		output_text_tokens: 512,
		output_audio_tokens: 0,
		output_audio_duration_ms: 0,
		cost_usd: '0.0063330000',
		input_cost_usd: '0.0060000000',
		input_text_cost_usd: '0.0000000000',
		input_audio_cost_usd: '0.0060000000',
		output_cost_usd: '0.0003330000',
		output_text_cost_usd: '0.0003330000',
		output_audio_cost_usd: '0.0000000000',
		...overrides,
	};
}
