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

/** Base64 text decoded a piece at a time: 1 MiB of text, 768 KiB of audio. */
const BASE64_PIECE_CHARS = 1024 * 1024;
const NOT_BASE64 = /[^A-Za-z0-9+/=]/;
const NOT_PADDING = /[^=]/;

/**
 * Audio held as base64 text (n8n's default binary mode keeps a binary so, in the item),
 * decoded a piece at a time instead of into one buffer, with its exact size. Only plain
 * base64 (no line breaks or spaces, padding at the end alone) can be cut anywhere on four
 * characters; for other text it is undefined.
 */
export function base64Source(text: string): { audio: AudioSource; bytes: number } | undefined {
	if (NOT_BASE64.test(text)) return undefined;
	const padding = text.indexOf('=');
	if (padding !== -1 && (text.length - padding > 2 || NOT_PADDING.test(text.slice(padding))))
		return undefined;
	const chars = padding === -1 ? text.length : padding;
	// Four characters make three bytes; two or three left over make one or two.
	const bytes = Math.floor(chars / 4) * 3 + [0, 0, 1, 2][chars % 4];
	return {
		bytes,
		audio: {
			async *read(start) {
				let skip = start % 3;
				for (let at = Math.floor(start / 3) * 4; at < chars; at += BASE64_PIECE_CHARS) {
					const piece = Buffer.from(
						text.slice(at, Math.min(at + BASE64_PIECE_CHARS, chars)),
						'base64',
					);
					yield skip > 0 ? piece.subarray(skip) : piece;
					skip = 0;
				}
			},
		},
	};
}

/**
 * A stream source whose first opening is kept once its head has been read, so that reading
 * the head and then the whole does not open it twice: in n8n's database binary mode every
 * opening loads the whole binary into memory. The first read from byte 0 continues that
 * opening; any other read (a retry) opens it anew. `close()` ends the kept opening if nothing
 * read it.
 */
export async function openedStreamSource(
	open: () => Promise<AsyncIterable<Uint8Array>>,
	headLength: number,
): Promise<{ audio: AudioSource; head: Uint8Array; close(): Promise<void> }> {
	const again = streamSource(open);
	const iterator = (await open())[Symbol.asyncIterator]();
	const pieces: Uint8Array[] = [];
	const head = new Uint8Array(headLength);
	let filled = 0;
	let headRead = false;
	try {
		while (filled < headLength) {
			const next = await iterator.next();
			if (next.done) break;
			pieces.push(next.value);
			const take = Math.min(next.value.length, headLength - filled);
			head.set(next.value.subarray(0, take), filled);
			filled += take;
		}
		headRead = true;
	} finally {
		if (!headRead) await iterator.return?.();
	}
	let kept: AsyncIterator<Uint8Array> | undefined = iterator;
	return {
		head: head.subarray(0, filled),
		audio: {
			read(start) {
				if (!kept || start !== 0) return again.read(start);
				const opened = kept;
				kept = undefined;
				return (async function* () {
					try {
						while (pieces.length > 0) {
							const piece = pieces.shift();
							if (piece) yield piece;
						}
						for (let next = await opened.next(); !next.done; next = await opened.next())
							yield next.value;
					} finally {
						await opened.return?.();
					}
				})();
			},
		},
		async close() {
			const opened = kept;
			kept = undefined;
			pieces.length = 0;
			await opened?.return?.();
		},
	};
}
