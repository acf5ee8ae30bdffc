// Words hidden in the samples: 16-bit PCM from makeWav and the fake TTS carries each word in
// the low byte of the samples of its time span, so audio cut anywhere, without its header,
// can still be heard word for word.

import type { PcmLayout } from './wav';
import { layoutText, type TimedWord } from './text-layout';

/** Give up looking for coded words after this much audio without a single frame. */
const DECODER_PATIENCE_MS = 10_000;
const SAMPLE_BLOCK = 8192;
// Hot loops call these through module bindings: a global lookup per sample is slow inside
// vm contexts such as jest's.
const { round, floor } = Math;

// The sample code: in every sample of a word's span, the low byte of the 16-bit sample
// carries the next byte of a repeated frame [SYNC0, SYNC1, seq, length, utf8..., check],
// then PAD bytes fill what is left of the span. Silence between words carries 0.
const SYNC0 = 0x01;
const SYNC1 = 0xa7;
const PAD = 0x02;

export function frameFor(seq: number, text: string): Buffer {
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
export class SampleCodeDecoder {
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
