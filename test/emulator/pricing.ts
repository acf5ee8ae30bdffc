// What usage costs, per token and per model, in exact decimal arithmetic. Soniox does not
// publish per-token prices; these are plausible figures (async audio about $0.11 an hour)
// kept in one table. An alias is billed as the model it points to; a model missing from the
// table (e.g. a retired id in seeded history) is billed at its API's default row.
import sttModelData from './data/stt-models.json';
import ttsModelData from './data/tts-models.json';
import type { LedgerInput, UsageKind } from './context';
import { formatDecimal, parseDecimal } from './decimal';

export interface PricePerToken {
	inputText: bigint;
	inputAudio: bigint;
	outputText: bigint;
	outputAudio: bigint;
}

const price = (inputText: string, inputAudio: string, outputText: string, outputAudio: string) => ({
	inputText: parseDecimal(inputText),
	inputAudio: parseDecimal(inputAudio),
	outputText: parseDecimal(outputText),
	outputAudio: parseDecimal(outputAudio),
});

const ASYNC_STT = price('0.0000010', '0.0000020', '0.0000040', '0');
const REALTIME_STT = price('0.0000010', '0.0000025', '0.0000050', '0');
const TTS = price('0.0000100', '0', '0', '0.0000030');

/** USD per token, by model id (after alias resolution). */
const PRICES_BY_MODEL: Record<string, PricePerToken> = {
	'stt-async-v5': ASYNC_STT,
	'stt-async-v6': ASYNC_STT,
	'stt-rt-v5': REALTIME_STT,
	'stt-rt-v6': REALTIME_STT,
	'tts-rt-v2': TTS,
};

const DEFAULT_BY_KIND: Record<UsageKind, PricePerToken> = {
	transcribe_async: ASYNC_STT,
	transcribe_websocket: REALTIME_STT,
	tts_rest: TTS,
	tts_websocket: TTS,
};

const ALIASES = new Map<string, string>(
	[...sttModelData.models, ...ttsModelData.models]
		.filter((model) => model.aliased_model_id !== null)
		.map((model) => [model.id, model.aliased_model_id as string]),
);

export function priceOf(model: string, kind: UsageKind): PricePerToken {
	return PRICES_BY_MODEL[ALIASES.get(model) ?? model] ?? DEFAULT_BY_KIND[kind];
}

/**
 * Soniox's usage summary has a cost "for models billed by session duration rather than by
 * tokens" (`duration_cost_usd`, `duration_ms`; 0 for speech-to-text and text-to-speech models).
 * Which models those are is not published, so only this model of the emulator's own is: each of
 * its entries is billed per millisecond from start_time to end_time, on top of its tokens. The
 * usage-log entry has no duration field: its cost_usd includes the duration cost (ours).
 */
export const DURATION_BILLED_MODEL = 'emulator-session-v1';

/** USD per millisecond of session ($0.03 a minute), in units of 10^-10 USD. */
const DURATION_PRICE_PER_MS: Record<string, bigint> = {
	[DURATION_BILLED_MODEL]: parseDecimal('0.0000005'),
};

/** What a model costs per millisecond of session; 0 for the models billed by tokens only. */
export function durationPriceOf(model: string): bigint {
	return DURATION_PRICE_PER_MS[ALIASES.get(model) ?? model] ?? 0n;
}

export const formatCost = formatDecimal;

export type Counts = Pick<
	LedgerInput,
	'inputTextTokens' | 'inputAudioTokens' | 'outputTextTokens' | 'outputAudioTokens'
>;

/**
 * The seven cost amounts of a usage entry, in units of 10^-10 USD; `sessionMs` (end minus start)
 * counts only for a model billed by duration, and only in the total.
 */
export function costsOf(model: string, kind: UsageKind, counts: Counts, sessionMs = 0) {
	const rate = priceOf(model, kind);
	const inputText = rate.inputText * BigInt(counts.inputTextTokens);
	const inputAudio = rate.inputAudio * BigInt(counts.inputAudioTokens);
	const outputText = rate.outputText * BigInt(counts.outputTextTokens);
	const outputAudio = rate.outputAudio * BigInt(counts.outputAudioTokens);
	const duration = durationPriceOf(model) * BigInt(Math.max(0, sessionMs));
	return {
		total: inputText + inputAudio + outputText + outputAudio + duration,
		duration,
		input: inputText + inputAudio,
		output: outputText + outputAudio,
		inputText,
		inputAudio,
		outputText,
		outputAudio,
	};
}
