import { startEmulator, type Emulator } from '../emulator';
import { emulatorCredentials } from '../harness';
import { TriggerHarness } from '../harness/poll';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => {
	emulator.reset();
	emulator.config.clockOffsetMs = 0;
});

const MINUTE = 60_000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const trigger = (parameters: Record<string, unknown> = {}) =>
	new TriggerHarness(
		{ event: 'newUsageLogEntry', output: 'entries', ...parameters },
		emulatorCredentials(emulator),
	);
const uuids = (items: Array<{ json: Record<string, unknown> }>) =>
	items.map((item) => String(item.json.uuid));

describe('Soniox Trigger: exactly once', () => {
	it('starts from activation, then delivers each new entry once', async () => {
		emulator.insertUsage([{ endTime: Date.now() - 5 * MINUTE }]);
		const poller = trigger();
		expect((await poller.poll()).items).toEqual([]);
		const fresh = emulator.insertUsage([{ endTime: Date.now() }, { endTime: Date.now() + 1 }]);
		expect(uuids((await poller.poll()).items)).toEqual(fresh.map((entry) => entry.uuid));
		expect((await poller.poll()).items).toEqual([]);
	});

	it('delivers an entry Soniox publishes minutes after it ended, once', async () => {
		const poller = trigger({ options: { backfillHours: 1 } });
		await poller.poll();
		const [late] = emulator.insertUsage([
			{ endTime: Date.now() - 10 * MINUTE, visibleAt: Date.now() + 150 },
		]);
		expect((await poller.poll()).items).toEqual([]);
		await pause(200);
		expect(uuids((await poller.poll()).items)).toEqual([late.uuid]);
		expect((await poller.poll()).items).toEqual([]);
	});

	it('follows every page, with thousands of entries sharing one end time', async () => {
		const poller = trigger({ options: { backfillHours: 1 } });
		await poller.poll();
		const endTime = Date.now() - MINUTE;
		const inserted = emulator.insertUsage(Array.from({ length: 2500 }, () => ({ endTime })));
		const { items } = await poller.poll();
		expect(new Set(uuids(items))).toEqual(new Set(inserted.map((entry) => entry.uuid)));
		expect(items).toHaveLength(2500);
		expect(
			emulator.requests().filter((request) => request.route === 'GET /v1/usage-logs').length,
		).toBeGreaterThanOrEqual(4);
	});

	it('commits nothing when a page fails, so the next poll delivers everything once', async () => {
		const poller = trigger({ options: { backfillHours: 1 } });
		await poller.poll();
		const inserted = emulator.insertUsage(
			Array.from({ length: 1500 }, (_, index) => ({ endTime: Date.now() - MINUTE + index })),
		);
		const before = poller.state();
		emulator.faults.arm({
			route: 'GET /v1/usage-logs',
			statuses: [200, 429],
			retryAfterSeconds: 3600,
		});
		const failed = await poller.poll();
		expect(failed.error?.message).toContain('limit_exceeded');
		expect(poller.state()).toEqual(before);
		const { items } = await poller.poll();
		expect(new Set(uuids(items))).toEqual(new Set(inserted.map((entry) => entry.uuid)));
	});

	it('recovers within the poll from a connection reset mid-pagination', async () => {
		const poller = trigger({ options: { backfillHours: 1 } });
		await poller.poll();
		emulator.insertUsage(
			Array.from({ length: 1200 }, (_, index) => ({ endTime: Date.now() - MINUTE + index })),
		);
		emulator.faults.arm({ route: 'GET /v1/usage-logs', statuses: [200], times: 1 });
		emulator.faults.arm({ route: 'GET /v1/usage-logs', resetMidBody: true });
		const { items, error } = await poller.poll();
		expect(error).toBeUndefined();
		expect(new Set(uuids(items)).size).toBe(1200);
	});

	it('keeps its state through a restart (JSON round trip)', async () => {
		const poller = trigger({ options: { backfillHours: 1 } });
		const first = emulator.insertUsage([{ endTime: Date.now() - MINUTE }]);
		expect(uuids((await poller.poll()).items)).toEqual([first[0].uuid]);
		poller.restart();
		const second = emulator.insertUsage([
			{ endTime: Date.now() - 2 * MINUTE },
			{ endTime: Date.now() },
		]);
		expect(new Set(uuids((await poller.poll()).items))).toEqual(
			new Set(second.map((entry) => entry.uuid)),
		);
	});

	it.each([
		['ahead of', -MINUTE],
		['behind', MINUTE],
	])('loses nothing when n8n runs a minute %s Soniox', async (_name, offset) => {
		emulator.config.clockOffsetMs = offset;
		const poller = trigger({ options: { backfillHours: 1 } });
		await poller.poll();
		const sonioxNow = Date.now() + offset;
		const inserted = emulator.insertUsage([{ endTime: sonioxNow - 1000 }, { endTime: sonioxNow }]);
		const seen = [...uuids((await poller.poll()).items)];
		await pause(20);
		seen.push(...uuids((await poller.poll()).items));
		expect(seen.sort()).toEqual(inserted.map((entry) => entry.uuid).sort());
	});

	it('delivers 10,000 entries arriving at random times across 50 polls with failures, each exactly once, with bounded state', async () => {
		let seed = 7;
		const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
		const poller = trigger({ options: { backfillHours: 1, lookBackMinutes: 15 } });
		await poller.poll();
		const emitted: string[] = [];
		let failures = 0;
		let maxSeen = 0;
		for (let round = 0; round < 50; round++) {
			const now = Date.now();
			emulator.insertUsage(
				Array.from({ length: 200 }, () => ({
					endTime: now - Math.floor(random() * 10 * MINUTE),
					visibleAt: now + Math.floor(random() * 300),
					clientReferenceId: `c${Math.floor(random() * 20)}`,
				})),
			);
			if (round % 7 === 3)
				emulator.faults.arm({
					route: 'GET /v1/usage-logs',
					statuses: [429],
					retryAfterSeconds: 3600,
				});
			const result = await poller.poll();
			if (result.error) failures++;
			emitted.push(...uuids(result.items));
			maxSeen = Math.max(
				maxSeen,
				Object.keys(
					(poller.state()['node:Soniox Trigger'] as { usagePoller: { seen: object } }).usagePoller
						.seen,
				).length,
			);
			if (round % 10 === 9) poller.restart();
			await pause(15);
		}
		await pause(350);
		emitted.push(...uuids((await poller.poll()).items));
		expect(failures).toBeGreaterThanOrEqual(5);
		expect(emitted).toHaveLength(10_000);
		expect(new Set(emitted)).toEqual(new Set(emulator.ledger().map((entry) => entry.uuid)));
		expect(maxSeen).toBeLessThanOrEqual(10_000);
		expect(JSON.stringify(poller.state()).length).toBeLessThan(10_000 * 80);
	}, 120_000);

	it('prunes what it remembers to the look-back window', async () => {
		const poller = trigger({ options: { backfillHours: 2, lookBackMinutes: 15 } });
		emulator.insertUsage(
			Array.from({ length: 300 }, (_, index) => ({
				endTime: Date.now() - 90 * MINUTE + index * 1000,
			})),
		);
		expect((await poller.poll()).items).toHaveLength(300);
		const state = poller.state()['node:Soniox Trigger'] as { usagePoller: { seen: object } };
		expect(Object.keys(state.usagePoller.seen)).toHaveLength(0);
	});
});

describe('Soniox Trigger: filters and outputs', () => {
	const insertMix = () =>
		emulator.insertUsage([
			{
				endTime: Date.now() - 3000,
				clientReferenceId: 'acme-1',
				model: 'stt-async-v5',
				inputAudioDurationMs: 600_000,
			},
			{
				endTime: Date.now() - 2000,
				clientReferenceId: 'acme-2',
				model: 'stt-rt-v5',
				requestScope: 'transcribe_websocket',
			},
			{ endTime: Date.now() - 1000, clientReferenceId: null, model: 'stt-async-v5' },
		]);

	it('filters by client reference ID prefix, by "none", and by model', async () => {
		const byPrefix = trigger({
			options: { backfillHours: 1 },
			filters: { clientReferenceId: 'acme-', clientReferenceIdMatch: 'prefix' },
		});
		const none = trigger({
			options: { backfillHours: 1 },
			filters: { clientReferenceIdMatch: 'none' },
		});
		const model = trigger({ options: { backfillHours: 1 }, filters: { models: 'stt-rt-v5' } });
		insertMix();
		expect((await byPrefix.poll()).items.map((item) => item.json.client_reference_id)).toEqual([
			'acme-1',
			'acme-2',
		]);
		expect((await none.poll()).items.map((item) => item.json.client_reference_id)).toEqual(['']);
		expect((await model.poll()).items.map((item) => item.json.model)).toEqual(['stt-rt-v5']);
	});

	it('filters by request scope, and refuses a scope that does not exist', async () => {
		const realtime = trigger({
			options: { backfillHours: 1 },
			filters: { requestScopes: ['transcribe_websocket'] },
		});
		const typo = trigger({
			options: { backfillHours: 1 },
			filters: { requestScopes: '={{ "transcribe_realtime" }}' },
		});
		insertMix();
		expect((await realtime.poll()).items.map((item) => item.json.client_reference_id)).toEqual([
			'acme-2',
		]);
		const { items, error } = await typo.poll();
		expect(items).toEqual([]);
		expect(error?.message).toBe(
			'Filters: Request Scopes may hold only transcribe_async, transcribe_websocket, tts_rest, tts_websocket, not "transcribe_realtime"',
		);
	});

	it('summarises a poll per client reference ID with exact costs', async () => {
		const poller = trigger({ output: 'summary', options: { backfillHours: 1 } });
		const inserted = insertMix();
		const [{ json }] = (await poller.poll()).items;
		const total = inserted.reduce(
			(sum, entry) => sum + BigInt(entry.cost_usd.replace('.', '')),
			0n,
		);
		expect(BigInt(String(json.total_cost_usd).replace('.', ''))).toBe(total);
		expect(
			(json.customers as Array<{ client_reference_id: string }>)
				.map((row) => row.client_reference_id)
				.sort(),
		).toEqual(['(none)', 'acme-1', 'acme-2']);
	});

	it('raises a spend alert only for customers over the threshold', async () => {
		const poller = trigger({
			output: 'spendAlert',
			thresholdUsd: '0.01',
			alertScope: 'perClient',
			options: { backfillHours: 1 },
		});
		insertMix();
		const { items } = await poller.poll();
		expect(items).toHaveLength(1);
		expect(
			(items[0].json.crossed as Array<{ client_reference_id: string }>).map(
				(row) => row.client_reference_id,
			),
		).toEqual(['acme-1']);
		emulator.insertUsage([
			{ endTime: Date.now(), clientReferenceId: 'small', inputAudioDurationMs: 1000 },
		]);
		expect((await poller.poll()).items).toEqual([]);
	});

	it('fetches test events without touching the state', async () => {
		const poller = trigger({ options: { backfillHours: 1 } });
		await poller.poll();
		const before = poller.state();
		insertMix();
		const { items, error } = await poller.poll('manual');
		expect(error).toBeUndefined();
		expect(items).toHaveLength(3);
		expect(poller.state()).toEqual(before);
		expect((await poller.poll()).items).toHaveLength(3);
	});

	it('refuses a threshold that is not an amount', async () => {
		const { error } = await trigger({ output: 'spendAlert', thresholdUsd: 'ten dollars' }).poll();
		expect(error?.message).toContain('not an amount');
		expect(emulator.requests()).toHaveLength(0);
	});
});
