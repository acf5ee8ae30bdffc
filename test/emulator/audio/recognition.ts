// Recognition of whole files (read in pieces, never whole), buffers, and live streams.

import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

import { HeardWords } from './heard-words';
import type { TimedWord } from './text-layout';
import { tokensFromWords } from './transcript';
import {
	InvalidAudioError,
	type Recognition,
	type RecognizeOptions,
	type StreamToken,
	type TranscriptToken,
} from './types';
import {
	NeedMoreBytes,
	bytesToMs,
	isRiff,
	parseWavBuffer,
	parseWavFile,
	rawPcmLayout,
	type WavInfo,
} from './wav';

function toRecognition(
	durationMs: number,
	words: TimedWord[],
	options: RecognizeOptions,
): Recognition {
	const tokens = asyncTranscriptTokens(
		tokensFromWords(words, options, true).map(({ final: _final, ...token }) => token),
	);
	return { durationMs, text: tokens.map((token) => token.text).join(''), tokens };
}

/**
 * The async transcript's tokens (TranscriptionTranscriptToken): every token has start_ms and
 * end_ms, a translated one the span of the sentence it translates; no source_language.
 */
function asyncTranscriptTokens(tokens: TranscriptToken[]): TranscriptToken[] {
	let sentenceStart: number | undefined;
	let lastEnd = 0;
	let afterTranslation = false;
	return tokens.map(({ source_language: _source, ...token }) => {
		if (token.start_ms === undefined || token.end_ms === undefined) {
			afterTranslation = true;
			return { ...token, start_ms: sentenceStart ?? lastEnd, end_ms: lastEnd };
		}
		if (afterTranslation || sentenceStart === undefined) sentenceStart = token.start_ms;
		afterTranslation = false;
		lastEnd = token.end_ms;
		return token;
	});
}

export function recognizeBuffer(audio: Buffer, options: RecognizeOptions): Recognition {
	if (audio.length === 0) throw new InvalidAudioError('The audio is empty.');
	if (!isRiff(audio)) {
		const heard = new HeardWords(undefined, undefined);
		heard.feed(audio);
		return toRecognition(heard.receivedMs, heard.words(true), options);
	}
	const wav = parseWavBuffer(audio, false, true);
	const dataBytes = wavDataBytes(wav, audio.length);
	const durationMs = bytesToMs(dataBytes, wav.layout.byteRate);
	const heard = new HeardWords(
		wav.layout,
		wav.comment === undefined ? undefined : { text: wav.comment, durationMs },
	);
	heard.feed(audio.subarray(wav.dataOffset, wav.dataOffset + dataBytes));
	return toRecognition(durationMs, heard.words(true), options);
}

export async function recognizeFile(path: string, options: RecognizeOptions): Promise<Recognition> {
	const file = await open(path, 'r');
	let wav: WavInfo | undefined;
	let size: number;
	try {
		size = (await file.stat()).size;
		if (size === 0) throw new InvalidAudioError('The audio file is empty.');
		const head = Buffer.alloc(4);
		await file.read(head, 0, 4, 0);
		if (isRiff(head)) wav = await parseWavFile(file, size);
	} finally {
		await file.close();
	}
	if (!wav) {
		const heard = new HeardWords(undefined, undefined);
		await streamInto(path, 0, size, heard);
		return toRecognition(heard.receivedMs, heard.words(true), options);
	}
	const dataBytes = wavDataBytes(wav, size);
	const durationMs = bytesToMs(dataBytes, wav.layout.byteRate);
	if (wav.comment !== undefined) {
		const heard = new HeardWords(wav.layout, { text: wav.comment, durationMs });
		return toRecognition(durationMs, heard.words(true), options);
	}
	const heard = new HeardWords(wav.layout, undefined);
	await streamInto(path, wav.dataOffset, dataBytes, heard);
	return toRecognition(durationMs, heard.words(true), options);
}

function wavDataBytes(wav: WavInfo, totalSize: number): number {
	const present = Math.max(0, totalSize - wav.dataOffset);
	const bytes =
		wav.declaredDataBytes === undefined ? present : Math.min(wav.declaredDataBytes, present);
	return bytes - (bytes % wav.layout.blockAlign);
}

async function streamInto(
	path: string,
	start: number,
	length: number,
	heard: HeardWords,
): Promise<void> {
	if (length <= 0) return;
	const stream = createReadStream(path, { start, end: start + length - 1, highWaterMark: 1 << 20 });
	for await (const chunk of stream) heard.feed(chunk as Buffer);
}

export type StreamAudioFormat =
	{ kind: 'auto' } | { kind: 'raw'; format: string; sampleRate: number; channels: number };

/**
 * Recognition of audio that arrives in pieces. With 'auto', a RIFF/WAVE header at the start
 * is parsed (its ICMT text, if it comes before the data, is what is heard); any other bytes
 * are treated as an opaque compressed stream.
 */
export class LiveRecognizer {
	private head: Buffer = Buffer.alloc(0);
	private heard: HeardWords | undefined;

	constructor(
		format: StreamAudioFormat,
		private readonly options: RecognizeOptions,
	) {
		if (format.kind === 'raw') {
			this.heard = new HeardWords(
				rawPcmLayout(format.format, format.sampleRate, format.channels),
				undefined,
			);
		}
	}

	/** Bytes of audio received, headers included. */
	receivedBytes = 0;

	/** Milliseconds of audio received so far. */
	get audioMs(): number {
		return this.heard?.receivedMs ?? 0;
	}

	/** Throws InvalidAudioError when a WAV header turns out malformed. */
	push(chunk: Buffer): void {
		this.receivedBytes += chunk.length;
		if (this.heard) {
			this.heard.feed(chunk);
			return;
		}
		this.head = Buffer.concat([this.head, chunk]);
		this.tryStart(false);
	}

	private tryStart(ended: boolean): void {
		if (this.head.length < 4 && !ended) return;
		if (!isRiff(this.head)) {
			this.heard = new HeardWords(undefined, undefined);
			this.heard.feed(this.head);
			this.head = Buffer.alloc(0);
			return;
		}
		let wav: WavInfo;
		try {
			wav = parseWavBuffer(this.head, true, ended);
		} catch (error) {
			if (error instanceof NeedMoreBytes) return;
			throw error;
		}
		const durationMs =
			wav.declaredDataBytes === undefined
				? undefined
				: bytesToMs(wav.declaredDataBytes, wav.layout.byteRate);
		const comment = wav.comment === undefined ? undefined : { text: wav.comment, durationMs };
		this.heard = new HeardWords(wav.layout, comment);
		this.heard.feed(this.head.subarray(wav.dataOffset));
		this.head = Buffer.alloc(0);
	}

	/** All tokens so far; with `ended`, every token is final. */
	tokens(ended: boolean): StreamToken[] {
		if (!this.heard && ended && this.head.length > 0) this.tryStart(true);
		if (!this.heard) return [];
		return tokensFromWords(this.heard.words(ended), this.options, ended);
	}
}
