// Files, transcriptions and voices: kept by id, listed newest first with an opaque cursor
// (the kind of list and the sequence number of the last item shown), which stays valid
// across inserts and deletes: later pages never repeat an item nor skip an older one.
import { invalidCursor } from './errors';

interface Sequenced<T> {
	seq: number;
	item: T;
}

export class Collection<T extends { id: string }> {
	/** Insertion order is sequence order: a Map keeps both lookup by id and that order. */
	private readonly items = new Map<string, Sequenced<T>>();

	private nextSeq = 1;

	constructor(private readonly kind: string) {}

	get size() {
		return this.items.size;
	}

	add(item: T) {
		this.items.set(item.id, { seq: this.nextSeq++, item });
		return item;
	}

	get(id: string): T | undefined {
		return this.items.get(id)?.item;
	}

	delete(id: string) {
		return this.items.delete(id);
	}

	values(): T[] {
		return [...this.items.values()].map((entry) => entry.item);
	}

	clear() {
		this.items.clear();
	}

	private decodeCursor(cursor: string) {
		const match = /^([a-z]+):(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
		const seq = match ? Number(match[2]) : NaN;
		if (!match || match[1] !== this.kind || !Number.isSafeInteger(seq) || seq <= 0) {
			throw invalidCursor();
		}
		return seq;
	}

	/** One page, newest first, of the items older than the cursor's; empty cursor = first page. */
	page(limit: number, cursor: string | null) {
		const before = cursor ? this.decodeCursor(cursor) : Infinity;
		const newestFirst = [...this.items.values()].reverse();
		const start = newestFirst.findIndex((entry) => entry.seq < before);
		const shown = start < 0 ? [] : newestFirst.slice(start, start + limit);
		const more = start >= 0 && newestFirst.length > start + limit;
		const last = shown[shown.length - 1];
		return {
			items: shown.map((entry) => entry.item),
			nextCursor:
				more && last ? Buffer.from(`${this.kind}:${last.seq}`).toString('base64url') : null,
		};
	}
}
