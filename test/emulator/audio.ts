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
	'the', 'quick', 'brown', 'fox', 'jumps', 'over', 'lazy', 'dog', 'morning', 'coffee',
	'meeting', 'project', 'report', 'customer', 'order', 'delivery', 'tomorrow', 'today',
	'please', 'thank', 'you', 'we', 'will', 'send', 'the', 'invoice', 'schedule', 'call',
	'support', 'team', 'question', 'answer', 'number', 'account', 'update', 'review',
	'weather', 'city', 'train', 'station', 'ticket', 'price', 'market', 'music', 'water',
	'garden', 'window', 'kitchen', 'doctor', 'appointment', 'important', 'simple', 'really',
	'yes', 'no', 'maybe', 'later', 'again', 'okay', 'great', 'sounds', 'good', 'because',
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
	pcm_s8: 1, pcm_u8: 1, pcm_s8le: 1, pcm_s8be: 1, pcm_u8le: 1, pcm_u8be: 1, mulaw: 1, alaw: 1,
	pcm_s16le: 2, pcm_s16be: 2, pcm_u16le: 2, pcm_u16be: 2,
	pcm_s24le: 3, pcm_s24be: 3, pcm_u24le: 3, pcm_u24be: 3,
	pcm_s32le: 4, pcm_s32be: 4, pcm_u32le: 4, pcm_u32be: 4, pcm_f32le: 4, pcm_f32be: 4,
	pcm_f64le: 8, pcm_f64be: 8,
};

/** The raw formats of the real-time STT config, with their sample width in bytes. */
export const RAW_PCM_FORMATS: readonly string[] = Object.keys(RAW_SAMPLE_WIDTHS);

export function rawPcmLayout(format: string, sampleRate: number, channels: number): PcmLayout {
	const width = RAW_SAMPLE_WIDTHS[format];
	if (width === undefined) throw new Error(`Not a raw PCM format: ${format}`);
	const code: SampleCode = format === 'pcm_s16le' ? 's16le' : format === 'pcm_s16be' ? 's16be' : 'other';
	return { sampleRate, channels, blockAlign: width * channels, byteRate: width * channels * sampleRate, code };
}

/**
 * Walks RIFF chunks as a generator of read requests, so the same parser serves a Buffer
 * (sync) and a file handle (async). Stops at the data chunk when `stopAtData`.
 */
function* walkWav(totalSize: number, stopAtData: boolean): Generator<ReadRequest, WavInfo, Buffer> {
	const riff = yield { offset: 0, length: 12 };
	if (riff.length < 12 || riff.toString('latin1', 0, 4) !== 'RIFF' || riff.toString('latin1', 8, 12) !== 'WAVE') {
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
export function layoutText(text: string, durationMs: number): Array<{ text: string; startMs: number; endMs: number }> {
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
		for (let i = 0, at = lowOffset; i < count; i++, at += blockAlign) lows[this.carry.length + i] = input[at];
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
		const slotMs = (index: number, extra = 0) => bytesToMs(index * this.slotBytes + extra, this.byteRate);
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
				endMs: Math.max(startMs + 1, ended ? Math.min(heardMs, slotMs(index + 1) - margin) : heardMs),
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
		const slotBytes = Math.max(blockAlign, Math.round((this.byteRate * WORD_SLOT_MS) / 1000 / blockAlign) * blockAlign);
		this.hasher = new SlotHasher(slotBytes, this.byteRate);
		if (layout && layout.code !== 'other' && !this.commentLaidOut) this.decoder = new SampleCodeDecoder(layout);
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
	return Math.round((0.72 + ((hash >>> 0) % 1000) / 1000 * 0.279) * 1000) / 1000;
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
	return { source, target: source === translation.language_a ? translation.language_b : translation.language_a };
}

/**
 * Turns heard words into tokens: sub-word pieces spread over each word's time, speakers
 * alternating per sentence with diarization, a language on every token with language
 * identification or translation, and after each finished sentence its pseudo-translation
 * (no timestamps) when translation is on. Tokens of complete words are final.
 */
export function tokensFromWords(words: TimedWord[], options: RecognizeOptions, ended: boolean): StreamToken[] {
	const plan = translationPlan(options);
	const translating = plan !== undefined && plan.source !== plan.target;
	const language = plan?.source ?? options.languageHints?.[0] ?? DEFAULT_LANGUAGE;
	const withLanguage = plan !== undefined || options.enableLanguageIdentification === true;
	const tokens: StreamToken[] = [];
	let sentence: TimedWord[] = [];
	let sentenceIndex = 0;
	let pieceIndex = 0;

	const speakerFor = () => (options.enableSpeakerDiarization ? String((sentenceIndex % 2) + 1) : undefined);

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
					translation_status: plan ? (translating ? ('original' as const) : ('none' as const)) : undefined,
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

function toRecognition(durationMs: number, words: TimedWord[], options: RecognizeOptions): Recognition {
	const tokens: TranscriptToken[] = tokensFromWords(words, options, true).map(({ final: _final, ...token }) => token);
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
	const heard = new HeardWords(wav.layout, wav.comment === undefined ? undefined : { text: wav.comment, durationMs });
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
	const bytes = wav.declaredDataBytes === undefined ? present : Math.min(wav.declaredDataBytes, present);
	return bytes - (bytes % wav.layout.blockAlign);
}

async function streamInto(path: string, start: number, length: number, heard: HeardWords): Promise<void> {
	if (length <= 0) return;
	const stream = createReadStream(path, { start, end: start + length - 1, highWaterMark: 1 << 20 });
	for await (const chunk of stream) heard.feed(chunk as Buffer);
}

// ─── Live recognition for the real-time STT WebSocket ───────────────────────────────────────

export type StreamAudioFormat =
	| { kind: 'auto' }
	| { kind: 'raw'; format: string; sampleRate: number; channels: number };

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
			this.heard = new HeardWords(rawPcmLayout(format.format, format.sampleRate, format.channels), undefined);
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
		const durationMs = wav.declaredDataBytes === undefined ? undefined : bytesToMs(wav.declaredDataBytes, wav.layout.byteRate);
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
	const header = wavHeader({ sampleRate, channels, bitsPerSample: 16, formatTag: 1, dataBytes, extra: info });
	const data = Buffer.alloc(dataBytes);
	let frame = 0;
	for (const block of speechSamples(options.text ?? '', options.durationMs, sampleRate)) {
		for (let i = 0; i < block.length; i++, frame++) {
			for (let channel = 0; channel < channels; channel++) data.writeInt16LE(block[i], (frame * channels + channel) * 2);
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

/**
 * Mono 16-bit "speech" for `text` over `durationMs`, in blocks: each word a soft tone whose
 * pitch follows the word, with the sample code in the low byte. Without text, a quiet 440 Hz tone.
 */
export function* speechSamples(text: string, durationMs: number, sampleRate: number): Generator<Int16Array> {
	const total = Math.round((durationMs * sampleRate) / 1000);
	const toSample = (ms: number) => Math.round((ms * sampleRate) / 1000);
	const spans = layoutText(text, durationMs).map((word, index) => ({
		start: toSample(word.startMs),
		end: toSample(word.endMs),
		frame: frameFor(index, word.text),
		pitch: 150 + ((index * 37) % 120),
	}));
	let spanIndex = 0;
	for (let blockStart = 0; blockStart < total; blockStart += SAMPLE_BLOCK) {
		const block = new Int16Array(Math.min(SAMPLE_BLOCK, total - blockStart));
		for (let i = 0; i < block.length; i++) {
			const sample = blockStart + i;
			while (spanIndex < spans.length && spans[spanIndex].end <= sample) spanIndex++;
			const span = spans[spanIndex];
			if (span && span.start <= sample) {
				const position = sample - span.start;
				const fullFrames = Math.floor((span.end - span.start) / span.frame.length) * span.frame.length;
				const low = position < fullFrames ? span.frame[position % span.frame.length] : PAD;
				const tone = Math.round(2400 * Math.sin((2 * Math.PI * span.pitch * sample) / sampleRate));
				block[i] = withLowByte(tone, low);
			} else {
				block[i] = spans.length === 0 ? withLowByte(Math.round(800 * Math.sin((2 * Math.PI * 440 * sample) / sampleRate)), 0) : 0;
			}
		}
		yield block;
	}
}

function withLowByte(value: number, low: number): number {
	const word = ((value & 0xff00) | low) & 0xffff;
	return word >= 0x8000 ? word - 0x10000 : word;
}
