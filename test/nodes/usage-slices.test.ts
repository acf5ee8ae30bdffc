// Big usage-log windows read in time slices, several at a time: every entry exactly once,
// also on the slices' edges and on the first page's edge; in end_time order where callers need
// it; a 429 holds every slice back for its Retry-After; the user bounds the concurrency.
import type { INodeParameters } from 'n8n-workflow';

import { usageLogSlices } from '../../nodes/Soniox/v1/transport/usageLogs';
import { startEmulator, type Emulator, type UsageInsert } from '../emulator';
import { emulatorCredentials, expectRequestsToConform, mostInFlight, runNode } from '../harness';
import { TriggerHarness } from '../harness/poll';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator();
});
afterEach(() => expectRequestsToConform(emulator));
afterAll(() => emulator.close());
beforeEach(() => {
	emulator.reset();
	emulator.config.ingestionLagMs = 0;
	emulator.config.usageLogsRateLimit = undefined;
});

const logRequests = () =>
	emulator.requests().filter((request) => request.route === 'GET /v1/usage-logs');

async function getLogs(window: { start: number; end: number }, extra: INodeParameters = {}) {
	return await runNode({
		parameters: {
			resource: 'usage',
			operation: 'getLogs',
			timeRange: 'custom',
			startTime: new Date(window.start).toISOString(),
			endTime: new Date(window.end).toISOString(),
			returnAll: true,
			sort: 'end_time_asc',
			...extra,
		},
		credentials: emulatorCredentials(emulator),
	});
}

/**
 * 995 entries before `edge` and 10 at `edge`, so the first page (1000) ends inside that
 * millisecond; then entries on every slice boundary of the rest, a millisecond before each and
 * on the window's last millisecond.
 */
function insertOnEdges(window: { start: number; end: number }, concurrency: number) {
	const edge = window.start + HOUR;
	const before = Array.from({ length: 995 }, (_, index) => ({
		endTime: window.start + index * 1000,
	}));
	const atEdge = Array.from({ length: 10 }, () => ({ endTime: edge }));
	const slices = usageLogSlices({ start: new Date(edge), end: new Date(window.end) }, concurrency);
	const boundaries = slices
		.slice(1)
		.flatMap((slice) => [
			{ endTime: slice.start.getTime() },
			{ endTime: slice.start.getTime() - 1 },
			{ endTime: slice.start.getTime(), clientReferenceId: 'second-on-edge' },
		]);
	const rows: UsageInsert[] = [
		...before,
		...atEdge,
		...boundaries,
		{ endTime: window.end - 1 },
		// Outside the window: on its end (exclusive) and before its start.
		{ endTime: window.end },
		{ endTime: window.start - 1 },
	];
	emulator.insertUsage(rows);
	expect(slices.length).toBeGreaterThan(4);
	return emulator
		.ledger()
		.filter((entry) => {
			const end = Date.parse(entry.end_time);
			return end >= window.start && end < window.end;
		})
		.map((entry) => entry.uuid);
}

describe('Usage logs in concurrent time slices', () => {
	const window = () => {
		const end = Math.floor(Date.now() / DAY) * DAY - DAY;
		return { start: end - 2 * DAY, end };
	};

	it('returns every entry once, in order, with entries on every slice edge and the first page edge', async () => {
		const range = window();
		const expected = insertOnEdges(range, 4);
		emulator.faults.arm({ route: 'GET /v1/usage-logs', latencyMs: 20, times: 1000 });

		const ascending = await getLogs(range, { options: { concurrency: 4 } });
		expect(ascending.error).toBeUndefined();
		expect(ascending.items.map((item) => item.json.uuid)).toEqual(expected);
		expect(mostInFlight(logRequests())).toBeGreaterThan(1);
		expect(mostInFlight(logRequests())).toBeLessThanOrEqual(4);

		const descending = await getLogs(range, {
			sort: 'end_time_desc',
			options: { concurrency: 4 },
		});
		expect(descending.items.map((item) => item.json.uuid)).toEqual([...expected].reverse());
	});

	it('keeps to the concurrency the user sets', async () => {
		const range = window();
		const expected = insertOnEdges(range, 2);
		emulator.faults.arm({ route: 'GET /v1/usage-logs', latencyMs: 30, times: 1000 });
		const { items } = await getLogs(range, { options: { concurrency: 2 } });
		expect(items.map((item) => item.json.uuid)).toEqual(expected);
		expect(mostInFlight(logRequests())).toBe(2);
	});

	it('aggregates by customer to the same exact totals as one request at a time', async () => {
		const range = window();
		insertOnEdges(range, 8);
		const aggregate = (concurrency: number) =>
			runNode({
				parameters: {
					resource: 'usage',
					operation: 'aggregate',
					timeRange: 'custom',
					startTime: new Date(range.start).toISOString(),
					endTime: new Date(range.end).toISOString(),
					groupBy: ['client_reference_id'],
					options: { concurrency },
				},
				credentials: emulatorCredentials(emulator),
			});
		const sliced = await aggregate(8);
		const slicedRequests = logRequests().length;
		const sequential = await aggregate(1);
		expect(slicedRequests).toBeGreaterThan(logRequests().length - slicedRequests);
		expect(sliced.items.length).toBeGreaterThan(1);
		expect(sliced.items.map((item) => item.json)).toEqual(
			sequential.items.map((item) => item.json),
		);
	});

	it('honours the Retry-After of 429s under a rate limit, then reads every entry once', async () => {
		const range = window();
		const expected = insertOnEdges(range, 4);
		emulator.config.usageLogsRateLimit = { requests: 2, windowMs: 1000, retryAfter: true };
		emulator.faults.arm({ route: 'GET /v1/usage-logs', latencyMs: 150, times: 1000 });

		const { items, error } = await getLogs(range, { options: { concurrency: 4 } });
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.uuid)).toEqual(expected);
		const requests = logRequests();
		const refused = requests.filter((request) => request.status === 429);
		expect(refused.length).toBeGreaterThan(0);
		const [first] = refused;
		// Those already on their way pass; nothing else leaves before the Retry-After (1 s) passed.
		const answeredAt = Date.parse(first.at) + first.durationMs;
		const early = requests.filter((request) => {
			const sentAt = Date.parse(request.at);
			return sentAt > answeredAt + 30 && sentAt < answeredAt + 980;
		});
		expect(early).toEqual([]);
		expect(requests.filter((request) => Date.parse(request.at) >= answeredAt + 980)).not.toEqual(
			[],
		);
	});

	it('holds back the slices whose 200 arrives after another slice was refused with a 429', async () => {
		const range = window();
		const expected = insertOnEdges(range, 4);
		// The first page alone, answered normally; then the first slice request is refused at
		// once with Retry-After: 1 while the next three get their 200 only 200 ms later. Without
		// a wait shared by the slices, those three would send their next requests right away.
		const route = 'GET /v1/usage-logs';
		emulator.faults.arm({ route, times: 1 });
		emulator.faults.arm({ route, statuses: [429], retryAfterSeconds: 1 });
		emulator.faults.arm({ route, latencyMs: 200, times: 3 });

		// Aggregate reads slices in any order: no slice waits for another to be delivered first.
		const { items, error } = await runNode({
			parameters: {
				resource: 'usage',
				operation: 'aggregate',
				timeRange: 'custom',
				startTime: new Date(range.start).toISOString(),
				endTime: new Date(range.end).toISOString(),
				groupBy: [],
				options: { concurrency: 4 },
			},
			credentials: emulatorCredentials(emulator),
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.request_count)).toEqual([expected.length]);
		// In the order they arrived: the first page, the refused slice, the three slow ones.
		const requests = logRequests().sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
		const [, refused, ...others] = requests;
		expect(refused.status).toBe(429);
		expect(others.filter((request) => request.status === 429)).toEqual([]);
		const refusedAt = Date.parse(refused.at) + refused.durationMs;
		// The three 200s came well after the 429, to requests sent with it.
		const [slow, later] = [others.slice(0, 3), others.slice(3)];
		for (const request of slow) {
			expect(Date.parse(request.at)).toBeLessThan(refusedAt + 30);
			expect(Date.parse(request.at) + request.durationMs).toBeGreaterThan(refusedAt + 150);
		}
		// Nothing more left before the 429's Retry-After (1 s, 20 ms of clock slack) had passed.
		expect(later.length).toBeGreaterThan(0);
		const early = later.filter((request) => Date.parse(request.at) < refusedAt + 980);
		expect(early).toEqual([]);
	});

	it('backs off without a Retry-After too', async () => {
		const range = window();
		const expected = insertOnEdges(range, 4);
		emulator.config.usageLogsRateLimit = { requests: 6, windowMs: 500 };
		const { items, error } = await getLogs(range, { options: { concurrency: 4 } });
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.uuid)).toEqual(expected);
		expect(logRequests().some((request) => request.status === 429)).toBe(true);
	});

	it("delivers the trigger's backfill in end_time order, read in slices", async () => {
		const now = Date.now();
		const inserted = emulator.insertUsage(
			Array.from({ length: 2600 }, (_, index) => ({ endTime: now - 5 * HOUR + index * 5000 })),
		);
		emulator.faults.arm({ route: 'GET /v1/usage-logs', latencyMs: 20, times: 1000 });
		const poller = new TriggerHarness(
			{
				event: 'newUsageLogEntry',
				output: 'entries',
				options: { backfillHours: 6, backfillConcurrency: 4 },
			},
			emulatorCredentials(emulator),
		);
		const { items, error } = await poller.poll();
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.uuid)).toEqual(inserted.map((entry) => entry.uuid));
		expect(mostInFlight(logRequests())).toBeGreaterThan(1);
	});
});
