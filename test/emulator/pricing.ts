// What usage costs, per token, in exact decimal arithmetic. Soniox does not publish per-token
// prices; these are plausible figures (async audio about $0.11 an hour) kept in one table.
import type { LedgerInput, RequestScope } from './context';

/** Costs are kept as integers of 10^-10 USD, the precision Soniox reports. */
export const COST_SCALE = 10n ** 10n;

interface PricePerToken {
	inputText: bigint;
	inputAudio: bigint;
	outputText: bigint;
	outputAudio: bigint;
}

const units = (usd: string) => {
	const [whole, fraction = ''] = usd.split('.');
	return BigInt(whole) * COST_SCALE + BigInt((fraction + '0'.repeat(10)).slice(0, 10));
};

const PRICES: Record<RequestScope, PricePerToken> = {
	transcribe_async: {
		inputText: units('0.0000010'),
		inputAudio: units('0.0000020'),
		outputText: units('0.0000040'),
		outputAudio: 0n,
	},
	transcribe_websocket: {
		inputText: units('0.0000010'),
		inputAudio: units('0.0000025'),
		outputText: units('0.0000050'),
		outputAudio: 0n,
	},
	tts_rest: {
		inputText: units('0.0000100'),
		inputAudio: 0n,
		outputText: 0n,
		outputAudio: units('0.0000030'),
	},
	tts_websocket: {
		inputText: units('0.0000100'),
		inputAudio: 0n,
		outputText: 0n,
		outputAudio: units('0.0000030'),
	},
};

export function formatCost(value: bigint): string {
	const whole = value / COST_SCALE;
	const fraction = (value % COST_SCALE).toString().padStart(10, '0');
	return `${whole}.${fraction}`;
}

export type Counts = Pick<
	LedgerInput,
	'inputTextTokens' | 'inputAudioTokens' | 'outputTextTokens' | 'outputAudioTokens'
>;

/** The seven cost fields of a usage entry, each an exact 10-decimal string. */
export function costsOf(scope: RequestScope, counts: Counts) {
	const price = PRICES[scope];
	const inputText = price.inputText * BigInt(counts.inputTextTokens);
	const inputAudio = price.inputAudio * BigInt(counts.inputAudioTokens);
	const outputText = price.outputText * BigInt(counts.outputTextTokens);
	const outputAudio = price.outputAudio * BigInt(counts.outputAudioTokens);
	return {
		total: inputText + inputAudio + outputText + outputAudio,
		input: inputText + inputAudio,
		output: outputText + outputAudio,
		inputText,
		inputAudio,
		outputText,
		outputAudio,
	};
}
