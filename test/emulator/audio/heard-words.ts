// What is heard in one audio's data bytes, by the rules in ../audio.ts: ICMT text laid over
// the declared duration, else words decoded from the samples, else pseudo-words.

import { WORD_SLOT_MS, SlotHasher } from './pseudo-words';
import { SampleCodeDecoder } from './sample-code';
import { layoutText, type TimedWord } from './text-layout';
import { bytesToMs, type PcmLayout } from './wav';

/** Bytes per millisecond assumed for audio that is not WAV or raw PCM (128 kbit/s). */
export const OPAQUE_BYTES_PER_MS = 16;

/**
 * What has been heard of one audio's data bytes so far (no header), by the rules at the top.
 * `comment` is the WAV's ICMT text with the duration to lay it over, when known.
 */
export class HeardWords {
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
