// Reads several paged sources at once, a bounded number at a time, and hands their pages on
// as one stream: in source order when the caller needs it, else as they arrive.

export interface ConcurrentReading {
	/** Sources read at the same time (at least 1). */
	concurrency: number;
	/** Pages in the order of the sources (and of each source); otherwise as they arrive. */
	ordered: boolean;
	/**
	 * Pages a source may hold that the reader has not taken. The request for the next page
	 * leaves as soon as the reader takes one, so with 1 the next page is prepared while the
	 * reader works on the last.
	 */
	ahead?: number;
}

interface Slot<T> {
	pages: T[];
	done: boolean;
}

/**
 * The pages of every source. Memory stays bounded: each source in flight holds at most
 * `ahead` pages not yet taken, plus the one being read. The first failure ends the stream
 * once the requests in flight have returned, and a reader that stops early waits for them
 * too: no request outlives the caller.
 */
export async function* readConcurrently<T>(
	sources: ReadonlyArray<() => AsyncGenerator<T>>,
	{ concurrency, ordered, ahead = 1 }: ConcurrentReading,
): AsyncGenerator<T> {
	const slots: Array<Slot<T>> = sources.map(() => ({ pages: [], done: false }));
	let failure: { error: unknown } | undefined;
	let stopped = false;
	let change = changeSignal();
	const notify = () => {
		const current = change;
		change = changeSignal();
		current.fire();
	};

	let nextSource = 0;
	const read = async () => {
		while (!stopped && !failure && nextSource < sources.length) {
			const index = nextSource++;
			const slot = slots[index];
			try {
				for await (const page of sources[index]()) {
					slot.pages.push(page);
					notify();
					while (slot.pages.length >= ahead && !stopped && !failure) await change.fired;
					if (stopped || failure) break;
				}
			} catch (error) {
				failure ??= { error };
			}
			slot.done = true;
			notify();
		}
	};
	const readers = Array.from({ length: Math.max(1, Math.min(concurrency, sources.length)) }, read);

	let first = 0;
	const take = (): { page?: T; finished: boolean } => {
		while (first < slots.length && slots[first].done && slots[first].pages.length === 0) first++;
		if (first === slots.length) return { finished: true };
		const candidates = ordered ? [slots[first]] : slots.slice(first);
		const slot = candidates.find((candidate) => candidate.pages.length > 0);
		return slot ? { page: slot.pages.shift(), finished: false } : { finished: false };
	};

	try {
		for (;;) {
			if (failure) throw failure.error;
			const waiting = change.fired;
			const { page, finished } = take();
			if (finished) return;
			if (page === undefined) {
				await waiting;
				continue;
			}
			notify();
			yield page;
		}
	} finally {
		stopped = true;
		notify();
		await Promise.allSettled(readers);
	}
}

function changeSignal() {
	let fire!: () => void;
	const fired = new Promise<void>((resolve) => (fire = resolve));
	return { fired, fire };
}
