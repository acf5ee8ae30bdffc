// The streaming JSON reader must give exactly what JSON.parse gives, however the body is cut
// into pieces, and refuse exactly what JSON.parse refuses.
import { INVALID_JSON, JsonBodyReader } from '../../nodes/Soniox/v1/transport/jsonBody';

function readInPieces(body: string, cuts: number[]): unknown {
	const reader = new JsonBodyReader();
	let from = 0;
	for (const cut of [...cuts, body.length]) {
		reader.write(body.slice(from, cut));
		from = cut;
	}
	return reader.end();
}

/** Every way of cutting the body in two, and in pieces of every size. */
function* cuttings(body: string): Generator<number[]> {
	for (let cut = 0; cut <= body.length; cut++) yield [cut];
	for (let size = 1; size < body.length; size++) {
		const cuts: number[] = [];
		for (let at = size; at < body.length; at += size) cuts.push(at);
		yield cuts;
	}
}

const VALID = [
	'{"usage_logs":[{"uuid":"a","cost_usd":"0.1"},{"uuid":"b"}],"next_page_cursor":"c2"}',
	'{"usage_logs":[],"next_page_cursor":null}',
	'{ "usage_logs" : [ ] }',
	'{"a":[1,2,[3,4],{"b":[5,6]}],"c":{"d":[7,8]},"e":[9]}',
	'{"s":"q\\"\\\\","l":["\\"","\\\\",",","]","[","{","}","\\u005b"]}',
	'{"l":["\\\\\\"",""],"n":null}',
	'\n{\n  "l": [\n    {"x": 1},\n    {"x": 2}\n  ]\n}\n',
	'{"tokens":[{"text":"日本語, [ok]","start_ms":0}],"text":"日本語"}',
	'{"a":[1],"a":[2]}',
	'{"1":[1],"b":"x"}',
	'{}',
	'[{"a":1},{"b":2}]',
	'"text"',
	'42',
	'null',
];

describe('a valid body gives what JSON.parse gives', () => {
	it.each(VALID)('%s, cut anywhere', (body) => {
		const expected = JSON.parse(body) as unknown;
		for (const cuts of cuttings(body)) {
			expect({ cuts, parsed: readInPieces(body, cuts) }).toEqual({ cuts, parsed: expected });
		}
	});

	it('keeps the key order and the lists in place', () => {
		const parsed = readInPieces('{"b":[1],"a":"x","c":[2,3]}', [5, 12]);
		expect(Object.keys(parsed as object)).toEqual(['b', 'a', 'c']);
	});

	it('a string that looks like a placeholder stays a string', () => {
		const body = '{"a":"\\u0000list0:0","b":[1]}';
		expect(readInPieces(body, [3])).toEqual({ a: '\u0000list0:0', b: [1] });
	});

	it('an empty or blank body is ""', () => {
		expect(readInPieces('', [])).toBe('');
		expect(readInPieces('  \n', [1])).toBe('');
	});
});

const INVALID = [
	'{"a":[1,]}',
	'{"a":[,1]}',
	'{"a":[1,,2]}',
	'{"a":[1}',
	'{"a":[1]',
	'{"a":[{"b":1]}',
	'{"a":[1]}}',
	'{"a":[1]} x',
	'{"a":"unterminated',
	'{"a":["unterminated]}',
	'{"a":[1 2]}',
	'{"a":[tru]}',
	'{"a":[1]',
	'{"usage_logs":[{"uuid":"a"},garbage',
	'not json',
];

describe('an invalid body gives INVALID_JSON', () => {
	it.each(INVALID)('%s, cut anywhere', (body) => {
		expect(() => JSON.parse(body) as unknown).toThrow();
		for (const cuts of cuttings(body)) {
			expect({ cuts, parsed: readInPieces(body, cuts) }).toEqual({ cuts, parsed: INVALID_JSON });
		}
	});
});

describe('random documents', () => {
	// A small seeded generator, so a failure can be replayed.
	let seed = 7;
	const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
	const pick = <T>(choices: T[]) => choices[Math.floor(random() * choices.length)];
	const space = () => pick(['', '', ' ', '\n  ', '\t']);
	const text = () =>
		Array.from({ length: Math.floor(random() * 6) }, () =>
			pick(['a', '"', '\\', ',', '[', ']', '{', '}', 'é', '日', '\n', '\u0000', '😀']),
		).join('');
	const value = (depth: number): unknown => {
		const kind = depth > 3 ? pick(['s', 'n']) : pick(['s', 'n', 'l', 'o', 'null', 'bool']);
		if (kind === 's') return text();
		if (kind === 'n') return Math.round(random() * 1e6) / 100;
		if (kind === 'null') return null;
		if (kind === 'bool') return random() < 0.5;
		const length = Math.floor(random() * 4);
		if (kind === 'l') return Array.from({ length }, () => value(depth + 1));
		return Object.fromEntries(Array.from({ length }, () => [text(), value(depth + 1)]));
	};
	/** JSON.stringify with random whitespace between tokens. */
	const write = (item: unknown): string => {
		if (Array.isArray(item))
			return `[${space()}${item.map((element) => `${write(element)}${space()}`).join(`,${space()}`)}]`;
		if (item && typeof item === 'object')
			return `{${space()}${Object.entries(item)
				.map(([key, element]) => `${JSON.stringify(key)}${space()}:${space()}${write(element)}`)
				.join(`,${space()}`)}${space()}}`;
		return JSON.stringify(item);
	};

	it('500 documents, each in random pieces, parse as JSON.parse parses them', () => {
		for (let run = 0; run < 500; run++) {
			const document = Object.fromEntries(
				Array.from({ length: 1 + Math.floor(random() * 4) }, (_, index) => [
					`k${index}${text()}`,
					random() < 0.6
						? Array.from({ length: Math.floor(random() * 5) }, () => value(1))
						: value(1),
				]),
			);
			const body = `${space()}${write(document)}${space()}`;
			const cuts = Array.from({ length: Math.floor(random() * 8) }, () =>
				Math.floor(random() * body.length),
			).sort((a, b) => a - b);
			expect({ body, parsed: readInPieces(body, cuts) }).toEqual({
				body,
				parsed: JSON.parse(body) as unknown,
			});
		}
	});
});
