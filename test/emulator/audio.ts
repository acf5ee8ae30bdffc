// Audio in and out for the emulator: what the fake recogniser "hears" in a file or a stream,
// the WAV fixtures tests feed it, and the audio the fake TTS returns.
//
// How recognition works (deterministic, no real ASR):
// 1. A RIFF/WAVE file with a LIST/INFO/ICMT chunk is heard as exactly that text, its words
//    laid out over the audio's duration (more characters, more time).
// 2. 16-bit PCM written by makeWav or synthesize() also carries each word in the low byte of
//    its samples (a small framed code repeated over the word's time span). Raw PCM cut from
//    such audio at any offset, without its header, is still heard word for word, at the
//    words' positions in that cut. This is what lets a client that reconnects mid-stream
//    resend audio from an offset and stitch the transcripts.
// 3. Anything else is heard as pseudo-words: one word per WORD_SLOT_MS of audio, each chosen
//    by the SHA-1 of that slot's bytes from a fixed word list.
// Duration: WAV from its header (data bytes / byte rate, capped at the bytes present); raw
// PCM from sample rate x channels x sample width; any other bytes (mp3, ogg, ...) count as
// 128 kbit/s, i.e. OPAQUE_BYTES_PER_MS bytes per millisecond.

import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

// ─── Public shapes ──────────────────────────────────────────────────────────────────────────

export type TranslationOption =
	| { type: 'one_way'; target_language: string }
	| { type: 'two_way'; language_a: string; language_b: string };

export interface RecognizeOptions {
	enableSpeakerDiarization?: boolean;
	enableLanguageIdentification?: boolean;
	languageHints?: string[];
	translation?: TranslationOption;
}

export interface TranscriptToken {
	text: string;
	start_ms?: number;
	end_ms?: number;
	confidence?: number;
	speaker?: string;
	language?: string;
	source_language?: string;
	translation_status?: 'none' | 'original' | 'translation';
}

export interface Recognition {
	durationMs: number;
	/** Every token's text concatenated (translation tokens included, in token order). */
	text: string;
	tokens: TranscriptToken[];
}

/** A token of a live stream: `final` tokens never change again. */
export interface StreamToken extends TranscriptToken {
	final: boolean;
}

export class InvalidAudioError extends Error {
	readonly errorType = 'invalid_audio';
	constructor(message: string) {
		super(message);
		this.name = 'InvalidAudioError';
	}
}

// ─── Constants ──────────────────────────────────────────────────────────────────────────────

export const WORD_SLOT_MS = 400;
export const OPAQUE_BYTES_PER_MS = 16;
const DEFAULT_LANGUAGE = 'en';
/** Words longer than this (in code points) are cut into several spoken words. */
const MAX_WORD_CODE_POINTS = 48;
/** Give up looking for coded words after this much audio without a single frame. */
const DECODER_PATIENCE_MS = 10_000;
const MAX_LIST_CHUNK_BYTES = 1 << 20;

const PSEUDO_WORDS = [
	'the',
	'quick',
	'brown',
	'fox',
	'jumps',
	'over',
	'lazy',
	'dog',
	'morning',
	'coffee',
	'meeting',
	'project',
	'report',
	'customer',
	'order',
	'delivery',
	'tomorrow',
	'today',
	'please',
	'thank',
	'you',
	'we',
	'will',
	'send',
	'the',
	'invoice',
	'schedule',
	'call',
	'support',
	'team',
	'question',
	'answer',
	'number',
	'account',
	'update',
	'review',
	'weather',
	'city',
	'train',
	'station',
	'ticket',
	'price',
	'market',
	'music',
	'water',
	'garden',
	'window',
	'kitchen',
	'doctor',
	'appointment',
	'important',
	'simple',
	'really',
	'yes',
	'no',
	'maybe',
	'later',
	'again',
	'okay',
	'great',
	'sounds',
	'good',
	'because',
	'after',
];

// ─── PCM layout and WAV headers ─────────────────────────────────────────────────────────────

/** 16-bit PCM is the only sample format whose words can be decoded from the samples. */
export type SampleCode = 's16le' | 's16be' | 'other';

export interface PcmLayout {
	sampleRate: number;
	channels: number;
	/** Bytes per sample frame (all channels). */
	blockAlign: number;
	byteRate: number;
	code: SampleCode;
}

export interface WavInfo {
	layout: PcmLayout;
	dataOffset: number;
	/** Size declared in the data chunk header; undefined for streaming headers (0 or 0xFFFFFFFF). */
	declaredDataBytes: number | undefined;
	comment: string | undefined;
}

interface ReadRequest {
	offset: number;
	length: number;
}

const RAW_SAMPLE_WIDTHS: Record<string, number> = {
	pcm_s8: 1,
	pcm_u8: 1,
	pcm_s8le: 1,
	pcm_s8be: 1,
	pcm_u8le: 1,
	pcm_u8be: 1,
	mulaw: 1,
	alaw: 1,
	pcm_s16le: 2,
	pcm_s16be: 2,
	pcm_u16le: 2,
	pcm_u16be: 2,
	pcm_s24le: 3,
	pcm_s24be: 3,
	pcm_u24le: 3,
	pcm_u24be: 3,
	pcm_s32le: 4,
	pcm_s32be: 4,
	pcm_u32le: 4,
	pcm_u32be: 4,
	pcm_f32le: 4,
	pcm_f32be: 4,
	pcm_f64le: 8,
	pcm_f64be: 8,
};

/** The raw formats of the real-time STT config, with their sample width in bytes. */
export const RAW_PCM_FORMATS: readonly string[] = Object.keys(RAW_SAMPLE_WIDTHS);

export function rawPcmLayout(format: string, sampleRate: number, channels: number): PcmLayout {
	const width = RAW_SAMPLE_WIDTHS[format];
	if (width === undefined) throw new Error(`Not a raw PCM format: ${format}`);
	const code: SampleCode =
		format === 'pcm_s16le' ? 's16le' : format === 'pcm_s16be' ? 's16be' : 'other';
	return {
		sampleRate,
		channels,
		blockAlign: width * channels,
		byteRate: width * channels * sampleRate,
		code,
	};
}

/**
 * Walks RIFF chunks as a generator of read requests, so the same parser serves a Buffer
 * (sync) and a file handle (async). Stops at the data chunk when `stopAtData`.
 */
function* walkWav(totalSize: number, stopAtData: boolean): Generator<ReadRequest, WavInfo, Buffer> {
	const riff = yield { offset: 0, length: 12 };
	if (
		riff.length < 12 ||
		riff.toString('latin1', 0, 4) !== 'RIFF' ||
		riff.toString('latin1', 8, 12) !== 'WAVE'
	) {
		throw new InvalidAudioError('Not a RIFF/WAVE file.');
	}
	let layout: PcmLayout | undefined;
	let dataOffset: number | undefined;
	let declaredDataBytes: number | undefined;
	let comment: string | undefined;
	let offset = 12;
	while (offset + 8 <= totalSize) {
		const head = yield { offset, length: 8 };
		if (head.length < 8) break;
		const id = head.toString('latin1', 0, 4);
		const size = head.readUInt32LE(4);
		const bodyOffset = offset + 8;
		if (id === 'fmt ') {
			layout = parseFmtChunk(yield { offset: bodyOffset, length: Math.min(size, 64) });
		} else if (id === 'LIST' && size >= 4 && size <= MAX_LIST_CHUNK_BYTES) {
			comment = parseInfoComment(yield { offset: bodyOffset, length: size }) ?? comment;
		} else if (id === 'data') {
			dataOffset = bodyOffset;
			declaredDataBytes = size === 0 || size === 0xffffffff ? undefined : size;
			if (stopAtData || declaredDataBytes === undefined) break;
		}
		offset = bodyOffset + size + (size % 2);
	}
	if (!layout) throw new InvalidAudioError('WAV file has no fmt chunk.');
	if (dataOffset === undefined) throw new InvalidAudioError('WAV file has no data chunk.');
	return { layout, dataOffset, declaredDataBytes, comment };
}

function parseFmtChunk(body: Buffer): PcmLayout {
	if (body.length < 16) throw new InvalidAudioError('WAV fmt chunk is too short.');
	let formatTag = body.readUInt16LE(0);
	const channels = body.readUInt16LE(2);
	const sampleRate = body.readUInt32LE(4);
	const byteRate = body.readUInt32LE(8);
	const blockAlign = body.readUInt16LE(12);
	const bitsPerSample = body.readUInt16LE(14);
	if (formatTag === 0xfffe && body.length >= 26) formatTag = body.readUInt16LE(24);
	if (channels === 0 || sampleRate === 0 || byteRate === 0 || blockAlign === 0) {
		throw new InvalidAudioError('WAV fmt chunk describes no audio.');
	}
	const code: SampleCode = formatTag === 1 && bitsPerSample === 16 ? 's16le' : 'other';
	return { sampleRate, channels, blockAlign, byteRate, code };
}

function parseInfoComment(body: Buffer): string | undefined {
	if (body.length < 4 || body.toString('latin1', 0, 4) !== 'INFO') return undefined;
	let offset = 4;
	while (offset + 8 <= body.length) {
		const id = body.toString('latin1', offset, offset + 4);
		const size = body.readUInt32LE(offset + 4);
		const start = offset + 8;
		const end = Math.min(start + size, body.length);
		if (id === 'ICMT') return body.toString('utf8', start, end).replace(/\0+$/, '');
		offset = start + size + (size % 2);
	}
	return undefined;
}

class NeedMoreBytes extends Error {}

/** Parses a WAV header from the start of a buffer; throws NeedMoreBytes when it is cut short. */
function parseWavBuffer(audio: Buffer, stopAtData: boolean, complete: boolean): WavInfo {
	const walk = walkWav(complete ? audio.length : Number.MAX_SAFE_INTEGER, stopAtData);
	let step = walk.next(Buffer.alloc(0));
	while (!step.done) {
		const { offset, length } = step.value;
		if (!complete && offset + length > audio.length) throw new NeedMoreBytes();
		step = walk.next(audio.subarray(offset, offset + length));
	}
	return step.value;
}

async function parseWavFile(file: FileHandle, size: number): Promise<WavInfo> {
	const walk = walkWav(size, false);
	let step = walk.next(Buffer.alloc(0));
	while (!step.done) {
		const { offset, length } = step.value;
		const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
		const { bytesRead } = await file.read(buffer, 0, buffer.length, offset);
		step = walk.next(buffer.subarray(0, bytesRead));
	}
	return step.value;
}

function isRiff(head: Buffer): boolean {
	return head.length >= 4 && head.toString('latin1', 0, 4) === 'RIFF';
}

function bytesToMs(bytes: number, byteRate: number): number {
	return Math.round((bytes * 1000) / byteRate);
}

// ─── Words: layout of known text, the sample code, and pseudo-words ─────────────────────────

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

// The sample code: in every sample of a word's span, the low byte of the 16-bit sample
// carries the next byte of a repeated frame [SYNC0, SYNC1, seq, length, utf8..., check],
// then PAD bytes fill what is left of the span. Silence between words carries 0.
const SYNC0 = 0x01;
const SYNC1 = 0xa7;
const PAD = 0x02;

function frameFor(seq: number, text: string): Buffer {
	const body = Buffer.from(text, 'utf8');
	const frame = Buffer.alloc(body.length + 5);
	frame[0] = SYNC0;
	frame[1] = SYNC1;
	frame[2] = seq & 0xff;
	frame[3] = body.length;
	body.copy(frame, 4);
	frame[frame.length - 1] = frameCheck(frame, 2, frame.length - 1);
	return frame;
}

function frameCheck(bytes: Uint8Array, from: number, to: number): number {
	let sum = 0x5a;
	for (let i = from; i < to; i++) sum = (sum * 31 + bytes[i]) & 0xff;
	return sum;
}

interface DecodedWord {
	seq: number;
	text: string;
	start: number;
	end: number;
	frames: number;
}

/** Reads the sample code back, incrementally, from the low bytes of one channel. */
class SampleCodeDecoder {
	private carry: Buffer = Buffer.alloc(0);
	/** Sample index of carry[0]. */
	private carryStart = 0;
	private samples = 0;
	private pendingBytes: Buffer = Buffer.alloc(0);
	private open: DecodedWord | undefined;
	private readonly accepted: DecodedWord[] = [];
	private sawFrame = false;
	private abandoned = false;

	constructor(private readonly layout: PcmLayout) {}

	get found(): boolean {
		return this.accepted.length > 0 || this.openIsAcceptable();
	}

	feed(bytes: Buffer): void {
		if (this.abandoned) return;
		const input = this.pendingBytes.length > 0 ? Buffer.concat([this.pendingBytes, bytes]) : bytes;
		const { blockAlign } = this.layout;
		const count = Math.floor(input.length / blockAlign);
		this.pendingBytes = Buffer.from(input.subarray(count * blockAlign));
		const lowOffset = this.layout.code === 's16be' ? 1 : 0;
		const lows = Buffer.allocUnsafe(this.carry.length + count);
		this.carry.copy(lows, 0);
		for (let i = 0, at = lowOffset; i < count; i++, at += blockAlign)
			lows[this.carry.length + i] = input[at];
		this.samples += count;
		this.scan(lows);
		if (!this.sawFrame && (this.samples * 1000) / this.layout.sampleRate > DECODER_PATIENCE_MS) {
			this.abandoned = true;
			this.carry = Buffer.alloc(0);
		}
	}

	private scan(lows: Buffer): void {
		const base = this.carryStart;
		let p = 0;
		while (p < lows.length) {
			const byte = lows[p];
			const at = base + p;
			if (byte === SYNC0) {
				if (p + 4 > lows.length) break;
				const length = lows[p + 3];
				const end = p + 5 + length;
				if (lows[p + 1] === SYNC1 && length > 0) {
					if (end > lows.length) break;
					if (lows[end - 1] === frameCheck(lows, p + 2, end - 1)) {
						const text = decodeUtf8Strict(lows.subarray(p + 4, end - 1));
						if (text !== undefined) {
							this.onFrame(lows[p + 2], text, at, base + end);
							p = end;
							continue;
						}
					}
				}
			} else if (byte === PAD && this.open && this.open.end === at) {
				this.open.end = at + 1;
			}
			p++;
		}
		this.carry = Buffer.from(lows.subarray(p));
		this.carryStart = base + p;
	}

	private onFrame(seq: number, text: string, start: number, end: number): void {
		this.sawFrame = true;
		const open = this.open;
		if (open && open.seq === seq && open.text === text && open.end === start) {
			open.end = end;
			open.frames++;
			return;
		}
		this.closeOpen();
		this.open = { seq, text, start, end, frames: 1 };
	}

	private openIsAcceptable(): boolean {
		const open = this.open;
		if (!open) return false;
		const previous = this.accepted[this.accepted.length - 1];
		return open.frames >= 2 || (previous !== undefined && previous.end === open.start);
	}

	private closeOpen(): void {
		if (this.openIsAcceptable()) this.accepted.push(this.open!);
		this.open = undefined;
	}

	words(ended: boolean): TimedWord[] {
		const toMs = (sample: number) => Math.round((sample * 1000) / this.layout.sampleRate);
		const words: TimedWord[] = this.accepted.map((word) => ({
			text: word.text,
			startMs: toMs(word.start),
			endMs: toMs(word.end),
			complete: true,
		}));
		if (this.openIsAcceptable()) {
			const open = this.open!;
			words.push({
				text: open.text,
				startMs: toMs(open.start),
				endMs: toMs(ended ? open.end : Math.max(open.end, this.samples)),
				complete: ended,
			});
		}
		return words;
	}
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8Strict(bytes: Uint8Array): string | undefined {
	try {
		const text = strictUtf8.decode(bytes);
		return /[\u0000-\u0008\u000e-\u001f]/u.test(text) ? undefined : text;
	} catch {
		return undefined;
	}
}

/** Hashes audio slot by slot (WORD_SLOT_MS each) for pseudo-words. */
class SlotHasher {
	// The slot's index is hashed too, so that steady audio (silence, a tone) still varies.
	private current: Hash = this.startSlot(0);
	private fill = 0;
	private readonly digests: Buffer[] = [];
	private readonly generated: Array<{ text: string; sentenceEnd: boolean }> = [];
	private wordsInSentence = 0;

	constructor(
		private readonly slotBytes: number,
		private readonly byteRate: number,
	) {}

	feed(bytes: Buffer): void {
		let offset = 0;
		while (offset < bytes.length) {
			const take = Math.min(this.slotBytes - this.fill, bytes.length - offset);
			this.current.update(bytes.subarray(offset, offset + take));
			this.fill += take;
			offset += take;
			if (this.fill === this.slotBytes) {
				this.digests.push(this.current.digest());
				this.current = this.startSlot(this.digests.length);
				this.fill = 0;
			}
		}
	}

	private startSlot(index: number): Hash {
		return createHash('sha1').update(`slot ${index}\n`);
	}

	words(ended: boolean): TimedWord[] {
		while (this.generated.length < this.digests.length) {
			this.generated.push(this.nextWord(this.digests[this.generated.length], true));
		}
		const slotMs = (index: number, extra = 0) =>
			bytesToMs(index * this.slotBytes + extra, this.byteRate);
		const margin = Math.min(40, Math.floor(WORD_SLOT_MS / 10));
		const timed: TimedWord[] = this.generated.map((word, index) => ({
			text: word.text,
			startMs: slotMs(index) + margin,
			endMs: slotMs(index + 1) - margin,
			complete: true,
		}));
		const partialEnough = ended ? this.fill >= this.slotBytes / 3 : this.fill >= this.slotBytes / 4;
		if (this.fill > 0 && partialEnough) {
			const index = this.generated.length;
			const word = this.nextWord(this.current.copy().digest(), false);
			const startMs = slotMs(index) + margin;
			const heardMs = slotMs(index, this.fill);
			timed.push({
				text: word.text,
				startMs,
				endMs: Math.max(
					startMs + 1,
					ended ? Math.min(heardMs, slotMs(index + 1) - margin) : heardMs,
				),
				complete: ended,
			});
		}
		return timed;
	}

	private nextWord(digest: Buffer, commit: boolean): { text: string; sentenceEnd: boolean } {
		const previous = this.generated[this.generated.length - 1];
		const startsSentence = previous === undefined || previous.sentenceEnd;
		const inSentence = startsSentence ? 0 : this.wordsInSentence;
		let word = PSEUDO_WORDS[digest.readUInt16BE(0) % PSEUDO_WORDS.length];
		if (startsSentence) word = word[0].toUpperCase() + word.slice(1);
		const sentenceEnd = (inSentence >= 3 && digest[2] % 5 === 0) || inSentence >= 11;
		if (commit) this.wordsInSentence = sentenceEnd ? 0 : inSentence + 1;
		const text = `${previous === undefined ? '' : ' '}${word}${sentenceEnd ? '.' : ''}`;
		return { text, sentenceEnd };
	}
}

/**
 * What has been heard of one audio's data bytes so far (no header), by the rules at the top.
 * `comment` is the WAV's ICMT text with the duration to lay it over, when known.
 */
class HeardWords {
	private bytes = 0;
	private readonly decoder: SampleCodeDecoder | undefined;
	private readonly hasher: SlotHasher;
	private readonly byteRate: number;

	constructor(
		layout: PcmLayout | undefined,
		private readonly comment: { text: string; durationMs: number | undefined } | undefined,
	) {
		this.byteRate = layout ? layout.byteRate : OPAQUE_BYTES_PER_MS * 1000;
		const blockAlign = layout ? layout.blockAlign : 1;
		const slotBytes = Math.max(
			blockAlign,
			Math.round((this.byteRate * WORD_SLOT_MS) / 1000 / blockAlign) * blockAlign,
		);
		this.hasher = new SlotHasher(slotBytes, this.byteRate);
		if (layout && layout.code !== 'other' && !this.commentLaidOut)
			this.decoder = new SampleCodeDecoder(layout);
	}

	/** Known text over a known duration: nothing in the samples can change what is heard. */
	private get commentLaidOut(): boolean {
		return this.comment !== undefined && this.comment.durationMs !== undefined;
	}

	get receivedMs(): number {
		return bytesToMs(this.bytes, this.byteRate);
	}

	feed(chunk: Buffer): void {
		if (chunk.length === 0) return;
		this.bytes += chunk.length;
		if (this.commentLaidOut) return;
		this.decoder?.feed(chunk);
		this.hasher.feed(chunk);
	}

	/** Every word heard so far; with `ended`, all of them complete. */
	words(ended: boolean): TimedWord[] {
		const received = this.receivedMs;
		if (this.comment && (this.comment.durationMs !== undefined || ended)) {
			const laid = layoutText(this.comment.text, this.comment.durationMs ?? received);
			const words: TimedWord[] = [];
			for (const word of laid) {
				if (ended) words.push({ ...word, complete: true });
				else if (word.endMs <= received) words.push({ ...word, complete: true });
				else if (word.startMs < received) words.push({ ...word, endMs: received, complete: false });
			}
			return words;
		}
		if (this.decoder?.found) return this.decoder.words(ended);
		return this.hasher.words(ended);
	}
}

// ─── Tokens from words ──────────────────────────────────────────────────────────────────────

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

function toRecognition(
	durationMs: number,
	words: TimedWord[],
	options: RecognizeOptions,
): Recognition {
	const tokens: TranscriptToken[] = tokensFromWords(words, options, true).map(
		({ final: _final, ...token }) => token,
	);
	return { durationMs, text: tokens.map((token) => token.text).join(''), tokens };
}

// ─── Recognition of whole files and buffers ─────────────────────────────────────────────────

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

// ─── Live recognition for the real-time STT WebSocket ───────────────────────────────────────

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

// ─── WAV fixtures ───────────────────────────────────────────────────────────────────────────

export interface MakeWavOptions {
	/** The spoken text: stored in the ICMT chunk and coded into the samples. */
	text?: string;
	durationMs: number;
	sampleRate?: number;
	channels?: number;
}

/** A PCM s16le WAV: a quiet tone (or "speech" carrying `text`) with the text in LIST/INFO/ICMT. */
export function makeWav(options: MakeWavOptions): Buffer {
	const sampleRate = options.sampleRate ?? 16000;
	const channels = options.channels ?? 1;
	const frames = Math.round((options.durationMs * sampleRate) / 1000);
	const dataBytes = frames * channels * 2;
	const info = options.text === undefined ? Buffer.alloc(0) : infoChunk(options.text);
	const header = wavHeader({
		sampleRate,
		channels,
		bitsPerSample: 16,
		formatTag: 1,
		dataBytes,
		extra: info,
	});
	const data = Buffer.alloc(dataBytes);
	let frame = 0;
	for (const block of speechSamples(options.text ?? '', options.durationMs, sampleRate)) {
		for (let i = 0; i < block.length; i++, frame++) {
			for (let channel = 0; channel < channels; channel++)
				data.writeInt16LE(block[i], (frame * channels + channel) * 2);
		}
	}
	return Buffer.concat([header, data]);
}

function infoChunk(text: string): Buffer {
	const comment = Buffer.from(`${text}\0`, 'utf8');
	const commentPadded = comment.length + (comment.length % 2);
	const chunk = Buffer.alloc(8 + 4 + 8 + commentPadded);
	chunk.write('LIST', 0, 'latin1');
	chunk.writeUInt32LE(4 + 8 + commentPadded, 4);
	chunk.write('INFO', 8, 'latin1');
	chunk.write('ICMT', 12, 'latin1');
	chunk.writeUInt32LE(comment.length, 16);
	comment.copy(chunk, 20);
	return chunk;
}

export interface WavHeaderOptions {
	sampleRate: number;
	channels: number;
	bitsPerSample: number;
	/** 1 = PCM, 3 = IEEE float, 6 = A-law, 7 = µ-law. */
	formatTag: number;
	dataBytes: number;
	/** Chunks placed between fmt and data (e.g. LIST/INFO). */
	extra?: Buffer;
}

export function wavHeader(options: WavHeaderOptions): Buffer {
	const extra = options.extra ?? Buffer.alloc(0);
	const header = Buffer.alloc(12 + 24 + extra.length + 8);
	const blockAlign = (options.channels * options.bitsPerSample) / 8;
	header.write('RIFF', 0, 'latin1');
	header.writeUInt32LE(Math.min(0xffffffff, 4 + 24 + extra.length + 8 + options.dataBytes), 4);
	header.write('WAVE', 8, 'latin1');
	header.write('fmt ', 12, 'latin1');
	header.writeUInt32LE(16, 16);
	header.writeUInt16LE(options.formatTag, 20);
	header.writeUInt16LE(options.channels, 22);
	header.writeUInt32LE(options.sampleRate, 24);
	header.writeUInt32LE(options.sampleRate * blockAlign, 28);
	header.writeUInt16LE(blockAlign, 32);
	header.writeUInt16LE(options.bitsPerSample, 34);
	extra.copy(header, 36);
	header.write('data', 36 + extra.length, 'latin1');
	header.writeUInt32LE(Math.min(0xffffffff, options.dataBytes), 40 + extra.length);
	return header;
}

const SAMPLE_BLOCK = 8192;
// Hot loops call these through module bindings: a global lookup per sample is slow inside
// vm contexts such as jest's.
const { round, floor, min, abs } = Math;

/**
 * Mono 16-bit "speech" for `text` over `durationMs`, in blocks: each word a soft tone whose
 * pitch follows the word, with the sample code in the low byte. Without text, a quiet 440 Hz tone.
 */
export function* speechSamples(
	text: string,
	durationMs: number,
	sampleRate: number,
): Generator<Int16Array> {
	const total = Math.round((durationMs * sampleRate) / 1000);
	const toSample = (ms: number) => Math.round((ms * sampleRate) / 1000);
	const spans = layoutText(text, durationMs).map((word, index) => ({
		start: toSample(word.startMs),
		end: toSample(word.endMs),
		frame: frameFor(index, word.text),
		pitch: 150 + ((index * 37) % 120),
	}));
	const silent = { start: 0, end: total, frame: Buffer.alloc(1), pitch: 440 };
	let spanIndex = 0;
	for (let blockStart = 0; blockStart < total; blockStart += SAMPLE_BLOCK) {
		const block = new Int16Array(Math.min(SAMPLE_BLOCK, total - blockStart));
		let i = 0;
		while (i < block.length) {
			const sample = blockStart + i;
			while (spanIndex < spans.length && spans[spanIndex].end <= sample) spanIndex++;
			const span = spans.length === 0 ? silent : spans[spanIndex];
			if (!span || span.start > sample) {
				// Between words (never with makeWav's contiguous layout): digital silence.
				const until = span ? Math.min(span.start - blockStart, block.length) : block.length;
				i = until;
				continue;
			}
			const amplitude = spans.length === 0 ? 800 : 2400;
			const fullFrames =
				Math.floor((span.end - span.start) / span.frame.length) * span.frame.length;
			const stop = Math.min(span.end - blockStart, block.length);
			const step = (span.pitch * SINE_TABLE_SIZE) / sampleRate;
			for (; i < stop; i++) {
				const at = blockStart + i;
				const position = at - span.start;
				const low =
					spans.length === 0
						? 0
						: position < fullFrames
							? span.frame[position % span.frame.length]
							: PAD;
				const tone = round(amplitude * SINE_TABLE[floor(at * step) & (SINE_TABLE_SIZE - 1)]);
				block[i] = withLowByte(tone, low);
			}
		}
		yield block;
	}
}

const SINE_TABLE_SIZE = 4096;
const SINE_TABLE = Float64Array.from({ length: SINE_TABLE_SIZE }, (_, i) =>
	Math.sin((2 * Math.PI * i) / SINE_TABLE_SIZE),
);

function withLowByte(value: number, low: number): number {
	const word = ((value & 0xff00) | low) & 0xffff;
	return word >= 0x8000 ? word - 0x10000 : word;
}

// ─── Text-to-speech audio ───────────────────────────────────────────────────────────────────
//
// The fake voice speaks MS_PER_CHARACTER per character at speed 1. PCM and WAV carry the same
// sample-coded words as makeWav, so feeding TTS output back to STT hears the text again.
// Compressed formats are real containers (ID3 + MPEG-1/2 layer III frames, ADTS AAC, Ogg Opus,
// FLAC with verbatim subframes) whose sizes follow bitrate x duration; only FLAC decodes to
// the speech, the others to silence.

export const MS_PER_CHARACTER = 60;

export type TtsAudioFormat =
	| 'pcm_f32le'
	| 'pcm_s16le'
	| 'pcm_s16be'
	| 'pcm_mulaw'
	| 'pcm_alaw'
	| 'wav'
	| 'aac'
	| 'mp3'
	| 'opus'
	| 'flac';

export interface TtsFormatRule {
	contentType: string;
	sampleRates: readonly number[];
	defaultSampleRate: number;
	bitrates?: readonly number[];
	defaultBitrate?: number;
}

const PCM_RATES = [8000, 16000, 24000, 44100, 48000] as const;
const LOSSY_BITRATES = [32000, 64000, 96000, 128000, 192000, 256000, 320000] as const;

/** The reference's format table (§6); pcm_s16be follows pcm_s16le. Defaults are assumed. */
export const TTS_AUDIO_FORMATS: Record<TtsAudioFormat, TtsFormatRule> = {
	pcm_f32le: { contentType: 'audio/pcm', sampleRates: PCM_RATES, defaultSampleRate: 24000 },
	pcm_s16le: { contentType: 'audio/pcm', sampleRates: PCM_RATES, defaultSampleRate: 24000 },
	pcm_s16be: { contentType: 'audio/pcm', sampleRates: PCM_RATES, defaultSampleRate: 24000 },
	pcm_mulaw: { contentType: 'audio/pcm', sampleRates: [8000], defaultSampleRate: 8000 },
	pcm_alaw: { contentType: 'audio/pcm', sampleRates: [8000], defaultSampleRate: 8000 },
	wav: { contentType: 'audio/wav', sampleRates: PCM_RATES, defaultSampleRate: 24000 },
	flac: {
		contentType: 'audio/flac',
		sampleRates: [16000, 24000, 44100, 48000],
		defaultSampleRate: 24000,
	},
	mp3: {
		contentType: 'audio/mpeg',
		sampleRates: [16000, 24000, 32000, 44100, 48000],
		defaultSampleRate: 24000,
		bitrates: LOSSY_BITRATES,
		defaultBitrate: 128000,
	},
	opus: {
		contentType: 'audio/opus',
		sampleRates: [8000, 16000, 24000, 48000],
		defaultSampleRate: 24000,
		bitrates: [16000, 32000, 64000, 96000, 128000, 256000],
		defaultBitrate: 128000,
	},
	aac: {
		contentType: 'audio/aac',
		sampleRates: [16000, 24000, 44100, 48000],
		defaultSampleRate: 24000,
		bitrates: LOSSY_BITRATES,
		defaultBitrate: 128000,
	},
};

export function isTtsAudioFormat(value: string): value is TtsAudioFormat {
	return Object.prototype.hasOwnProperty.call(TTS_AUDIO_FORMATS, value);
}

/** How long the fake voice takes to say `text` at `speed`; reduced silence halves the spaces. */
export function speechDurationMs(text: string, speed = 1, reduceSilence = false): number {
	let units = 0;
	for (const char of text) units += reduceSilence && /\s/u.test(char) ? 0.5 : 1;
	return Math.round((units * MS_PER_CHARACTER) / speed);
}

export interface SynthesisOptions {
	text: string;
	audioFormat: TtsAudioFormat;
	sampleRate?: number;
	speed?: number;
	bitrate?: number;
	reduceSilence?: boolean;
}

/** A span of the output: these bytes carry the audio from fromMs to toMs. */
export interface SynthesisPiece {
	audio: Buffer;
	fromMs: number;
	toMs: number;
}

export interface CharacterTimings {
	characters: string[];
	character_start_times_seconds: number[];
	character_end_times_seconds: number[];
}

export interface Synthesis {
	contentType: string;
	sampleRate: number;
	/** Only for mp3, aac and opus. */
	bitrate: number | undefined;
	durationMs: number;
	/** The audio in pieces of at most a few tens of KiB, generated lazily. */
	pieces(): Iterable<SynthesisPiece>;
	chunks(): Iterable<Buffer>;
	/** When each character of the text is spoken. */
	timings(): CharacterTimings;
}

export function synthesize(options: SynthesisOptions): Synthesis {
	const rule = TTS_AUDIO_FORMATS[options.audioFormat];
	const sampleRate = options.sampleRate ?? rule.defaultSampleRate;
	const bitrate = rule.bitrates ? (options.bitrate ?? rule.defaultBitrate) : undefined;
	const durationMs = speechDurationMs(
		options.text,
		options.speed ?? 1,
		options.reduceSilence ?? false,
	);
	const totalSamples = Math.round((durationMs * sampleRate) / 1000);
	const source = () => speechSamples(options.text, durationMs, sampleRate);
	const pieces = (): Iterable<SynthesisPiece> => {
		switch (options.audioFormat) {
			case 'mp3':
				return mp3Pieces(totalSamples, sampleRate, bitrate!);
			case 'aac':
				return aacPieces(totalSamples, sampleRate, bitrate!);
			case 'opus':
				return opusPieces(totalSamples, sampleRate, bitrate!);
			case 'flac':
				return flacPieces(source(), totalSamples, sampleRate);
			default:
				return pcmPieces(source(), options.audioFormat, totalSamples, sampleRate);
		}
	};
	return {
		contentType: rule.contentType,
		sampleRate,
		bitrate,
		durationMs,
		pieces,
		chunks: () => mapIterable(pieces(), (piece) => piece.audio),
		timings: () => characterTimings(options.text, durationMs),
	};
}

function* mapIterable<T, U>(items: Iterable<T>, map: (item: T) => U): Generator<U> {
	for (const item of items) yield map(item);
}

export function characterTimings(text: string, durationMs: number): CharacterTimings {
	const characters: string[] = [];
	const starts: number[] = [];
	const ends: number[] = [];
	const seconds = (ms: number) => Math.round(ms) / 1000;
	for (const word of layoutText(text, durationMs)) {
		const chars = Array.from(word.text);
		chars.forEach((char, index) => {
			characters.push(char);
			starts.push(seconds(word.startMs + ((word.endMs - word.startMs) * index) / chars.length));
			ends.push(seconds(word.startMs + ((word.endMs - word.startMs) * (index + 1)) / chars.length));
		});
	}
	// Text without any word (only whitespace) is spoken as nothing.
	for (const char of Array.from(text).slice(characters.length)) {
		characters.push(char);
		starts.push(0);
		ends.push(0);
	}
	return { characters, character_start_times_seconds: starts, character_end_times_seconds: ends };
}

function* pcmPieces(
	blocks: Iterable<Int16Array>,
	format: TtsAudioFormat,
	totalSamples: number,
	sampleRate: number,
): Generator<SynthesisPiece> {
	const ms = (sample: number) => Math.round((sample * 1000) / sampleRate);
	if (format === 'wav') {
		const header = wavHeader({
			sampleRate,
			channels: 1,
			bitsPerSample: 16,
			formatTag: 1,
			dataBytes: totalSamples * 2,
		});
		yield { audio: header, fromMs: 0, toMs: 0 };
	}
	let done = 0;
	for (const block of blocks) {
		yield { audio: encodePcm(block, format), fromMs: ms(done), toMs: ms(done + block.length) };
		done += block.length;
	}
}

function encodePcm(block: Int16Array, format: TtsAudioFormat): Buffer {
	switch (format) {
		case 'pcm_f32le': {
			const floats = new Float32Array(block.length);
			for (let i = 0; i < block.length; i++) floats[i] = block[i] / 32768;
			return littleEndianBytes(floats);
		}
		case 'pcm_s16be': {
			const out = Buffer.allocUnsafe(block.length * 2);
			for (let i = 0; i < block.length; i++) {
				out[i * 2] = (block[i] >> 8) & 0xff;
				out[i * 2 + 1] = block[i] & 0xff;
			}
			return out;
		}
		case 'pcm_mulaw':
			return Buffer.from(Array.from(block, muLawByte));
		case 'pcm_alaw':
			return Buffer.from(Array.from(block, aLawByte));
		default:
			return littleEndianBytes(block);
	}
}

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function littleEndianBytes(samples: Int16Array | Float32Array): Buffer {
	const bytes = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
	if (HOST_IS_LITTLE_ENDIAN) return bytes;
	const copy = Buffer.from(bytes);
	return samples instanceof Int16Array ? copy.swap16() : copy.swap32();
}

export function muLawByte(sample: number): number {
	const sign = sample < 0 ? 0x80 : 0;
	let magnitude = min(abs(sample), 32635) + 0x84;
	let exponent = 7;
	for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
	const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
	magnitude = sign | (exponent << 4) | mantissa;
	return ~magnitude & 0xff;
}

export function aLawByte(sample: number): number {
	const sign = sample >= 0 ? 0x80 : 0;
	const magnitude = min(sample >= 0 ? sample : -sample - 1, 32767);
	let value: number;
	if (magnitude >= 256) {
		let exponent = 7;
		for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 1; mask >>= 1) exponent--;
		value = (exponent << 4) | ((magnitude >> (exponent + 3)) & 0x0f);
	} else {
		value = magnitude >> 4;
	}
	return (value | sign) ^ 0x55;
}

/** Groups small frames into pieces of about this many bytes. */
const PIECE_BYTES = 16 * 1024;

function* groupFrames(
	frames: Iterable<{ bytes: Buffer; samples: number }>,
	sampleRate: number,
	header?: Buffer,
): Generator<SynthesisPiece> {
	const ms = (sample: number) => Math.round((sample * 1000) / sampleRate);
	let parts: Buffer[] = header ? [header] : [];
	let size = header?.length ?? 0;
	let from = 0;
	let to = 0;
	for (const frame of frames) {
		parts.push(frame.bytes);
		size += frame.bytes.length;
		to += frame.samples;
		if (size >= PIECE_BYTES) {
			yield { audio: Buffer.concat(parts), fromMs: ms(from), toMs: ms(to) };
			parts = [];
			size = 0;
			from = to;
		}
	}
	if (parts.length > 0) yield { audio: Buffer.concat(parts), fromMs: ms(from), toMs: ms(to) };
}

/** Frame sizes averaging `bytesPerFrame` as closely as whole bytes allow. */
function frameSizes(bytesPerFrame: number): (index: number) => number {
	return (index) => Math.floor((index + 1) * bytesPerFrame) - Math.floor(index * bytesPerFrame);
}

const MPEG1_L3_KBPS = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MPEG2_L3_KBPS = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

function* mp3Pieces(
	totalSamples: number,
	sampleRate: number,
	bitrate: number,
): Generator<SynthesisPiece> {
	const mpeg1 = sampleRate >= 32000;
	const table = mpeg1 ? MPEG1_L3_KBPS : MPEG2_L3_KBPS;
	// The nearest bitrate the frame header can state (MPEG-2 stops at 160 kbit/s).
	let index = table.length - 1;
	while (index > 1 && table[index] * 1000 > bitrate) index--;
	const frameBitrate = table[index] * 1000;
	const samplesPerFrame = mpeg1 ? 1152 : 576;
	const rateIndex = (mpeg1 ? [44100, 48000, 32000] : [22050, 24000, 16000]).indexOf(sampleRate);
	const bytesPerFrame = (samplesPerFrame / 8) * (frameBitrate / sampleRate);
	const count = Math.ceil(totalSamples / samplesPerFrame);
	const sizeOf = frameSizes(bytesPerFrame);
	const exactSize = Number.isInteger(bytesPerFrame);
	const frames = function* () {
		for (let i = 0; i < count; i++) {
			const size = sizeOf(i);
			const frame = Buffer.alloc(size);
			frame[0] = 0xff;
			frame[1] = mpeg1 ? 0xfb : 0xf3;
			const padded = !exactSize && size > Math.floor(bytesPerFrame) ? 1 : 0;
			frame[2] = (index << 4) | (rateIndex << 2) | (padded << 1);
			frame[3] = 0xc4; // mono, original
			yield {
				bytes: frame,
				samples: Math.min(samplesPerFrame, totalSamples - i * samplesPerFrame),
			};
		}
	};
	yield* groupFrames(frames(), sampleRate, id3Tag());
}

function id3Tag(): Buffer {
	const text = Buffer.from('\u0003Soniox emulator', 'utf8');
	const frame = Buffer.alloc(10 + text.length);
	frame.write('TSSE', 0, 'latin1');
	frame.writeUInt32BE(text.length, 4); // < 128, so also a valid synchsafe integer
	text.copy(frame, 10);
	const tag = Buffer.alloc(10);
	tag.write('ID3', 0, 'latin1');
	tag[3] = 4;
	tag.writeUInt32BE(frame.length, 6);
	return Buffer.concat([tag, frame]);
}

const AAC_RATE_INDEX = [
	96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000,
];

function* aacPieces(
	totalSamples: number,
	sampleRate: number,
	bitrate: number,
): Generator<SynthesisPiece> {
	const rateIndex = AAC_RATE_INDEX.indexOf(sampleRate);
	const count = Math.ceil(totalSamples / 1024);
	const sizeOf = frameSizes((1024 / 8) * (bitrate / sampleRate));
	const frames = function* () {
		for (let i = 0; i < count; i++) {
			const size = Math.max(8, sizeOf(i));
			const frame = Buffer.alloc(size);
			frame[0] = 0xff;
			frame[1] = 0xf1; // MPEG-4, no CRC
			frame[2] = (1 << 6) | (rateIndex << 2); // AAC LC
			frame[3] = (1 << 6) | ((size >> 11) & 0x03); // mono
			frame[4] = (size >> 3) & 0xff;
			frame[5] = ((size & 0x07) << 5) | 0x1f;
			frame[6] = 0xfc;
			yield { bytes: frame, samples: Math.min(1024, totalSamples - i * 1024) };
		}
	};
	yield* groupFrames(frames(), sampleRate);
}

const OPUS_PRE_SKIP = 312;

function* opusPieces(
	totalSamples: number,
	sampleRate: number,
	bitrate: number,
): Generator<SynthesisPiece> {
	const serial = 0x536f6e69;
	const head = Buffer.alloc(19);
	head.write('OpusHead', 0, 'latin1');
	head[8] = 1;
	head[9] = 1;
	head.writeUInt16LE(OPUS_PRE_SKIP, 10);
	head.writeUInt32LE(sampleRate, 12);
	const vendor = Buffer.from('soniox-emulator', 'utf8');
	const tags = Buffer.alloc(8 + 4 + vendor.length + 4);
	tags.write('OpusTags', 0, 'latin1');
	tags.writeUInt32LE(vendor.length, 8);
	vendor.copy(tags, 12);
	const headers = Buffer.concat([
		oggPage({ packets: [head], granule: 0n, serial, sequence: 0, flags: 0x02 }),
		oggPage({ packets: [tags], granule: 0n, serial, sequence: 1, flags: 0 }),
	]);
	// 20 ms packets of a CELT-only full-band configuration, 50 to a page.
	const totalMs = (totalSamples * 1000) / sampleRate;
	const count = Math.ceil(totalMs / 20);
	const sizeOf = frameSizes((bitrate * 0.02) / 8);
	const pages = function* () {
		for (let first = 0, sequence = 2; first < count; first += 50, sequence++) {
			const packets: Buffer[] = [];
			const last = Math.min(count, first + 50);
			for (let i = first; i < last; i++) {
				const packet = Buffer.alloc(Math.max(1, sizeOf(i)));
				packet[0] = 0xf8;
				packets.push(packet);
			}
			const granule =
				last === count ? OPUS_PRE_SKIP + Math.round(totalMs * 48) : OPUS_PRE_SKIP + last * 960;
			const flags = last === count ? 0x04 : 0;
			const samples =
				Math.min(totalSamples, Math.round((last * 20 * sampleRate) / 1000)) -
				Math.round((first * 20 * sampleRate) / 1000);
			yield {
				bytes: oggPage({ packets, granule: BigInt(granule), serial, sequence, flags }),
				samples,
			};
		}
	};
	yield* groupFrames(pages(), sampleRate, headers);
}

function oggPage(page: {
	packets: Buffer[];
	granule: bigint;
	serial: number;
	sequence: number;
	flags: number;
}): Buffer {
	const lacing: number[] = [];
	for (const packet of page.packets) {
		let left = packet.length;
		while (left >= 255) {
			lacing.push(255);
			left -= 255;
		}
		lacing.push(left);
	}
	const header = Buffer.alloc(27 + lacing.length);
	header.write('OggS', 0, 'latin1');
	header[5] = page.flags;
	header.writeBigUInt64LE(page.granule, 6);
	header.writeUInt32LE(page.serial, 14);
	header.writeUInt32LE(page.sequence, 18);
	header[26] = lacing.length;
	lacing.forEach((value, index) => (header[27 + index] = value));
	const bytes = Buffer.concat([header, ...page.packets]);
	bytes.writeUInt32LE(oggCrc(bytes), 22);
	return bytes;
}

const OGG_CRC_TABLE = (() => {
	const table = new Uint32Array(256);
	for (let i = 0; i < 256; i++) {
		let crc = i << 24;
		for (let bit = 0; bit < 8; bit++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
		table[i] = crc >>> 0;
	}
	return table;
})();

export function oggCrc(bytes: Uint8Array): number {
	let crc = 0;
	for (let i = 0; i < bytes.length; i++)
		crc = ((crc << 8) ^ OGG_CRC_TABLE[((crc >>> 24) ^ bytes[i]) & 0xff]) >>> 0;
	return crc;
}

const FLAC_BLOCK = 4096;
const FLAC_RATE_CODES: Record<number, number> = {
	8000: 4,
	16000: 5,
	22050: 6,
	24000: 7,
	32000: 8,
	44100: 9,
	48000: 10,
};

function* flacPieces(
	blocks: Iterable<Int16Array>,
	totalSamples: number,
	sampleRate: number,
): Generator<SynthesisPiece> {
	const info = Buffer.alloc(4 + 4 + 34);
	info.write('fLaC', 0, 'latin1');
	info[4] = 0x80; // last metadata block, STREAMINFO
	info.writeUIntBE(34, 5, 3);
	info.writeUInt16BE(FLAC_BLOCK, 8);
	info.writeUInt16BE(FLAC_BLOCK, 10);
	const packed = (BigInt(sampleRate) << 44n) | (0n << 41n) | (15n << 36n) | BigInt(totalSamples);
	info.writeBigUInt64BE(packed, 18);
	const frames = function* () {
		let pending = new Int16Array(0);
		let frameNumber = 0;
		const flush = function* (samples: Int16Array) {
			yield { bytes: flacFrame(samples, frameNumber++, sampleRate), samples: samples.length };
		};
		for (const block of blocks) {
			const joined = new Int16Array(pending.length + block.length);
			joined.set(pending);
			joined.set(block, pending.length);
			let at = 0;
			for (; at + FLAC_BLOCK <= joined.length; at += FLAC_BLOCK)
				yield* flush(joined.subarray(at, at + FLAC_BLOCK));
			pending = joined.slice(at);
		}
		if (pending.length > 0) yield* flush(pending);
	};
	yield* groupFrames(frames(), sampleRate, info);
}

function flacFrame(samples: Int16Array, frameNumber: number, sampleRate: number): Buffer {
	const fullBlock = samples.length === FLAC_BLOCK;
	const header: number[] = [
		0xff,
		0xf8,
		((fullBlock ? 12 : 7) << 4) | FLAC_RATE_CODES[sampleRate],
		0x08,
	];
	header.push(...utf8CodedNumber(frameNumber));
	if (!fullBlock) header.push(((samples.length - 1) >> 8) & 0xff, (samples.length - 1) & 0xff);
	header.push(crc8(header));
	const frame = Buffer.alloc(header.length + 1 + samples.length * 2 + 2);
	Buffer.from(header).copy(frame, 0);
	frame[header.length] = 0x02; // verbatim subframe, no wasted bits
	for (let i = 0; i < samples.length; i++)
		frame.writeInt16BE(samples[i], header.length + 1 + i * 2);
	frame.writeUInt16BE(crc16(frame.subarray(0, frame.length - 2)), frame.length - 2);
	return frame;
}

/** FLAC frame numbers use the UTF-8 byte pattern, extended to 36 bits. */
function utf8CodedNumber(value: number): number[] {
	if (value < 0x80) return [value];
	const limits = [0x800, 0x10000, 0x200000, 0x4000000, 0x80000000];
	const count = limits.findIndex((limit) => value < limit) + 2;
	const bytes: number[] = [];
	let rest = value;
	for (let i = 1; i < count; i++) {
		bytes.unshift(0x80 | (rest & 0x3f));
		rest = Math.floor(rest / 64);
	}
	return [((0xff << (8 - count)) & 0xff) | rest, ...bytes];
}

function crc8(bytes: number[]): number {
	let crc = 0;
	for (const byte of bytes) {
		crc ^= byte;
		for (let bit = 0; bit < 8; bit++)
			crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
	}
	return crc;
}

const CRC16_TABLE = (() => {
	const table = new Uint16Array(256);
	for (let i = 0; i < 256; i++) {
		let crc = i << 8;
		for (let bit = 0; bit < 8; bit++)
			crc = crc & 0x8000 ? ((crc << 1) ^ 0x8005) & 0xffff : (crc << 1) & 0xffff;
		table[i] = crc;
	}
	return table;
})();

function crc16(bytes: Uint8Array): number {
	let crc = 0;
	for (let i = 0; i < bytes.length; i++)
		crc = ((crc << 8) ^ CRC16_TABLE[((crc >> 8) ^ bytes[i]) & 0xff]) & 0xffff;
	return crc;
}
