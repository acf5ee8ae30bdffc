// Usage → Aggregate from Soniox's daily summary: the same exact numbers as totalling the logs,
// on the same data, in one request; and the logs whenever the summary cannot answer exactly.
import type { INodeParameters } from 'n8n-workflow';

import { startEmulator, type Emulator } from '../emulator';
import { DURATION_BILLED_MODEL } from '../emulator/pricing';
import { emulatorCredentials, expectRequestsToConform, runNode } from '../harness';

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
});

const today = () => Math.floor(Date.now() / DAY) * DAY;
const routes = () => emulator.requests().map((request) => request.route);

async function aggregate(parameters: INodeParameters) {
	const run = await runNode({
		parameters: { resource: 'usage', operation: 'aggregate', ...parameters },
		credentials: emulatorCredentials(emulator),
	});
	expect(run.error).toBeUndefined();
	return run.items.map((item) => item.json);
}

/** Three days of every kind, with entries on the days' edges and one without an ID. */
function insertDays() {
	const first = today() - 3 * DAY;
	emulator.insertUsage([
		{ endTime: first, clientReferenceId: 'acme', inputAudioDurationMs: 61_234 },
		{ endTime: first + DAY - 1, clientReferenceId: 'acme', kind: 'tts_rest', inputTextTokens: 77 },
		{ endTime: first + DAY, clientReferenceId: null, kind: 'transcribe_websocket' },
		{ endTime: first + DAY + HOUR, clientReferenceId: 'globex', inputAudioDurationMs: 7_000 },
		{ endTime: first + 2 * DAY + 5, clientReferenceId: 'globex', kind: 'tts_websocket' },
		{ endTime: first + 2 * DAY + 9, clientReferenceId: 'acme', requestScope: 'playground' },
		// Outside the three days: before them and today.
		{ endTime: first - 1, clientReferenceId: 'acme' },
		{ endTime: today() + 1, clientReferenceId: 'acme' },
	]);
	return { start: new Date(first).toISOString(), end: new Date(today()).toISOString() };
}

const withoutSource = (rows: Array<Record<string, unknown>>) =>
	rows.map(({ source: _source, ...rest }) => rest);

describe('Usage → Aggregate from the daily summary', () => {
	it.each([[[]], [['model']], [['day']], [['model', 'day']], [['day', 'model']]])(
		'gives exactly what the logs give, grouped by %j, in one request',
		async (groupBy) => {
			const { start, end } = insertDays();
			const common = {
				timeRange: 'custom',
				startTime: start,
				endTime: end,
				groupBy,
			};
			const fromSummary = await aggregate({ ...common, options: { totals: 'core' } });
			expect(routes()).toEqual(['GET /v1/usage/summary']);
			const before = routes().length;
			const fromLogs = await aggregate({
				...common,
				options: { totals: 'core', source: 'logs' },
			});
			const logRoutes = routes().slice(before);
			expect(logRoutes.length).toBeGreaterThan(0);
			expect(logRoutes.every((route) => route === 'GET /v1/usage-logs')).toBe(true);

			expect(fromSummary.map((row) => row.source)).toEqual(fromSummary.map(() => 'summary'));
			expect(fromLogs.map((row) => row.source)).toEqual(fromLogs.map(() => 'logs'));
			expect(withoutSource(fromSummary)).toEqual(withoutSource(fromLogs));
			expect(fromSummary.length).toBeGreaterThan(0);
			expect(fromSummary[0]).not.toHaveProperty('total_input_audio_cost_usd');
			expect(fromSummary[0]).not.toHaveProperty('first_end_time');
			expect(typeof fromSummary[0].total_cost_usd_number).toBe('number');
		},
	);

	it('filters by model from the summary too, with the same totals as the logs', async () => {
		const { start, end } = insertDays();
		const parameters = {
			timeRange: 'custom',
			startTime: start,
			endTime: end,
			groupBy: [],
			filters: { models: 'stt-rt-v5, tts-rt-v2' },
		};
		const fromSummary = await aggregate({ ...parameters, options: { totals: 'core' } });
		const fromLogs = await aggregate({
			...parameters,
			options: { totals: 'core', source: 'logs' },
		});
		expect(fromSummary[0].source).toBe('summary');
		expect(withoutSource(fromSummary)).toEqual(withoutSource(fromLogs));
		expect(fromSummary[0].request_count).toBeGreaterThan(0);
	});

	it.each<[string, INodeParameters]>([
		['all totals (text/audio split, end times)', { options: {} }],
		['a group by customer', { groupBy: ['client_reference_id'], options: { totals: 'core' } }],
		['a group by request scope', { groupBy: ['request_scope'], options: { totals: 'core' } }],
		['a group by request kind', { groupBy: ['request_kind'], options: { totals: 'core' } }],
		[
			'a filter the summary does not have',
			{ filters: { requestScopes: ['api'] }, options: { totals: 'core' } },
		],
		['the order of first requests', { options: { totals: 'core', sortBy: 'firstSeen' } }],
		['a range that is not whole UTC days', { timeRange: 'today', options: { totals: 'core' } }],
		['the logs forced', { options: { totals: 'core', source: 'logs' } }],
	])('reads the logs for %s', async (_, parameters) => {
		const { start, end } = insertDays();
		const rows = await aggregate({
			timeRange: 'custom',
			startTime: start,
			endTime: end,
			groupBy: ['model'],
			...parameters,
		});
		expect(rows.every((row) => row.source === 'logs')).toBe(true);
		expect(routes()).not.toContain('GET /v1/usage/summary');
	});

	it('answers from the summary for ranges older than the logs keep', async () => {
		emulator.insertUsage([{ endTime: today() - 200 * DAY + HOUR, clientReferenceId: 'old' }]);
		const rows = await aggregate({
			timeRange: 'custom',
			startTime: new Date(today() - 200 * DAY).toISOString(),
			endTime: new Date(today() - 199 * DAY).toISOString(),
			groupBy: [],
			options: { totals: 'core' },
		});
		expect(rows).toMatchObject([{ source: 'summary', request_count: 1 }]);
	});

	it('reads the logs, after one look at the summary, when it holds cost billed by session duration', async () => {
		const { start, end } = insertDays();
		// A model billed by session duration: 90 s from start to end on the second day.
		const sessionEnd = Date.parse(start) + DAY + 2 * HOUR;
		const [session] = emulator.insertUsage([
			{
				startTime: sessionEnd - 90_000,
				endTime: sessionEnd,
				clientReferenceId: 'acme',
				model: DURATION_BILLED_MODEL,
				kind: 'transcribe_websocket',
			},
		]);
		const summary = (await (
			await fetch(`${emulator.baseUrl}/v1/usage/summary?start_time=${start}&end_time=${end}`, {
				headers: { authorization: `Bearer ${emulator.apiKey}` },
			})
		).json()) as { models: Array<Record<string, unknown>> };
		const billed = summary.models.find((entry) => entry.model === DURATION_BILLED_MODEL)!;
		expect(billed.total_duration_ms).toBe(90_000);
		expect(billed.total_duration_cost_usd).not.toBe('0.0000000000');
		// The log entry has no duration field: its cost holds the duration cost.
		expect(billed.total_cost_usd).toBe(session.cost_usd);

		const common = { timeRange: 'custom', startTime: start, endTime: end };
		for (const groupBy of [[], ['model'], ['day']]) {
			const before = routes().length;
			const rows = await aggregate({ ...common, groupBy, options: { totals: 'core' } });
			const asked = routes().slice(before);
			// One look at the summary, then the logs, totalled exactly as with the logs forced.
			expect(asked[0]).toBe('GET /v1/usage/summary');
			expect(asked.slice(1).length).toBeGreaterThan(0);
			expect(asked.slice(1).every((route) => route === 'GET /v1/usage-logs')).toBe(true);
			expect(rows.every((row) => row.source === 'logs')).toBe(true);
			const fromLogs = await aggregate({
				...common,
				groupBy,
				options: { totals: 'core', source: 'logs' },
			});
			expect(rows).toEqual(fromLogs);
		}
		const [total] = await aggregate({ ...common, groupBy: [], options: { totals: 'core' } });
		const all = emulator
			.ledger()
			.filter((entry) => entry.end_time >= start && entry.end_time < end);
		expect(total.request_count).toBe(all.length);
		expect(all.map((entry) => entry.uuid)).toContain(session.uuid);
	});
});
