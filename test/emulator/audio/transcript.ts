// From heard words to transcript tokens: sub-word pieces, speakers, languages and the
// pseudo-translation.

import type { TimedWord } from './text-layout';
import { spokenWords } from './text-layout';
import type { RecognizeOptions, StreamToken } from './types';

const DEFAULT_LANGUAGE = 'en';

/** Cuts a word into sub-word pieces: the first keeps the leading space; pieces of 3 code points. */
export function wordPieces(word: string): string[] {
	const lead = /^\s*/u.exec(word)![0];
	const core = Array.from(word.slice(lead.length));
	if (core.length <= 4) return [word];
	const pieces: string[] = [];
	for (let i = 0; i < core.length; i += 3) {
		const rest = core.length - i;
		const size = rest === 4 ? 2 : 3;
		pieces.push(core.slice(i, i + size).join(''));
		if (size === 2) {
			pieces.push(core.slice(i + 2).join(''));
			break;
		}
	}
	pieces[0] = lead + pieces[0];
	return pieces;
}

function endsSentence(word: string): boolean {
	return /[.!?…。！？]["')\]]*\s*$/u.test(word);
}

/** In [0.72, 0.999], from an FNV-1a hash of the piece and its position. */
function confidenceFor(text: string, index: number): number {
	let hash = 0x811c9dc5 ^ index;
	for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
	return Math.round((0.72 + (((hash >>> 0) % 1000) / 1000) * 0.279) * 1000) / 1000;
}

/**
 * A stable stand-in for a translation: each word's letters reversed and lower-cased, the first
 * word of every sentence capitalised.
 */
export function pseudoTranslate(text: string): string {
	let capitalize = true;
	let last = 0;
	return text.replace(/\p{L}[\p{L}\p{M}'’-]*/gu, (word, offset: number) => {
		if (/[.!?…]/u.test(text.slice(last, offset))) capitalize = true;
		last = offset + word.length;
		const reversed = Array.from(word.toLowerCase()).reverse().join('');
		if (!capitalize) return reversed;
		capitalize = false;
		return reversed[0].toUpperCase() + reversed.slice(1);
	});
}

interface TranslationPlan {
	source: string;
	target: string;
}

function translationPlan(options: RecognizeOptions): TranslationPlan | undefined {
	const translation = options.translation;
	if (!translation) return undefined;
	const hint = options.languageHints?.[0];
	if (translation.type === 'one_way') {
		return { source: hint ?? DEFAULT_LANGUAGE, target: translation.target_language };
	}
	const source = hint === translation.language_b ? translation.language_b : translation.language_a;
	return {
		source,
		target: source === translation.language_a ? translation.language_b : translation.language_a,
	};
}

/**
 * Turns heard words into tokens: sub-word pieces spread over each word's time, speakers
 * alternating per sentence with diarization, a language on every token with language
 * identification or translation, and after each finished sentence its pseudo-translation
 * (no timestamps) when translation is on. Tokens of complete words are final.
 */
export function tokensFromWords(
	words: TimedWord[],
	options: RecognizeOptions,
	ended: boolean,
): StreamToken[] {
	const plan = translationPlan(options);
	const translating = plan !== undefined && plan.source !== plan.target;
	const language = plan?.source ?? options.languageHints?.[0] ?? DEFAULT_LANGUAGE;
	const withLanguage = plan !== undefined || options.enableLanguageIdentification === true;
	const tokens: StreamToken[] = [];
	let sentence: TimedWord[] = [];
	let sentenceIndex = 0;
	let pieceIndex = 0;

	const speakerFor = () =>
		options.enableSpeakerDiarization ? String((sentenceIndex % 2) + 1) : undefined;

	const closeSentence = () => {
		if (translating && sentence.length > 0 && sentence.every((word) => word.complete)) {
			const original = sentence.map((word) => word.text).join('');
			const translated = pseudoTranslate(/^\s/u.test(original) ? original : ` ${original}`);
			for (const word of spokenWords(translated)) {
				for (const piece of wordPieces(word)) {
					tokens.push(
						withoutUndefined({
							text: piece,
							confidence: confidenceFor(piece, pieceIndex++),
							speaker: speakerFor(),
							language: plan!.target,
							source_language: plan!.source,
							translation_status: 'translation' as const,
							final: true,
						}),
					);
				}
			}
		}
		sentence = [];
		sentenceIndex++;
	};

	for (const word of words) {
		const pieces = wordPieces(word.text);
		const weights = pieces.map((piece) => Array.from(piece.trim()).length || 1);
		const total = weights.reduce((sum, weight) => sum + weight, 0);
		const span = Math.max(0, word.endMs - word.startMs);
		let cumulative = 0;
		pieces.forEach((piece, index) => {
			const startMs = word.startMs + Math.round((span * cumulative) / total);
			cumulative += weights[index];
			const endMs = word.startMs + Math.round((span * cumulative) / total);
			tokens.push(
				withoutUndefined({
					text: piece,
					start_ms: startMs,
					end_ms: endMs,
					confidence: confidenceFor(piece, pieceIndex++),
					speaker: speakerFor(),
					language: withLanguage ? language : undefined,
					translation_status: plan
						? translating
							? ('original' as const)
							: ('none' as const)
						: undefined,
					final: word.complete,
				}),
			);
		});
		sentence.push(word);
		if (word.complete && endsSentence(word.text)) closeSentence();
	}
	if (ended && sentence.length > 0) closeSentence();
	return tokens;
}

function withoutUndefined<T extends object>(value: T): T {
	for (const key of Object.keys(value) as Array<keyof T>) {
		if (value[key] === undefined) delete value[key];
	}
	return value;
}
