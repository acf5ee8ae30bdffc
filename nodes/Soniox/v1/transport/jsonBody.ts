// Parses a JSON body while it streams in. The elements of each list in the top-level object (a
// page of usage entries, a transcript's tokens) are parsed one by one as they arrive, so no
// string of the whole body is built. A page is some 600 KB: as one string it would land in
// V8's large-object space, and with four pages read at once the text, the chunks and the
// parsed page of each would all wait for the same collection.

/** What `JsonBodyReader.end()` gives for a body that is not valid JSON. */
export const INVALID_JSON = Symbol('invalid JSON');

const QUOTE = 34;
const COMMA = 44;
const OPEN_LIST = 91;
const CLOSE_LIST = 93;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;

interface OpenList {
	items: unknown[];
	/** The start of an element whose end has not arrived yet. */
	pending: string;
}

export class JsonBodyReader {
	/** The body with each top-level list replaced by a placeholder string. */
	private skeleton = '';
	private readonly lists: unknown[][] = [];
	private list: OpenList | undefined;
	private depth = 0;
	private topIsObject = false;
	private inString = false;
	/** A backslash ended the last text inside a string: the next character is escaped. */
	private escaped = false;
	private invalid = false;
	/** Starts every placeholder: no string of a real body starts with it. */
	private readonly placeholder = `\u0000list${Math.random().toString(36).slice(2)}:`;

	/** Takes the next piece of the decoded text. */
	write(text: string): void {
		if (this.invalid) return;
		let from = 0;
		let backslash = -2;
		const length = text.length;
		let i = 0;
		while (i < length) {
			if (this.inString) {
				if (this.escaped) {
					this.escaped = false;
					i++;
					continue;
				}
				if (backslash !== -1 && backslash < i) backslash = text.indexOf('\\', i);
				const quote = text.indexOf('"', i);
				if (backslash !== -1 && (quote === -1 || backslash < quote)) {
					i = backslash + 2;
					if (i > length) this.escaped = true;
					continue;
				}
				if (quote === -1) break;
				this.inString = false;
				i = quote + 1;
				continue;
			}
			const code = text.charCodeAt(i);
			if (code === QUOTE) {
				this.inString = true;
			} else if (code === OPEN_OBJECT || code === OPEN_LIST) {
				this.depth++;
				if (this.depth === 1) this.topIsObject = code === OPEN_OBJECT;
				if (this.depth === 2 && this.topIsObject && code === OPEN_LIST) {
					// The placeholder is JSON text: "\u0000" parses to the character U+0000.
					this.skeleton += `${text.slice(from, i)}"\\u0000${this.placeholder.slice(1)}${this.lists.length}"`;
					this.list = { items: [], pending: '' };
					this.lists.push(this.list.items);
					from = i + 1;
				}
			} else if (code === CLOSE_OBJECT || code === CLOSE_LIST) {
				if (this.depth === 2 && this.list) {
					this.closeList(this.takeElement(text, from, i), code);
					if (this.invalid) return;
					from = i + 1;
				}
				this.depth--;
			} else if (code === COMMA && this.depth === 2 && this.list) {
				this.parseElement(this.takeElement(text, from, i));
				if (this.invalid) return;
				from = i + 1;
			}
			i++;
		}
		const rest = from === 0 ? text : text.slice(from);
		if (this.list) this.list.pending += rest;
		else this.skeleton += rest;
	}

	/** The parsed body, '' for an empty one, INVALID_JSON when it is not JSON. */
	end(): unknown {
		if (this.invalid || this.list || this.inString) return INVALID_JSON;
		if (this.skeleton.trim() === '') return '';
		let body: unknown;
		try {
			body = JSON.parse(this.skeleton);
		} catch {
			return INVALID_JSON;
		}
		if (this.lists.length === 0 || body === null || typeof body !== 'object') return body;
		const object = body as Record<string, unknown>;
		for (const key of Object.keys(object)) {
			const value = object[key];
			if (typeof value === 'string' && value.startsWith(this.placeholder)) {
				object[key] = this.lists[Number(value.slice(this.placeholder.length))];
			}
		}
		return object;
	}

	/** One element's text: what was left of the last piece, then this piece up to `end`. */
	private takeElement(text: string, from: number, end: number): string {
		const list = this.list!;
		const element =
			list.pending === '' ? text.slice(from, end) : list.pending + text.slice(from, end);
		list.pending = '';
		return element;
	}

	private closeList(last: string, code: number) {
		const list = this.list!;
		this.list = undefined;
		if (code !== CLOSE_LIST) this.invalid = true;
		// "[]" is an empty list; "[1,]" is not JSON, and JSON.parse refuses the empty element.
		else if (list.items.length > 0 || !EMPTY.test(last)) this.parseElement(last, list);
	}

	/** Each element is parsed on its own: a slice of the piece, which JSON.parse does not copy. */
	private parseElement(text: string, list = this.list!) {
		try {
			list.items.push(JSON.parse(text));
		} catch {
			this.invalid = true;
		}
	}
}

const EMPTY = /^\s*$/;
