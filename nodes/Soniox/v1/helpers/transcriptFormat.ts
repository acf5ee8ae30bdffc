// Turns Soniox tokens into what people use: plain text, segments by speaker or language, and
// SRT / WebVTT subtitles. Pure functions, shared by the async and the real-time modes.
import type { IDataObject } from 'n8n-workflow';

export interface TranscriptToken extends IDataObject {
	text: string;
	start_ms?: number;
	end_ms?: number;
	confidence?: number;
	speaker?: string;
	language?: string;
	translation_status?: string;
}

export type OutputFormat = 'text' | 'json' | 'segments' | 'srt' | 'vtt';

export interface Segment extends IDataObject {
	speaker?: string;
	language?: string;
	start_ms: number;
	end_ms: number;
	text: string;
}

const MARKERS = new Set(['<end>', '<fin>']);

/** Tokens of the speech itself, in order: no endpoint markers, no translated tokens. */
export function spokenTokens(tokens: TranscriptToken[]): TranscriptToken[] {
	return tokens.filter(
		(token) =>
			!MARKERS.has(token.text) &&
			token.translation_status !== 'translation' &&
			typeof token.start_ms === 'number',
	);
}

/** The translated text, when translation was asked for. */
export function translatedText(tokens: TranscriptToken[]): string | undefined {
	const translated = tokens.filter((token) => token.translation_status === 'translation');
	return translated.length > 0
		? translated
				.map((token) => token.text)
				.join('')
				.trim()
		: undefined;
}

export function plainText(tokens: TranscriptToken[]): string {
	return spokenTokens(tokens)
		.map((token) => token.text)
		.join('')
		.trim();
}

/** Consecutive tokens with the same speaker (and/or language) form one segment. */
export function segmentTokens(
	tokens: TranscriptToken[],
	groupBy: Array<'speaker' | 'language'> = ['speaker', 'language'],
): Segment[] {
	const segments: Segment[] = [];
	for (const token of spokenTokens(tokens)) {
		const last = segments[segments.length - 1];
		const same = last && groupBy.every((key) => last[key] === token[key]);
		if (same) {
			last.text += token.text;
			last.end_ms = token.end_ms ?? last.end_ms;
			continue;
		}
		const segment: Segment = {
			start_ms: token.start_ms ?? 0,
			end_ms: token.end_ms ?? 0,
			text: token.text,
		};
		for (const key of groupBy) if (token[key] !== undefined) segment[key] = token[key];
		segments.push(segment);
	}
	return segments.map((segment) => ({ ...segment, text: segment.text.trim() }));
}

export interface CueLimits {
	maxCharacters: number;
	maxDurationMs: number;
}

const DEFAULT_CUE_LIMITS: CueLimits = { maxCharacters: 84, maxDurationMs: 7000 };

/** Subtitle cues: a new cue at a change of speaker, or before a cue gets too long to read. */
export function subtitleCues(
	tokens: TranscriptToken[],
	limits: CueLimits = DEFAULT_CUE_LIMITS,
): Segment[] {
	const cues: Segment[] = [];
	for (const token of spokenTokens(tokens)) {
		const last = cues[cues.length - 1];
		const startsWord = /^\s/.test(token.text);
		const tooLong =
			last &&
			startsWord &&
			(last.text.length + token.text.length > limits.maxCharacters ||
				(token.end_ms ?? 0) - last.start_ms > limits.maxDurationMs);
		if (last && last.speaker === token.speaker && !tooLong) {
			last.text += token.text;
			last.end_ms = token.end_ms ?? last.end_ms;
			continue;
		}
		cues.push({
			start_ms: token.start_ms ?? 0,
			end_ms: token.end_ms ?? 0,
			text: token.text,
			...(token.speaker !== undefined ? { speaker: token.speaker } : {}),
		});
	}
	return cues.map((cue) => ({ ...cue, text: cue.text.trim() }));
}

/** 3723004 ms → "01:02:03,004" (SRT) or "01:02:03.004" (WebVTT). */
export function formatTimestamp(ms: number, separator: ',' | '.'): string {
	const clamped = Math.max(0, Math.round(ms));
	const pad = (value: number, width = 2) => String(value).padStart(width, '0');
	const hours = Math.floor(clamped / 3_600_000);
	const minutes = Math.floor((clamped % 3_600_000) / 60_000);
	const seconds = Math.floor((clamped % 60_000) / 1000);
	return `${pad(hours)}:${pad(minutes)}:${pad(seconds)}${separator}${pad(clamped % 1000, 3)}`;
}

function cueText(cue: Segment, withSpeakers: boolean) {
	return withSpeakers && cue.speaker !== undefined
		? `Speaker ${cue.speaker}: ${cue.text}`
		: cue.text;
}

export function toSrt(tokens: TranscriptToken[]): string {
	const cues = subtitleCues(tokens);
	const withSpeakers = new Set(cues.map((cue) => cue.speaker)).size > 1;
	return cues
		.map(
			(cue, index) =>
				`${index + 1}\n${formatTimestamp(cue.start_ms, ',')} --> ${formatTimestamp(cue.end_ms, ',')}\n${cueText(cue, withSpeakers)}\n`,
		)
		.join('\n');
}

export function toVtt(tokens: TranscriptToken[]): string {
	const cues = subtitleCues(tokens);
	const withSpeakers = new Set(cues.map((cue) => cue.speaker)).size > 1;
	const body = cues
		.map(
			(cue) =>
				`${formatTimestamp(cue.start_ms, '.')} --> ${formatTimestamp(cue.end_ms, '.')}\n${withSpeakers && cue.speaker !== undefined ? `<v Speaker ${cue.speaker}>` : ''}${cue.text}\n`,
		)
		.join('\n');
	return `WEBVTT\n\n${body}`;
}
