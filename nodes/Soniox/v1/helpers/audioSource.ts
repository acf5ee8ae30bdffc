// The audio of one item, read piece by piece so that a long recording never sits whole in
// memory, and readable again from any byte when a session resumes.

export interface AudioSource {
	/** The audio from byte `start` to its end, in pieces of any size. */
	read(start: number): AsyncIterable<Uint8Array>;
}

/** Audio already in memory (binary data kept in the item). */
export function bufferSource(audio: Uint8Array): AudioSource {
	return {
		async *read(start) {
			if (start < audio.length) yield audio.subarray(start);
		},
	};
}

/**
 * Audio behind a stream that can be opened again (n8n's binary data store). Resuming reopens
 * it and skips what was already covered, instead of keeping what was sent in memory.
 */
export function streamSource(open: () => Promise<AsyncIterable<Uint8Array>>): AudioSource {
	return {
		async *read(start) {
			let skip = start;
			for await (const piece of await open()) {
				if (skip >= piece.length) {
					skip -= piece.length;
					continue;
				}
				yield skip > 0 ? piece.subarray(skip) : piece;
				skip = 0;
			}
		},
	};
}

/** The first `length` bytes (fewer if the audio is shorter), e.g. to read a WAV header. */
export async function readHead(source: AudioSource, length: number): Promise<Uint8Array> {
	const head = new Uint8Array(length);
	let filled = 0;
	for await (const piece of source.read(0)) {
		const take = Math.min(piece.length, length - filled);
		head.set(piece.subarray(0, take), filled);
		filled += take;
		if (filled >= length) break;
	}
	return head.subarray(0, filled);
}

/** Cuts pieces of any size into chunks of exactly `size` bytes; only the last may be shorter. */
export async function* inChunks(
	pieces: AsyncIterable<Uint8Array>,
	size: number,
): AsyncGenerator<Uint8Array> {
	let pending = new Uint8Array(size);
	let filled = 0;
	for await (const piece of pieces) {
		let at = 0;
		// Whole chunks straight from the piece, without copying.
		if (filled === 0) {
			while (piece.length - at >= size) {
				yield piece.subarray(at, at + size);
				at += size;
			}
		}
		while (at < piece.length) {
			const take = Math.min(size - filled, piece.length - at);
			pending.set(piece.subarray(at, at + take), filled);
			filled += take;
			at += take;
			if (filled === size) {
				yield pending;
				pending = new Uint8Array(size);
				filled = 0;
			}
		}
	}
	if (filled > 0) yield pending.subarray(0, filled);
}
