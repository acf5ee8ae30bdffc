// Known text laid over a duration: the words, their leading spaces, their times.

/** Words longer than this (in code points) are cut into several spoken words. */
const MAX_WORD_CODE_POINTS = 48;

export interface TimedWord {
	/** Includes its leading whitespace, so that concatenating words gives the text back. */
	text: string;
	startMs: number;
	endMs: number;
	/** False while the word may still change (its audio is still arriving). */
	complete: boolean;
}

/** Splits text into spoken words: each keeps its leading whitespace; trailing space joins the last. */
export function spokenWords(text: string): string[] {
	const words: string[] = [];
	for (const match of text.matchAll(/\s*\S+/gu)) {
		const codePoints = Array.from(match[0]);
		for (let i = 0; i < codePoints.length; i += MAX_WORD_CODE_POINTS) {
			words.push(codePoints.slice(i, i + MAX_WORD_CODE_POINTS).join(''));
		}
	}
	const trailing = /\s+$/u.exec(text);
	if (trailing && words.length > 0) words[words.length - 1] += trailing[0];
	return words;
}

/** Lays known text over a duration: contiguous words, each as long as its characters (+1). */
export function layoutText(
	text: string,
	durationMs: number,
): Array<{ text: string; startMs: number; endMs: number }> {
	const words = spokenWords(text);
	const weights = words.map((word) => Array.from(word.trim()).length + 1);
	const total = weights.reduce((sum, weight) => sum + weight, 0);
	let cumulative = 0;
	return words.map((word, index) => {
		const startMs = Math.round((durationMs * cumulative) / total);
		cumulative += weights[index];
		const endMs = Math.round((durationMs * cumulative) / total);
		return { text: word, startMs, endMs };
	});
}
