import { startEmulator, type Emulator } from '../emulator';
import type { UsagePattern } from '../emulator/seed';
import { emulatorCredentials, expectRequestsToConform } from '../harness';
import { TriggerHarness } from '../harness/poll';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator();
});
afterEach(() => expectRequestsToConform(emulator));
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const MINUTE = 60_000;
const WINDOW = 5 * MINUTE;
const CLIENTS = ['acme', 'globex', 'initech'];

/** Alerts at $0.05 or 20 requests a window; normal traffic is ~$0.02 and 10 requests. */
const trigger = (parameters: Record<string, unknown> = {}) =>
	new TriggerHarness(
		{
			event: 'newUsageLogEntry',
			output: 'usageAnomaly',
			anomalyWindowMinutes: 5,
			anomalyBaselineWindows: 24,
			anomalyMinCostUsd: '0.05',
			anomalyMinRequests: 20,
			anomalyLoopRequestsPerMinute: 30,
			anomalyCooldownMinutes: 60,
			...parameters,
		},
		emulatorCredentials(emulator),
	);

type Item = { json: Record<string, unknown> };
const kinds = (items: Item[]) =>
	items.map((item) => [item.json.alert, item.json.client_reference_id]);

/** The start of the window after the current one, on Soniox's clock. */
const nextWindow = () => Math.floor(Date.now() / WINDOW) * WINDOW + WINDOW;

/** Each client one request every 30 s over `start`..`end`, visible now. */
function normal(start: number, end: number, clients = CLIENTS) {
	return emulator.insertUsagePattern({
		pattern: 'normal',
		clients,
		start,
		end,
		everyMs: 30_000,
		visibleAt: Date.now(),
	});
}

/** A trigger that has learned two hours of normal traffic on its first poll. */
async function learnedTrigger(parameters: Record<string, unknown> = {}) {
	normal(Date.now() - 130 * MINUTE, Date.now() - 1000);
	const poller = trigger(parameters);
	const first = await poller.poll();
	expect(first).toEqual({ items: [] });
	return poller;
}

/** Normal traffic in window `index` after the current one, and the poll that reads it. */
async function normalWindow(poller: TriggerHarness, index: number) {
	const start = nextWindow() + index * WINDOW;
	normal(start + 1000, start + WINDOW - 1000);
	return (await poller.poll()).items;
}

/** An anomaly in the middle of window `index` after the current one, visible now. */
function anomaly(index: number, pattern: Omit<UsagePattern, 'at'>) {
	const at = nextWindow() + index * WINDOW + WINDOW / 2;
	return emulator.insertUsagePattern({ spreadMs: 10_000, visibleAt: Date.now(), ...pattern, at });
}

describe('Soniox Trigger: usage anomaly alerts', () => {
	it('learns from history on its first activation and never alerts on normal traffic', async () => {
		const poller = await learnedTrigger();
		const state = poller.state()['node:Soniox Trigger'] as { usageAnomaly: { clients: object } };
		expect(Object.keys(state.usageAnomaly.clients).sort()).toEqual(CLIENTS.map((id) => `=${id}`));
		for (let index = 0; index < 12; index++) expect(await normalWindow(poller, index)).toEqual([]);
	});

	it('alerts once for a spend spike of one customer, saying why', async () => {
		const poller = await learnedTrigger();
		expect(await normalWindow(poller, 0)).toEqual([]);
		const spike = anomaly(1, { pattern: 'spike', clientReferenceId: 'globex', requests: 5 });
		const items = await normalWindow(poller, 1);
		expect(kinds(items)).toEqual([['usage_spike', 'globex']]);
		const [{ json }] = items;
		const windowStart = nextWindow() + WINDOW;
		expect(json).toMatchObject({
			window_start: new Date(windowStart).toISOString(),
			window_end: new Date(windowStart + WINDOW).toISOString(),
			window_minutes: 5,
			method: 'factor',
			threshold: 5,
			jumped: ['cost'],
			baseline: { statistic: 'mean', windows: 24 },
		});
		const observed = json.observed as { cost_usd: string; requests: number };
		const windowEntries = emulator
			.ledger()
			.filter((entry) => entry.client_reference_id === 'globex')
			.filter((entry) => Math.floor(Date.parse(entry.end_time) / WINDOW) * WINDOW === windowStart);
		expect(observed.requests).toBe(windowEntries.length);
		expect(windowEntries.map((entry) => entry.uuid)).toEqual(
			expect.arrayContaining(spike.map((entry) => entry.uuid)),
		);
		expect(json.why).toMatch(
			/^globex spent \$[\d.]+ in \d+ requests in the 5 minutes from \d\d:\d\d UTC: spend [\d.]+× its mean of \$[\d.]+ per window over the previous 24 windows$/,
		);
		for (let index = 2; index < 8; index++) expect(await normalWindow(poller, index)).toEqual([]);
	});

	it('alerts once for a client reference ID it has never seen', async () => {
		const poller = await learnedTrigger();
		anomaly(0, { pattern: 'newClientReferenceId', clientReferenceId: 'leaked-key' });
		expect(kinds(await normalWindow(poller, 0))).toEqual([
			['new_client_reference_id', 'leaked-key'],
		]);
		anomaly(1, { pattern: 'newClientReferenceId', clientReferenceId: 'leaked-key' });
		expect(await normalWindow(poller, 1)).toEqual([]);
	});

	it('alerts once for usage without a client reference ID', async () => {
		const poller = await learnedTrigger();
		anomaly(0, { pattern: 'untagged' });
		const items = await normalWindow(poller, 0);
		expect(kinds(items)).toEqual([['untagged_usage', '']]);
		expect(items[0].json.client_reference_id_missing).toBe(true);
		expect(items[0].json.why).toMatch(
			/^Usage without a client reference ID: \$[\d.]+ in 25 requests in the 5 minutes from .* after none in the previous 24 windows$/,
		);
		expect(await normalWindow(poller, 1)).toEqual([]);
	});

	it('alerts once for a request loop, not as a spike beside it', async () => {
		const poller = await learnedTrigger();
		anomaly(0, { pattern: 'loop', clientReferenceId: 'initech', requests: 300, spreadMs: MINUTE });
		const items = await normalWindow(poller, 0);
		expect(kinds(items)).toEqual([['request_loop', 'initech']]);
		expect(items[0].json).toMatchObject({ threshold: 30, factor: null, score: null });
		anomaly(1, { pattern: 'loop', clientReferenceId: 'initech', requests: 300, spreadMs: MINUTE });
		expect(await normalWindow(poller, 1)).toEqual([]);
	});

	it('holds the cooldown: a second spike within it is quiet, one after it alerts', async () => {
		const poller = await learnedTrigger({ anomalyCooldownMinutes: 15 });
		const spike = { pattern: 'spike', clientReferenceId: 'acme', requests: 5 } as const;
		anomaly(0, spike);
		expect(kinds(await normalWindow(poller, 0))).toEqual([['usage_spike', 'acme']]);
		anomaly(2, spike);
		expect(await normalWindow(poller, 2)).toEqual([]);
		anomaly(3, { ...spike, requests: 15 });
		expect(kinds(await normalWindow(poller, 3))).toEqual([['usage_spike', 'acme']]);
	});

	it('judges by the robust score when chosen', async () => {
		const poller = await learnedTrigger({ anomalyMethod: 'robustScore', anomalySpikeScore: 8 });
		anomaly(0, { pattern: 'spike', clientReferenceId: 'acme', requests: 5 });
		const items = await normalWindow(poller, 0);
		expect(kinds(items)).toEqual([['usage_spike', 'acme']]);
		expect(items[0].json).toMatchObject({ method: 'robustScore', threshold: 8, factor: null });
		expect((items[0].json.score as { cost_usd: number }).cost_usd).toBeGreaterThanOrEqual(8);
	});

	it('a failed poll moves neither the entries nor the baseline: the alert comes once, next poll', async () => {
		const poller = await learnedTrigger();
		const before = poller.state();
		anomaly(0, { pattern: 'spike', clientReferenceId: 'acme', requests: 5 });
		emulator.faults.arm({ route: 'GET /v1/usage-logs', statuses: [429], retryAfterSeconds: 3600 });
		const failed = await poller.poll();
		expect(failed.error?.message).toMatch(/^A Soniox limit was reached: /);
		expect(poller.state()).toEqual(before);
		poller.restart();
		expect(kinds((await poller.poll()).items)).toEqual([['usage_spike', 'acme']]);
		expect((await poller.poll()).items).toEqual([]);
	});

	it('keeps its state bounded: at most the IDs it may remember, buckets within the baseline', async () => {
		const poller = await learnedTrigger({
			anomalyMaxClientReferenceIds: 10,
			anomalyMinRequests: 1000,
			anomalyMinCostUsd: '1000',
		});
		for (let index = 0; index < 6; index++) {
			const start = nextWindow() + index * WINDOW;
			const ids = Array.from({ length: 8 }, (_, id) => `tenant-${index}-${id}`);
			normal(start + 1000, start + WINDOW - 1000, ids);
			expect((await poller.poll()).items).toEqual([]);
		}
		const { usageAnomaly } = poller.state()['node:Soniox Trigger'] as {
			usageAnomaly: { clients: Record<string, { buckets: unknown[] }> };
		};
		const ids = Object.keys(usageAnomaly.clients);
		expect(ids).toHaveLength(10);
		expect(ids.filter((id) => id.startsWith('=tenant-5-'))).toHaveLength(8);
		for (const record of Object.values(usageAnomaly.clients)) {
			// The baseline windows, the current one, and the look-back's (15 minutes: 3 windows).
			expect(record.buckets.length).toBeLessThanOrEqual(24 + 1 + 3);
		}
	});

	it('fetches a test event with the shape of a real alert, without touching the state', async () => {
		const poller = await learnedTrigger();
		anomaly(0, { pattern: 'newClientReferenceId', clientReferenceId: 'leaked-key' });
		const before = poller.state();
		const test = await poller.poll('manual');
		expect(test.error).toBeUndefined();
		expect(poller.state()).toEqual(before);
		const real = await normalWindow(poller, 0);
		expect(test.items).toHaveLength(1);
		expect(Object.keys(test.items[0].json)).toEqual(Object.keys(real[0].json));
		expect(test.items[0].json.alert).toBe('new_client_reference_id');
	});

	it.each([
		[{ anomalyWindowMinutes: 0 }, 'Window (Minutes) must be a whole number from 1 to 1440, not 0'],
		[
			{ anomalyDetections: '={{ "spikes" }}' },
			'Detect may hold only newClientReferenceId, requestLoop, spike, untaggedUsage, not "spikes"',
		],
		[
			{ anomalyMethod: '={{ "zscore" }}' },
			'Spike Method must be factor or robustScore, not "zscore"',
		],
		[{ anomalySpikeFactor: 1 }, 'Spike Factor must be a number from 1.1 to 1000, not 1'],
		[{ anomalyMinCostUsd: 'lots' }, 'Minimum Spend (USD) "lots" is not a number'],
		[
			{ anomalyBaselineWindows: 100 },
			'Baseline Windows must be a whole number from 4 to 48, not 100',
		],
	])('refuses %j before reading anything', async (parameters, message) => {
		const poller = trigger(parameters);
		const { error } = await poller.poll();
		expect(error?.message).toBe(message);
		expect(emulator.requests()).toHaveLength(0);
		expect(poller.state()['node:Soniox Trigger']).toBeUndefined();
	});
});
