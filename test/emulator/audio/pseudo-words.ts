// Audio that carries no text is heard as pseudo-words: one per WORD_SLOT_MS, chosen by the
// SHA-1 of that slot's bytes (and its index) from a fixed list, in sentences of 4 to 12.

import { createHash, type Hash } from 'node:crypto';

import type { TimedWord } from './text-layout';
import { bytesToMs } from './wav';

export const WORD_SLOT_MS = 400;

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

/** Hashes audio slot by slot (WORD_SLOT_MS each) for pseudo-words. */
export class SlotHasher {
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
