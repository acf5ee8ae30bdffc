// Pagination is bounded: a list that would never end, or a page whose list is not a list,
// fails with an error that names the path, instead of looping or turning a string into items.
import type { IncomingMessage } from 'node:http';

import { runNode } from '../harness';
import { startLoopbackServer, type LoopbackServer } from '../harness/loopback';

let server: LoopbackServer;
let answer: (req: IncomingMessage, pageIndex: number) => unknown = () => ({});

beforeAll(async () => {
	server = await startLoopbackServer((req, res) => {
		res.setHeader('Content-Type', 'application/json');
		res.end(JSON.stringify(answer(req, server.received.length - 1)));
	});
});
afterAll(() => server.close());
beforeEach(() => (server.received.length = 0));

const credentials = () => ({
	apiKey: 'pagination-test-key',
	region: 'custom',
	baseDomain: 'soniox.invalid',
	restUrl: server.url,
});

const getManyFiles = () =>
	runNode({
		parameters: { resource: 'file', operation: 'getMany', returnAll: true },
		credentials: credentials(),
	});

describe('a list that would never end', () => {
	it('a cursor returned twice fails once it repeats', async () => {
		answer = () => ({ files: [{ id: 'f1' }], next_page_cursor: 'the-same-cursor' });
		const { error } = await getManyFiles();
		expect(error?.message).toBe(
			'Soniox sent an answer this node cannot read: Soniox returned a page cursor it had returned before while listing /v1/files, so the list would never end.',
		);
		expect(server.received).toHaveLength(2);
	});

	it('empty pages that keep pointing to another fail after a bounded number', async () => {
		answer = (_req, index) => ({ files: [], next_page_cursor: `cursor-${index}` });
		const { error } = await getManyFiles();
		expect(error?.message).toBe(
			'Soniox sent an answer this node cannot read: Soniox returned 20 empty pages in a row, each pointing to another, while listing /v1/files.',
		);
		expect(server.received).toHaveLength(20);
	});

	it('usage logs: the same, on every window of the listing', async () => {
		answer = () => ({ usage_logs: [], next_page_cursor: 'the-same-cursor' });
		const { error } = await runNode({
			parameters: {
				resource: 'usage',
				operation: 'getLogs',
				timeRange: 'lastHour',
				sort: 'end_time_asc',
				returnAll: true,
			},
			credentials: credentials(),
		});
		expect(error?.message).toContain('listing /v1/usage-logs, so the list would never end');
		// The first page, then the rest in time slices read 4 at a time (Get Logs with Return
		// All): no window is asked for more than its first page and the cursor seen again, and
		// no slice starts once one has failed.
		const windows = server.received.map((request) => {
			const query = new URL(request.url, 'http://soniox').searchParams;
			return `${query.get('start_time')} ${query.get('end_time')}`;
		});
		for (const window of new Set(windows)) {
			expect(windows.filter((asked) => asked === window).length).toBeLessThanOrEqual(2);
		}
		expect(windows.length).toBeGreaterThanOrEqual(2);
		expect(windows.length).toBeLessThanOrEqual(1 + 2 * 4);
	});
});

describe('a page that is not a list', () => {
	it.each([
		['a string', 'not a list', 'a string'],
		['an object', { id: 'f1' }, 'an object'],
		['null', null, 'null'],
		['missing', undefined, 'missing'],
	])('files: %s fails and names the path and the field', async (_name, files, described) => {
		answer = () => ({ files, next_page_cursor: null });
		const { error, items } = await getManyFiles();
		expect(items).toEqual([]);
		expect(error?.message).toBe(
			`Soniox sent an answer this node cannot read: Soniox's answer to GET /v1/files has no "files" list (it is ${described}).`,
		);
	});

	it('a cursor that is not a string', async () => {
		answer = () => ({ files: [{ id: 'f1' }], next_page_cursor: 7 });
		const { error } = await getManyFiles();
		expect(error?.message).toContain('next_page_cursor that is a number, not a string');
	});

	it.each([
		['stt', '/v1/models'],
		['tts', '/v1/tts-models'],
	])('models (%s): a "models" that is not a list', async (modelType, path) => {
		answer = () => ({ models: { id: 'not-a-list' } });
		const { error } = await runNode({
			parameters: { resource: 'model', operation: 'getMany', modelType, returnAll: true },
			credentials: credentials(),
		});
		expect(error?.message).toBe(
			`Soniox sent an answer this node cannot read: Soniox's answer to GET ${path} has no "models" list (it is an object).`,
		);
	});
});
