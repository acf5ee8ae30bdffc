/** Text messages of a real-time TTS stream carry at most this many characters each. */
export const MAX_TEXT_CHUNK_CHARACTERS = 1000;

/**
 * Cuts long text into pieces of at most `maxLength` UTF-16 units, preferring the end of a
 * sentence, then a space, so that each piece reads naturally on its own. Joined, the pieces
 * give the text back exactly.
 */
export function splitText(text: string, maxLength = MAX_TEXT_CHUNK_CHARACTERS): string[] {
	const pieces: string[] = [];
	let rest = text;
	while (rest.length > maxLength) {
		const window = rest.slice(0, maxLength);
		let cut = lastBreak(window, /[.!?…。！？]["')\]]*\s+/gu);
		if (cut <= maxLength / 2) cut = Math.max(cut, lastBreak(window, /\s+/gu));
		if (cut <= 0) cut = maxLength;
		// Never split a surrogate pair.
		const last = rest.charCodeAt(cut - 1);
		if (last >= 0xd800 && last <= 0xdbff && cut > 1) cut--;
		pieces.push(rest.slice(0, cut));
		rest = rest.slice(cut);
	}
	if (rest.length > 0 || pieces.length === 0) pieces.push(rest);
	return pieces;
}

/** Index just after the last match of `pattern` in `text` (0 when none). */
function lastBreak(text: string, pattern: RegExp): number {
	let end = 0;
	for (const match of text.matchAll(pattern)) end = match.index + match[0].length;
	return end;
}
