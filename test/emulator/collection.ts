// Files, transcriptions and voices: kept by id, listed newest first with an opaque cursor
// (the sequence number of the last item shown), which stays valid across inserts and deletes.
import { invalidCursor } from './errors';

interface Sequenced<T> {
	seq: number;
	item: T;
}

export class Collection<T extends { id: string }> {
	private readonly items = new Map<string, Sequenced<T>>();

	private nextSeq = 1;

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

	page(limit: number, cursor: string | null) {
		let before = Infinity;
		if (cursor) {
			const decoded = Number(
				Buffer.from(cursor, 'base64url').toString('utf8').replace(/^seq:/, ''),
			);
			if (!Number.isInteger(decoded) || decoded <= 0) throw invalidCursor();
			before = decoded;
		}
		const newestFirst = [...this.items.values()]
			.filter((entry) => entry.seq < before)
			.sort((a, b) => b.seq - a.seq);
		const shown = newestFirst.slice(0, limit);
		const more = newestFirst.length > limit;
		const last = shown[shown.length - 1];
		return {
			items: shown.map((entry) => entry.item),
			nextCursor: more && last ? Buffer.from(`seq:${last.seq}`).toString('base64url') : null,
		};
	}
}
