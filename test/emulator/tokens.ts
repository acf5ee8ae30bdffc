// How the emulator turns audio and text into billable token counts. Soniox does not publish
// its tokenizer; these rates match the contract's example entry (190 s of audio = 2850 tokens).
export const AUDIO_TOKENS_PER_SECOND = 15;

export function audioTokensForDuration(durationMs: number): number {
	return Math.round((durationMs * AUDIO_TOKENS_PER_SECOND) / 1000);
}

/** About four characters per text token, at least one token for any non-empty text. */
export function textTokensForText(text: string): number {
	return text.length === 0 ? 0 : Math.max(1, Math.ceil(text.length / 4));
}
