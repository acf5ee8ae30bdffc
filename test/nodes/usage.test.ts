import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { presetWindow, type TimeRangePreset } from '../../nodes/Soniox/v1/helpers/timeRange';
import { startEmulator, type Emulator, type UsageInsert } from '../emulator';
import { emulatorCredentials, runNode, expectRequestsToConform } from '../harness';

type Entry = ReturnType<Emulator['ledger']>[number];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const COST_FIELDS = [
	'cost_usd',
	'input_cost_usd',
	'output_cost_usd',
	'input_text_cost_usd',
	'input_audio_cost_usd',
	'output_text_cost_usd',
	'output_audio_cost_usd',
] as const;

let emulator: Emulator;

beforeAll(async () => {
	emulator = await startEmulator();
});

afterEach(() => expectRequestsToConform(emulator));
afterAll(async () => {
	await emulator.close();
});

beforeEach(() => {
	emulator.reset();
	emulator.config.ingestionLagMs = 0;
});

async function usage(
	parameters: INodeParameters,
	options: { items?: INodeExecutionData[]; continueOnFail?: boolean } = {},
) {
	return await runNode({
		// Oldest first unless a test says otherwise, so expectations read in time order.
		parameters: {
			resource: 'usage',
			...(parameters.operation === 'getLogs' ? { sort: 'end_time_asc' } : {}),
			...parameters,
		},
		credentials: emulatorCredentials(emulator),
		...options,
	});
}

function insert(rows: UsageInsert[]): Entry[] {
	return emulator.insertUsage(rows);
}

const usageLogRequests = () =>
	emulator.requests().filter((request) => request.route === 'GET /v1/usage-logs');
const uuids = (items: INodeExecutionData[]) => items.map((item) => item.json.uuid as string);
const utcMidnight = (ms: number) => Math.floor(ms / DAY) * DAY;

/** Exact sum of 10-decimal strings, computed independently of the node's decimal helper. */
function exactSum(values: string[]): string {
	const units = values.reduce((sum, value) => {
		const negative = value.startsWith('-');
		const [whole, fraction = ''] = value.replace('-', '').split('.');
		const amount = BigInt(whole + fraction.padEnd(10, '0'));
		return sum + (negative ? -amount : amount);
	}, 0n);
	const digits = units.toString().padStart(11, '0');
	return `${digits.slice(0, -10)}.${digits.slice(-10)}`;
}

function groupLedger(key: (entry: Entry) => string): Map<string, Entry[]> {
	const groups = new Map<string, Entry[]>();
	for (const entry of emulator.ledger()) {
		const list = groups.get(key(entry)) ?? [];
		list.push(entry);
		groups.set(key(entry), list);
	}
	return groups;
}

describe('Usage → Get Logs', () => {
	it('lists newest first by default, so the entry just made is within the Limit', async () => {
		const now = Date.now();
		const rows = insert(
			Array.from({ length: 60 }, (_, index) => ({ endTime: now - HOUR + index * 1000 })),
		);
		const { items, error } = await runNode({
			parameters: { resource: 'usage', operation: 'getLogs', timeRange: 'last24Hours' },
			credentials: emulatorCredentials(emulator),
		});
		expect(error).toBeUndefined();
		expect(items).toHaveLength(50);
		expect(items[0].json.uuid).toBe(rows.at(-1)?.uuid);
	});

	it('returns every entry exactly once across pages (Return All)', async () => {
		const now = Date.now();
		await emulator.seedUsage({ count: 2500, clients: 7, start: now - 10 * DAY, end: now - HOUR });

		const { items, error } = await usage({
			operation: 'getLogs',
			timeRange: 'last30Days',
			returnAll: true,
			options: { concurrency: 1 },
		});

		expect(error).toBeUndefined();
		expect(items).toHaveLength(2500);
		expect(new Set(uuids(items)).size).toBe(2500);
		expect(uuids(items)).toEqual(emulator.ledger().map((entry) => entry.uuid));
		// 1000 + 1000 + 500; the emulator refuses a cursor reused with another window or sort.
		expect(usageLogRequests().map((request) => request.status)).toEqual([200, 200, 200]);
	});

	it('stops at the limit without reading further pages', async () => {
		const now = Date.now();
		await emulator.seedUsage({ count: 2500, clients: 3, start: now - 5 * DAY, end: now - HOUR });

		const { items } = await usage({
			operation: 'getLogs',
			timeRange: 'last7Days',
			returnAll: false,
			limit: 1500,
		});

		const expected = emulator.ledger().slice(0, 1500);
		expect(uuids(items)).toEqual(expected.map((entry) => entry.uuid));
		expect(usageLogRequests()).toHaveLength(2);
	});

	it('sorts newest first', async () => {
		const now = Date.now();
		await emulator.seedUsage({ count: 40, clients: 2, start: now - 12 * HOUR, end: now - HOUR });

		const { items } = await usage({
			operation: 'getLogs',
			timeRange: 'last24Hours',
			sort: 'end_time_desc',
			returnAll: false,
			limit: 5,
		});

		const newest = [...emulator.ledger()].reverse().slice(0, 5);
		expect(uuids(items)).toEqual(newest.map((entry) => entry.uuid));
	});

	it('resolves every preset to its UTC window', async () => {
		const now = Date.now();
		const today = utcMidnight(now);
		const thisMonth = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1);
		const lastMonth = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth() - 1, 1);
		const endTimes = [
			now - 30 * MINUTE,
			now - 90 * MINUTE,
			now - 23 * HOUR,
			now - 25 * HOUR,
			now - 6 * DAY,
			now - 8 * DAY,
			now - 29 * DAY,
			now - 31 * DAY,
			today, // the first instant of today: today, not yesterday
			today - 12 * HOUR, // yesterday noon
			thisMonth, // this month, not last month
			lastMonth, // first instant of last month
			lastMonth + 14 * DAY + 12 * HOUR,
		].filter((time) => time < now);
		const entries = insert(endTimes.map((endTime) => ({ endTime, clientReferenceId: 'c' })));
		const presets: TimeRangePreset[] = [
			'lastHour',
			'last24Hours',
			'today',
			'yesterday',
			'last7Days',
			'last30Days',
			'thisMonth',
			'lastMonth',
		];

		for (const timeRange of presets) {
			const { items, error } = await usage({ operation: 'getLogs', timeRange, returnAll: true });
			expect(error).toBeUndefined();
			const window = presetWindow(timeRange as Exclude<TimeRangePreset, 'custom'>, new Date());
			const expected = entries.filter((entry) => {
				const end = Date.parse(entry.end_time);
				return end >= window.start.getTime() && end < window.end.getTime();
			});
			expect({ timeRange, uuids: uuids(items).sort() }).toEqual({
				timeRange,
				uuids: expected.map((entry) => entry.uuid).sort(),
			});
		}
	});

	describe('filters', () => {
		let entries: Entry[];

		beforeEach(() => {
			const now = Date.now();
			const rows: Array<Omit<UsageInsert, 'endTime'>> = [
				{ clientReferenceId: 'acme/1', model: 'stt-async-v5', inputAudioDurationMs: 60_000 },
				{ clientReferenceId: 'acme/2', model: 'stt-rt-v5', kind: 'transcribe_websocket' },
				{ clientReferenceId: 'acme', model: 'stt-async-v5', inputAudioDurationMs: 600_000 },
				{ clientReferenceId: 'globex', model: 'tts-rt-v2', kind: 'tts_rest' },
				{ clientReferenceId: null, model: 'stt-async-v5', inputAudioDurationMs: 5_000 },
				{
					clientReferenceId: '',
					model: 'tts-rt-v2',
					kind: 'tts_websocket',
					requestScope: 'playground',
				},
			];
			entries = insert(
				rows.map((row, index) => ({ ...row, endTime: now - HOUR + index * MINUTE })),
			);
		});

		async function filtered(filters: Record<string, unknown>, limit?: number) {
			const { items, error } = await usage({
				operation: 'getLogs',
				timeRange: 'last24Hours',
				returnAll: limit === undefined,
				...(limit === undefined ? {} : { limit }),
				filters: filters as INodeParameters,
			});
			expect(error).toBeUndefined();
			return items.map((item) => item.json.client_reference_id);
		}

		it('keeps one client reference ID exactly', async () => {
			expect(await filtered({ clientReferenceId: 'acme' })).toEqual(['acme']);
			expect(
				await filtered({ clientReferenceId: 'acme/1', clientReferenceIdMatch: 'exact' }),
			).toEqual(['acme/1']);
		});

		it('keeps IDs by prefix, with the limit counting kept entries only', async () => {
			const prefix = { clientReferenceId: 'acme/', clientReferenceIdMatch: 'prefix' };
			expect(await filtered(prefix)).toEqual(['acme/1', 'acme/2']);
			expect(await filtered({ ...prefix, clientReferenceId: 'acme' })).toEqual([
				'acme/1',
				'acme/2',
				'acme',
			]);
			expect(await filtered({ ...prefix, clientReferenceId: 'acme' }, 2)).toEqual([
				'acme/1',
				'acme/2',
			]);
		});

		it('keeps entries without an ID', async () => {
			expect(await filtered({ clientReferenceIdMatch: 'none' })).toEqual(['', '']);
		});

		it('keeps models, request scopes and the kinds derived from the model', async () => {
			expect(await filtered({ models: 'stt-rt-v5, tts-rt-v2' })).toEqual(['acme/2', 'globex', '']);
			expect(await filtered({ requestScopes: ['playground'] })).toEqual(['']);
			expect(await filtered({ requestScopes: ['api'] })).toHaveLength(5);
			expect(await filtered({ requestKinds: ['speech_synthesis'] })).toEqual(['globex', '']);
			expect(await filtered({ requestKinds: ['real_time_transcription'] })).toEqual(['acme/2']);
			expect(await filtered({ requestKinds: ['async_transcription'] })).toEqual([
				'acme/1',
				'acme',
				'',
			]);
		});

		it('groups entries of all four kinds by the kind derived from the model', async () => {
			const { items, error } = await usage({
				operation: 'aggregate',
				timeRange: 'last24Hours',
				groupBy: ['request_kind'],
				sortBy: 'groupAsc',
			});
			expect(error).toBeUndefined();
			const rows = items.map(({ json }) => [json.request_kind, json.request_count]);
			expect(rows.sort()).toEqual([
				['async_transcription', 3],
				['real_time_transcription', 1],
				['speech_synthesis', 2],
			]);
		});

		it('keeps entries costing at least the minimum, compared exactly', async () => {
			const threshold = entries[0].cost_usd; // acme/1, one minute of async audio
			const { items } = await usage({
				operation: 'getLogs',
				timeRange: 'last24Hours',
				returnAll: true,
				filters: { minCostUsd: Number(threshold) },
			});
			const atLeast = entries.filter(
				(entry) => BigInt(entry.cost_usd.replace('.', '')) >= BigInt(threshold.replace('.', '')),
			);
			expect(uuids(items)).toEqual(atLeast.map((entry) => entry.uuid));
			expect(uuids(items)).toContain(entries[0].uuid);
			expect(uuids(items)).not.toContain(entries[4].uuid);
		});

		it('refuses a prefix filter without a value before calling Soniox', async () => {
			const { error } = await usage({
				operation: 'getLogs',
				timeRange: 'last24Hours',
				returnAll: true,
				filters: { clientReferenceIdMatch: 'prefix' },
			});
			expect(error?.message).toBe('Filters: Client Reference ID is empty');
			expect(usageLogRequests()).toHaveLength(0);
		});
	});

	it('reads a custom range longer than 31 days as consecutive windows', async () => {
		const now = Date.now();
		const entries = insert(
			[75, 62, 40, 31, 5].map((days) => ({ endTime: now - days * DAY, clientReferenceId: 'c' })),
		);
		const parameters = {
			operation: 'getLogs',
			timeRange: 'custom',
			startTime: new Date(now - 80 * DAY).toISOString(),
			endTime: new Date(now).toISOString(),
			returnAll: true,
		};

		const ascending = await usage(parameters);
		expect(ascending.error).toBeUndefined();
		expect(uuids(ascending.items)).toEqual(entries.map((entry) => entry.uuid));
		// 80 days = 31 + 31 + 18; each window was accepted (the emulator refuses > 31 days).
		expect(usageLogRequests().map((request) => request.status)).toEqual([200, 200, 200]);

		const descending = await usage({ ...parameters, sort: 'end_time_desc' });
		expect(uuids(descending.items)).toEqual(entries.map((entry) => entry.uuid).reverse());
	});

	it('refuses a start more than 91 days ago before sending anything', async () => {
		const now = Date.now();
		const { error, items } = await usage({
			operation: 'getLogs',
			timeRange: 'custom',
			startTime: new Date(now - 92 * DAY).toISOString(),
			endTime: new Date(now - 80 * DAY).toISOString(),
			returnAll: true,
		});
		expect(items).toHaveLength(0);
		expect(error?.message).toMatch(
			/^Cannot read usage logs: the start .* is more than 91 days ago/,
		);
		expect(error?.description).toMatch(/starts within the last 91 days/);
		expect(emulator.requests()).toHaveLength(0);
	});

	it('refuses an end before the start', async () => {
		const { error } = await usage({
			operation: 'getLogs',
			timeRange: 'custom',
			startTime: '2026-03-02T00:00:00',
			endTime: '2026-03-01T00:00:00',
			returnAll: true,
		});
		expect(error?.message).toBe(
			'End (2026-03-01T00:00:00Z) must be after Start (2026-03-02T00:00:00Z)',
		);
		expect(emulator.requests()).toHaveLength(0);
	});

	it('survives a 500 in the middle of pagination (the GET is retried)', async () => {
		const now = Date.now();
		await emulator.seedUsage({ count: 2500, clients: 5, start: now - 3 * DAY, end: now - HOUR });
		// The first page passes; the second fails once, then the retry succeeds.
		emulator.faults.arm({ route: 'GET /v1/usage-logs', latencyMs: 1 });
		emulator.faults.arm({ route: 'GET /v1/usage-logs', statuses: [500] });

		const { items, error } = await usage({
			operation: 'getLogs',
			timeRange: 'last7Days',
			returnAll: true,
			options: { concurrency: 1 },
		});

		expect(error).toBeUndefined();
		expect(uuids(items)).toEqual(emulator.ledger().map((entry) => entry.uuid));
		expect(usageLogRequests().map((request) => request.status)).toEqual([200, 500, 200, 200]);
	});

	it('gives a clear error when Soniox keeps failing', async () => {
		emulator.faults.arm({ route: 'GET /v1/usage-logs', statuses: [500], times: 100 });

		const { error } = await usage({
			operation: 'getLogs',
			timeRange: 'lastHour',
			returnAll: true,
		});

		expect(error?.message).toMatch(/^Soniox had a server error: /);
		expect(error?.description).toMatch(/Run again/);
		expect(usageLogRequests().length).toBeGreaterThan(1);
	}, 60_000);

	it('pairs output with input items and continues on failure', async () => {
		const now = Date.now();
		insert([
			{ endTime: now - 2 * HOUR, clientReferenceId: 'a' },
			{ endTime: now - HOUR, clientReferenceId: 'b' },
			{ endTime: now - 30 * MINUTE, clientReferenceId: 'a' },
		]);
		const parameters = {
			operation: 'getLogs',
			timeRange: 'custom',
			startTime: '={{ $json.start }}',
			endTime: '',
			returnAll: true,
			filters: { clientReferenceId: '={{ $json.customer }}' },
		};
		const items = [
			{ json: { customer: 'b', start: new Date(now - DAY).toISOString() } },
			{ json: { customer: 'a', start: new Date(now - 100 * DAY).toISOString() } },
			{ json: { customer: 'a', start: new Date(now - DAY).toISOString() } },
		];

		const run = await usage(parameters, { items, continueOnFail: true });

		expect(run.error).toBeUndefined();
		expect(
			run.items.map((item) => [
				(item.pairedItem as { item: number }).item,
				item.json.client_reference_id ?? item.json.error,
			]),
		).toEqual([
			[0, 'b'],
			[1, expect.stringMatching(/more than 91 days ago/)],
			[2, 'a'],
			[2, 'a'],
		]);

		emulator.reset();
		const stopped = await usage(parameters, { items });
		expect(stopped.error?.message).toMatch(/more than 91 days ago/);
		// Item 0 was read; item 2 was never sent after item 1 failed.
		expect(usageLogRequests()).toHaveLength(1);
	});
});

describe('Usage → Get Summary', () => {
	const dayMs = (offset: number) => utcMidnight(Date.now()) - offset * DAY;
	const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
	let window: { startTime: string; endTime: string };

	beforeEach(() => {
		// Three whole UTC days before today; the middle one is idle.
		insert([
			{ endTime: dayMs(3) + 10 * HOUR, model: 'stt-async-v5', clientReferenceId: 'a' },
			{ endTime: dayMs(3) + 11 * HOUR, model: 'stt-async-v5', clientReferenceId: 'b' },
			{ endTime: dayMs(3) + 12 * HOUR, model: 'stt-rt-v5', kind: 'transcribe_websocket' },
			{ endTime: dayMs(1) + 9 * HOUR, model: 'stt-rt-v5', kind: 'transcribe_websocket' },
			{ endTime: dayMs(0) + 1, model: 'stt-async-v5' }, // today: outside the window
		]);
		window = {
			startTime: new Date(dayMs(3)).toISOString(),
			endTime: new Date(dayMs(0)).toISOString(),
		};
	});

	const inWindowOf = (day: number, model?: string) =>
		emulator
			.ledger()
			.filter(
				(entry) =>
					Date.parse(entry.end_time) >= dayMs(day) &&
					Date.parse(entry.end_time) < dayMs(day - 1) &&
					(model === undefined || entry.model === model),
			);

	it('returns the raw summary as one item', async () => {
		const { items, error } = await usage({
			operation: 'getSummary',
			timeRange: 'custom',
			...window,
			output: 'raw',
		});
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		const summary = items[0].json as { total: Record<string, unknown>; models: unknown[] };
		expect(summary.total.days).toEqual([isoDay(dayMs(3)), isoDay(dayMs(2)), isoDay(dayMs(1))]);
		expect(summary.models).toHaveLength(2);
		const inWindow = [...inWindowOf(3), ...inWindowOf(1)];
		expect(summary.total.total_cost_usd).toBe(exactSum(inWindow.map((entry) => entry.cost_usd)));
	});

	it('returns one item per day and model, with exact costs', async () => {
		const { items } = await usage({
			operation: 'getSummary',
			timeRange: 'custom',
			...window,
		});
		const rows = items.map((item) => item.json);
		expect(rows.map((row) => [row.day, row.model, row.num_requests])).toEqual([
			[isoDay(dayMs(3)), 'stt-async-v5', 2],
			[isoDay(dayMs(3)), 'stt-rt-v5', 1],
			[isoDay(dayMs(1)), 'stt-rt-v5', 1],
		]);
		for (const row of rows) {
			const day = Math.round(
				(utcMidnight(Date.now()) - Date.parse(`${row.day as string}T00:00:00Z`)) / DAY,
			);
			const entries = inWindowOf(day, row.model as string);
			expect(row.cost_usd).toBe(exactSum(entries.map((entry) => entry.cost_usd)));
			expect(row.input_cost_usd).toBe(exactSum(entries.map((entry) => entry.input_cost_usd)));
			expect(row.input_audio_duration_ms).toBe(
				entries.reduce((sum, entry) => sum + entry.input_audio_duration_ms, 0),
			);
		}
	});

	it('returns one item per day, idle days on request', async () => {
		const run = (includeIdleDays: boolean) =>
			usage({
				operation: 'getSummary',
				timeRange: 'custom',
				...window,
				output: 'perDay',
				includeIdleDays,
			});
		const busy = (await run(false)).items.map((item) => [item.json.day, item.json.num_requests]);
		expect(busy).toEqual([
			[isoDay(dayMs(3)), 3],
			[isoDay(dayMs(1)), 1],
		]);
		const all = (await run(true)).items.map((item) => [item.json.day, item.json.cost_usd]);
		expect(all[1]).toEqual([isoDay(dayMs(2)), '0.0000000000']);
		expect(all).toHaveLength(3);
	});

	it('refuses more than 366 days before sending anything', async () => {
		const { error } = await usage({
			operation: 'getSummary',
			timeRange: 'custom',
			startTime: '2025-01-01T00:00:00Z',
			endTime: '2026-01-03T00:00:00Z',
		});
		expect(error?.message).toBe(
			'The time range touches 367 UTC days; Soniox summarizes at most 366',
		);
		expect(emulator.requests()).toHaveLength(0);
	});
});

describe('Usage → Aggregate', () => {
	beforeEach(async () => {
		const now = Date.now();
		await emulator.seedUsage({
			count: 2500,
			clients: 6,
			start: now - 20 * DAY,
			end: now - HOUR,
			withoutClientShare: 0.1,
		});
	});

	it('totals every customer exactly, with an untagged group ("", marked missing), most expensive first', async () => {
		const { items, error } = await usage({ operation: 'aggregate', timeRange: 'last30Days' });

		expect(error).toBeUndefined();
		const expected = groupLedger((entry) => entry.client_reference_id);
		expect(items).toHaveLength(expected.size);
		const untagged = items.filter((item) => item.json.client_reference_id === '');
		expect(untagged.map((item) => item.json.client_reference_id_missing)).toEqual([true]);
		for (const { json: row } of items) {
			if (row.client_reference_id !== '')
				expect(row).not.toHaveProperty('client_reference_id_missing');
			const entries = expected.get(row.client_reference_id as string) ?? [];
			expect(row.request_count).toBe(entries.length);
			expect(row.total_cost_usd).toBe(exactSum(entries.map((entry) => entry.cost_usd)));
			for (const field of COST_FIELDS.slice(1)) {
				expect(row[`total_${field}`]).toBe(exactSum(entries.map((entry) => entry[field])));
			}
			expect(row.total_input_audio_duration_ms).toBe(
				entries.reduce((sum, entry) => sum + entry.input_audio_duration_ms, 0),
			);
		}
		const costs = items.map((item) =>
			BigInt((item.json.total_cost_usd as string).replace('.', '')),
		);
		expect([...costs].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0))).toEqual(costs);
		const total = exactSum(items.map((item) => item.json.total_cost_usd as string));
		expect(total).toBe(exactSum(emulator.ledger().map((entry) => entry.cost_usd)));
	});

	it.each([
		['chosen in the editor', ['model', 'day']],
		['mapped as text', '={{ "model, day" }}'],
	])('groups by model and UTC day (%s)', async (_how, groupBy) => {
		const { items } = await usage({
			operation: 'aggregate',
			timeRange: 'last30Days',
			groupBy,
			options: { sortBy: 'groupAsc' },
		});
		const expected = groupLedger((entry) => `${entry.model}|${entry.end_time.slice(0, 10)}`);
		expect(items.map((item) => `${item.json.model}|${item.json.day}`)).toEqual(
			[...expected.keys()].sort(),
		);
		for (const { json: row } of items) {
			const entries = expected.get(`${row.model}|${row.day}`) ?? [];
			expect(row.total_cost_usd).toBe(exactSum(entries.map((entry) => entry.cost_usd)));
			expect(row.request_count).toBe(entries.length);
		}
	});

	it('applies filters and a markup for invoicing', async () => {
		const { items } = await usage({
			operation: 'aggregate',
			timeRange: 'last30Days',
			groupBy: [],
			filters: { clientReferenceId: 'customer_0002' },
			options: { markup: '1.5', billableDecimals: 2 },
		});
		const entries = emulator.ledger().filter((e) => e.client_reference_id === 'customer_0002');
		const cost = exactSum(entries.map((entry) => entry.cost_usd));
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({ request_count: entries.length, total_cost_usd: cost });
		const units = BigInt(cost.replace('.', '')) * 15n; // 11 decimals
		const cents = (units + 500_000_000n) / 1_000_000_000n;
		expect(items[0].json.billable_amount_usd).toBe(
			`${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`,
		);
		expect(items[0].json.period_start).toEqual(expect.any(String));
	});

	it('refuses a markup that is not a number', async () => {
		const { error } = await usage({
			operation: 'aggregate',
			timeRange: 'last30Days',
			options: { markup: '25%' },
		});
		expect(error?.message).toBe('Options: Markup Multiplier "25%" is not a number');
		expect(usageLogRequests()).toHaveLength(0);
	});
});
