// Usage → Aggregate must total a month of usage without holding it: memory grows with the
// number of groups, never with the number of entries.
import { startEmulator, type Emulator } from '../emulator';
import { emulatorCredentials, runNode } from '../harness';

const DAY = 86_400_000;
const PAGES = 60;

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator();
});
afterAll(() => emulator.close());

it('aggregates 60,000 entries keeping a few pages at a time, not the entries', async () => {
	const { gc } = global as { gc?: () => void };
	if (!gc)
		throw new Error(
			'Run with node --expose-gc (npm test does): retained memory is measured after GC',
		);
	const now = Date.now();
	await emulator.seedUsage({ count: PAGES * 1000, clients: 200, start: now - 5 * DAY, end: now });
	// Holding an entry would cost at least its JSON, about 0.7 kB.
	const bytesPerPage = JSON.stringify(emulator.ledger().slice(0, 1000)).length;
	// The heap only: entries are objects there, and freed buffers leave `external` a little later.
	const retained = () => {
		gc();
		return process.memoryUsage().heapUsed;
	};

	// Memory retained once page 20 was served (code for the hot paths is compiled by then), and
	// again at page 55.
	const marks: number[] = [];
	const watcher = setInterval(() => {
		const served = emulator.requests().length;
		if ((marks.length === 0 && served >= 20) || (marks.length === 1 && served >= 55)) {
			marks.push(retained());
		}
	}, 5);
	const { items, error } = await runNode({
		parameters: { resource: 'usage', operation: 'aggregate', timeRange: 'last7Days' },
		credentials: emulatorCredentials(emulator),
	});
	clearInterval(watcher);

	expect(error).toBeUndefined();
	expect(items.reduce((sum, item) => sum + (item.json.request_count as number), 0)).toBe(
		PAGES * 1000,
	);
	expect(marks).toHaveLength(2);
	// Holding the 35 pages in between would add over 20 MB; streaming adds nothing that stays.
	expect(marks[1] - marks[0]).toBeLessThan(10 * bytesPerPage);
}, 60_000);

it('decodes big pages whose multi-byte characters straddle the network chunks', async () => {
	emulator.reset();
	emulator.config.ingestionLagMs = 0;
	// 1,500 IDs of 3-byte characters: most of each page's 1 MB are inside such characters, so
	// its chunks (16–64 kB each) start and end inside one again and again.
	const now = Date.now();
	const ids = Array.from({ length: 1500 }, (_, index) => `顧客-${'日本語'.repeat(60)}-${index}`);
	emulator.insertUsage(
		ids.map((clientReferenceId, index) => ({
			endTime: now - 3_600_000 + index,
			clientReferenceId,
		})),
	);
	const { items, error } = await runNode({
		parameters: {
			resource: 'usage',
			operation: 'getLogs',
			timeRange: 'last24Hours',
			returnAll: true,
			sort: 'end_time_asc',
		},
		credentials: emulatorCredentials(emulator),
	});
	expect(error).toBeUndefined();
	expect(items.map((item) => item.json.client_reference_id)).toEqual(ids);
});
