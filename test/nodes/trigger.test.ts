import { startEmulator, type Emulator } from '../emulator';
import { emulatorCredentials, expectRequestsToConform } from '../harness';
import { TriggerHarness } from '../harness/poll';
import { startUsageRewritingProxy } from './usage-fixtures';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator();
});
afterEach(() => expectRequestsToConform(emulator));
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
		expect(failed.error?.message).toMatch(/^A Soniox limit was reached: /);
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

	it('prunes what it remembers to the look-back window before the newest entry', async () => {
		const poller = trigger({ options: { backfillHours: 2, lookBackMinutes: 15 } });
		const inserted = emulator.insertUsage(
			Array.from({ length: 300 }, (_, index) => ({
				endTime: Date.now() - 90 * MINUTE + index * 18_000,
			})),
		);
		expect((await poller.poll()).items).toHaveLength(300);
		const state = poller.state()['node:Soniox Trigger'] as {
			usagePoller: { seen: Record<string, number> };
		};
		const newest = Date.parse(inserted[inserted.length - 1].end_time);
		const kept = inserted.filter((entry) => Date.parse(entry.end_time) >= newest - 15 * MINUTE);
		expect(Object.keys(state.usagePoller.seen).sort()).toEqual(
			kept.map((entry) => entry.uuid).sort(),
		);
		expect(kept.length).toBeLessThan(60);
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
				kind: 'transcribe_websocket',
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

	it('filters by the kind derived from the model, and refuses a kind that does not exist', async () => {
		const realtime = trigger({
			options: { backfillHours: 1 },
			filters: { requestKinds: ['real_time_transcription'] },
		});
		const typo = trigger({
			options: { backfillHours: 1 },
			filters: { requestKinds: '={{ "transcribe_realtime" }}' },
		});
		insertMix();
		expect((await realtime.poll()).items.map((item) => item.json.client_reference_id)).toEqual([
			'acme-2',
		]);
		const { items, error } = await typo.poll();
		expect(items).toEqual([]);
		expect(error?.message).toBe(
			'Filters: Request Kinds (Derived From the Model) may hold only async_transcription, real_time_transcription, speech_synthesis, other, not "transcribe_realtime"',
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
			(json.customers as Array<{ client_reference_id: string; client_reference_id_missing?: true }>)
				.map((row) => [row.client_reference_id, row.client_reference_id_missing ?? false])
				.sort(),
		).toEqual([
			['', true],
			['acme-1', false],
			['acme-2', false],
		]);
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
		expect(error?.message).toBe('Threshold (USD) "ten dollars" is not a number');
		expect(emulator.requests()).toHaveLength(0);
	});
});

describe('Soniox Trigger: overlapping polls', () => {
	const usageLogRequests = () =>
		emulator.requests().filter((request) => request.route === 'GET /v1/usage-logs');
	const nodeState = (poller: TriggerHarness) =>
		poller.state()['node:Soniox Trigger'] as Record<string, unknown> | undefined;

	it('delivers each entry once when a slow poll is still running as the next one starts', async () => {
		const poller = trigger({ options: { backfillHours: 1 } });
		await poller.poll();
		const inserted = emulator.insertUsage(
			Array.from({ length: 1500 }, (_, index) => ({ endTime: Date.now() - MINUTE + index })),
		);
		emulator.faults.arm({ route: 'GET /v1/usage-logs', latencyMs: 150, times: 4 });
		const runs = await Promise.all([poller.poll(), poller.poll(), poller.poll()]);
		expect(runs.map((run) => run.error)).toEqual([undefined, undefined, undefined]);
		const emitted = runs.flatMap((run) => uuids(run.items));
		expect(emitted.sort()).toEqual(inserted.map((entry) => entry.uuid).sort());
		expect((await poller.poll()).items).toEqual([]);
		expect(nodeState(poller)?.usagePollerLease).toBeUndefined();
	});

	it('waits for a live lease, and takes over one a crashed poll left behind', async () => {
		const poller = trigger({ options: { backfillHours: 1 } });
		await poller.poll();
		const [entry] = emulator.insertUsage([{ endTime: Date.now() - MINUTE }]);
		const before = usageLogRequests().length;

		poller.nodeData().usagePollerLease = { id: 'running', until: Date.now() + MINUTE };
		expect(await poller.poll()).toEqual({ items: [] });
		expect(usageLogRequests()).toHaveLength(before);

		// Expired: the poll that held it died.
		poller.nodeData().usagePollerLease = { id: 'crashed', until: Date.now() - 1 };
		poller.restart();
		expect(uuids((await poller.poll()).items)).toEqual([entry.uuid]);

		// Ending hours ahead: n8n's clock was stepped back since; it must not block for hours.
		const [next] = emulator.insertUsage([{ endTime: Date.now() }]);
		poller.nodeData().usagePollerLease = { id: 'crashed', until: Date.now() + 10 * 60 * MINUTE };
		expect(uuids((await poller.poll()).items)).toEqual([next.uuid]);
	});

	it('commits and emits nothing when its lease was taken over mid-poll', async () => {
		const poller = trigger({ options: { backfillHours: 1 } });
		await poller.poll();
		const before = nodeState(poller)?.usagePoller;
		const inserted = emulator.insertUsage([{ endTime: Date.now() - MINUTE }]);
		emulator.faults.arm({ route: 'GET /v1/usage-logs', latencyMs: 300 });
		const slow = poller.poll();
		await pause(100);
		// What a poll does after this one's lease expired: it takes the lease over.
		poller.nodeData().usagePollerLease = { id: 'successor', until: Date.now() + MINUTE };
		const { items, error } = await slow;
		expect(error).toBeUndefined();
		expect(items).toEqual([]);
		expect(nodeState(poller)?.usagePoller).toEqual(before);
		expect((nodeState(poller)?.usagePollerLease as { id: string }).id).toBe('successor');
		delete poller.nodeData().usagePollerLease;
		expect(uuids((await poller.poll()).items)).toEqual(inserted.map((entry) => entry.uuid));
	});
});

describe('Soniox Trigger: output before commit', () => {
	it('keeps the entries when building the output fails, and names the entry and field', async () => {
		let corrupt = true;
		const proxy = await startUsageRewritingProxy(emulator.urls.api, (page) =>
			corrupt
				? {
						...page,
						usage_logs: page.usage_logs.map((entry, index) =>
							index === 1 ? { ...entry, input_cost_usd: 'n/a' } : entry,
						),
					}
				: page,
		);
		try {
			const poller = new TriggerHarness(
				{ event: 'newUsageLogEntry', output: 'summary', options: { backfillHours: 1 } },
				{ ...emulatorCredentials(emulator), restUrl: proxy.url },
			);
			const inserted = emulator.insertUsage([
				{ endTime: Date.now() - 3000, clientReferenceId: 'a' },
				{ endTime: Date.now() - 2000, clientReferenceId: 'b' },
				{ endTime: Date.now() - 1000, clientReferenceId: 'c' },
			]);
			const failed = await poller.poll();
			expect(failed.error?.message).toBe(
				`Soniox sent usage-log entry ${inserted[1].uuid} with input_cost_usd "n/a", which is not an amount in USD`,
			);
			const state = poller.state()['node:Soniox Trigger'] as Record<string, unknown> | undefined;
			expect(state?.usagePoller).toBeUndefined();
			corrupt = false;
			const { items, error } = await poller.poll();
			expect(error).toBeUndefined();
			expect(items).toHaveLength(1);
			expect(items[0].json.entries).toBe(3);
		} finally {
			await proxy.close();
		}
	});
});

describe('Soniox Trigger: malformed entries', () => {
	it.each([
		['end_time', 'yesterday', 'which is not a time'],
		['uuid', '', 'which is not an ID'],
	])('fails naming the entry when its %s is %j, and loses nothing', async (field, value, what) => {
		let corrupt = true;
		const inserted = emulator.insertUsage([
			{ endTime: Date.now() - 2000 },
			{ endTime: Date.now() - 1000 },
		]);
		const proxy = await startUsageRewritingProxy(emulator.urls.api, (page) => ({
			...page,
			usage_logs: page.usage_logs.map((entry) =>
				corrupt && entry.uuid === inserted[1].uuid ? { ...entry, [field]: value } : entry,
			),
		}));
		try {
			const poller = new TriggerHarness(
				{ event: 'newUsageLogEntry', output: 'entries', options: { backfillHours: 1 } },
				{ ...emulatorCredentials(emulator), restUrl: proxy.url },
			);
			const failed = await poller.poll();
			const named = field === 'uuid' ? '(without uuid)' : inserted[1].uuid;
			expect(failed.error?.message).toBe(
				`Soniox sent usage-log entry ${named} with ${field} "${value}", ${what}`,
			);
			corrupt = false;
			expect(uuids((await poller.poll()).items)).toEqual(inserted.map((entry) => entry.uuid));
		} finally {
			await proxy.close();
		}
	});
});

describe('Soniox Trigger: every parameter is checked', () => {
	it.each([
		[
			{ event: '={{ "newTranscript" }}' },
			'Event must be newUsageLogEntry or organizationBudget, not "newTranscript"',
		],
		[
			{ output: '={{ "digest" }}' },
			'Output must be entries, summary, spendAlert or usageAnomaly, not "digest"',
		],
		[
			{ output: '={{ "" }}' },
			'Output must be entries, summary, spendAlert or usageAnomaly, not ""',
		],
		[
			{ output: 'spendAlert', alertScope: '={{ "everyone" }}' },
			'Threshold Applies To must be overall or perClient, not "everyone"',
		],
		[
			{ output: 'spendAlert', thresholdUsd: '={{ -5 }}' },
			'Threshold (USD) -5 must be an amount from 0 to 1000000000 with at most 10 decimals',
		],
		[
			{ output: 'spendAlert', thresholdUsd: '1e2000000' },
			'Threshold (USD) "1e2000000" must be an amount from 0 to 1000000000 with at most 10 decimals',
		],
		[
			{ options: { lookBackMinutes: '={{ 0 }}' } },
			'Options: Look-Back Window (Minutes) must be a whole number from 1 to 1440, not 0',
		],
		[
			{ options: { lookBackMinutes: '={{ "" }}' } },
			'Options: Look-Back Window (Minutes) must be a whole number from 1 to 1440, not ""',
		],
		[
			{ options: { lookBackMinutes: -5 } },
			'Options: Look-Back Window (Minutes) must be a whole number from 1 to 1440, not -5',
		],
		[
			{ options: { backfillHours: '={{ -1 }}' } },
			'Options: Backfill Hours on First Activation must be a whole number from 0 to 2160, not -1',
		],
		[
			{ options: { backfillHours: '={{ "" }}' } },
			'Options: Backfill Hours on First Activation must be a whole number from 0 to 2160, not ""',
		],
		[
			{ filters: { clientReferenceId: 'alice', clientReferenceIdMatch: '={{ "Exact" }}' } },
			'Filters: Client Reference ID Match must be exact, none or prefix, not "Exact"',
		],
		[
			{ filters: { minCostUsd: '={{ "1e2000000" }}' } },
			'Filters: Minimum Cost (USD) "1e2000000" must be an amount from 0 to 1000000000 with at most 10 decimals',
		],
	])('refuses %j before reading anything', async (parameters, message) => {
		const poller = trigger(parameters);
		const { items, error } = await poller.poll();
		expect(error?.message).toBe(message);
		expect(items).toEqual([]);
		expect(emulator.requests()).toHaveLength(0);
		expect(poller.state()['node:Soniox Trigger']).toBeUndefined();
		// Fetch Test Event says the same.
		expect((await poller.poll('manual')).error?.message).toBe(message);
	});
});

describe("Soniox Trigger: anchored on Soniox's clock", () => {
	it('starts "from now" on Soniox\'s clock when n8n runs far ahead of it', async () => {
		emulator.config.clockOffsetMs = -30 * MINUTE;
		const sonioxNow = () => Date.now() - 30 * MINUTE;
		emulator.insertUsage([{ endTime: sonioxNow() - MINUTE }]);
		const poller = trigger({ options: { lookBackMinutes: 15 } });
		expect((await poller.poll()).items).toEqual([]);
		// Both already ended on Soniox's clock: one in the future would not be visible yet.
		const fresh = emulator.insertUsage([
			{ endTime: sonioxNow() - 2 },
			{ endTime: sonioxNow() - 1 },
		]);
		expect(uuids((await poller.poll()).items)).toEqual(fresh.map((entry) => entry.uuid));
		expect((await poller.poll()).items).toEqual([]);
	});

	it('keeps delivering, poll after poll, while n8n runs 30 minutes ahead (look-back 15)', async () => {
		emulator.config.clockOffsetMs = -30 * MINUTE;
		const sonioxNow = () => Date.now() - 30 * MINUTE;
		const poller = trigger({ options: { backfillHours: 1, lookBackMinutes: 15 } });
		const delivered: string[] = [];
		const inserted: string[] = [];
		for (let round = 0; round < 3; round++) {
			inserted.push(...emulator.insertUsage([{ endTime: sonioxNow() }]).map((entry) => entry.uuid));
			delivered.push(...uuids((await poller.poll()).items));
			await pause(5);
		}
		expect(delivered).toEqual(inserted);
	});

	it("delivers at once when n8n's clock is stepped back 30 minutes", async () => {
		const poller = trigger({ options: { backfillHours: 1 } });
		await poller.poll();
		emulator.config.clockOffsetMs = 30 * MINUTE;
		const ahead = emulator.insertUsage([{ endTime: Date.now() + 30 * MINUTE - 1000 }]);
		expect(uuids((await poller.poll()).items)).toEqual([ahead[0].uuid]);
		expect((await poller.poll()).items).toEqual([]);
	});
});

describe('Soniox Trigger: test events have the real shape', () => {
	const insertSpend = () =>
		emulator.insertUsage([
			{ endTime: Date.now() - 3000, clientReferenceId: 'acme-1', inputAudioDurationMs: 600_000 },
			{ endTime: Date.now() - 2000, clientReferenceId: 'acme-2' },
		]);

	it.each(['perClient', 'overall'])(
		'a spend alert (%s) looks like the alert an active workflow gets',
		async (alertScope) => {
			insertSpend();
			const real = await trigger({
				output: 'spendAlert',
				thresholdUsd: '0',
				alertScope,
				options: { backfillHours: 1 },
			}).poll();
			const test = await trigger({
				output: 'spendAlert',
				thresholdUsd: '1000',
				alertScope,
			}).poll('manual');
			expect(test.error).toBeUndefined();
			expect(test.items).toHaveLength(1);
			const [alert] = test.items;
			expect(Object.keys(alert.json)).toEqual(Object.keys(real.items[0].json));
			expect(alert.json.alert).toBe(real.items[0].json.alert);
			expect(alert.json.threshold_usd).toBe('1000.0000000000');
			const [crossed] = alert.json.crossed as Array<Record<string, unknown>>;
			expect(Object.keys(crossed)).toEqual(
				Object.keys((real.items[0].json.crossed as Array<Record<string, unknown>>)[0]),
			);
			if (alertScope === 'perClient') expect(crossed.client_reference_id).toBe('acme-1');
		},
	);

	it('a summary looks like the summary of a poll', async () => {
		insertSpend();
		const real = await trigger({ output: 'summary', options: { backfillHours: 1 } }).poll();
		const test = await trigger({ output: 'summary' }).poll('manual');
		expect(Object.keys(test.items[0].json)).toEqual(Object.keys(real.items[0].json));
		expect(test.items[0].json.entries).toBe(2);
	});
});
