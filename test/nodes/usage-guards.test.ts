// The usage operations' promises under attack: time windows that would page for ever or read
// nothing, amounts of any size, an ID that reads "(none)", malformed data from Soniox, and
// choice fields set by expressions.
import type { INodeParameters } from 'n8n-workflow';

import { startEmulator, type Emulator } from '../emulator';
import { emulatorCredentials, runNode, expectRequestsToConform } from '../harness';
import { startUsageRewritingProxy } from './usage-fixtures';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator();
});
afterEach(() => expectRequestsToConform(emulator));
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const usage = (parameters: INodeParameters, restUrl?: string) =>
	runNode({
		parameters: { resource: 'usage', ...parameters },
		credentials: { ...emulatorCredentials(emulator), ...(restUrl ? { restUrl } : {}) },
	});
const sent = () =>
	emulator.requests().filter((request) => request.route.startsWith('GET /v1/usage'));

describe('Usage: time windows are bounded', () => {
	const start = new Date(Date.now() - DAY).toISOString();
	const in2026 = Date.parse('2026-11-01T00:00:00Z');

	it.each([
		['epoch microseconds', in2026 * 1000, 'It looks like epoch microseconds: divide it by 1,000.'],
		[
			'epoch nanoseconds',
			in2026 * 1_000_000,
			'It looks like epoch nanoseconds: divide it by 1,000,000.',
		],
	])('refuses an End in %s before sending anything', async (_unit, end, hint) => {
		for (const operation of ['getLogs', 'aggregate', 'getSummary']) {
			const { error } = await usage({
				operation,
				timeRange: 'custom',
				startTime: start,
				endTime: `={{ ${end} }}`,
				returnAll: true,
			});
			expect(error?.message).toMatch(/^End is .*, outside the times Soniox can have usage for/);
			expect(error?.message).toContain(hint);
		}
		expect(sent()).toHaveLength(0);
	});

	it('refuses a Start in epoch seconds, saying so', async () => {
		const { error } = await usage({
			operation: 'aggregate',
			timeRange: 'custom',
			startTime: `={{ ${Math.floor(in2026 / 1000)} }}`,
		});
		expect(error?.message).toContain('It looks like epoch seconds: multiply it by 1,000.');
		expect(sent()).toHaveLength(0);
	});

	it('reads no further than entries can exist when End lies weeks ahead', async () => {
		const [entry] = emulator.insertUsage([{ endTime: Date.now() - MINUTE }]);
		const { items, error } = await usage({
			operation: 'aggregate',
			timeRange: 'custom',
			startTime: new Date(Date.now() - 80 * DAY).toISOString(),
			endTime: new Date(Date.now() + 300 * DAY).toISOString(),
			groupBy: [],
		});
		expect(error).toBeUndefined();
		expect(items[0].json.total_cost_usd).toBe(entry.cost_usd);
		// 81 days up to now + 1 day: three windows of at most 31 days, not thirteen.
		expect(sent()).toHaveLength(3);
	});
});

describe('Usage → Aggregate: amounts, groups and data from Soniox', () => {
	it.each(['1e2000000', '-1', '1000.5', '1.00000000001', '={{ [1] }}'])(
		'refuses the markup %s before sending anything',
		async (markup) => {
			const { error } = await usage({
				operation: 'aggregate',
				timeRange: 'last24Hours',
				options: { markup },
			});
			expect(error?.message).toMatch(/^Options: Markup Multiplier/);
			expect(error?.message).toMatch(
				/must be an amount from 0 to 1000|more than 10 decimals|is not a number/,
			);
			expect(error?.message.length).toBeLessThan(200);
			expect(sent()).toHaveLength(0);
		},
	);

	it('keeps a customer whose ID reads "(none)" apart from untagged usage, whose ID is ""', async () => {
		const [tagged] = emulator.insertUsage([
			{
				endTime: Date.now() - 2 * MINUTE,
				clientReferenceId: '(none)',
				inputAudioDurationMs: 600_000,
			},
		]);
		const [untagged] = emulator.insertUsage([
			{ endTime: Date.now() - MINUTE, clientReferenceId: null },
		]);
		const { items, error } = await usage({
			operation: 'aggregate',
			timeRange: 'last24Hours',
			groupBy: ['client_reference_id', 'model'],
			options: { sortBy: 'firstSeen' },
		});
		expect(error).toBeUndefined();
		expect(
			items.map(({ json }) => [
				json.client_reference_id,
				json.client_reference_id_missing,
				json.total_cost_usd,
			]),
		).toEqual([
			['(none)', undefined, tagged.cost_usd],
			['', true, untagged.cost_usd],
		]);
	});

	it('refuses a filter match that does not exist instead of counting everyone', async () => {
		emulator.insertUsage([
			{ endTime: Date.now() - MINUTE, clientReferenceId: 'alice' },
			{ endTime: Date.now() - MINUTE, clientReferenceId: 'bob' },
		]);
		const { error } = await usage({
			operation: 'aggregate',
			timeRange: 'last24Hours',
			filters: { clientReferenceId: 'alice', clientReferenceIdMatch: '={{ "equals" }}' },
		});
		expect(error?.message).toBe(
			'Filters: Client Reference ID Match of item 0 must be exact, none or prefix, not "equals"',
		);
		expect(sent()).toHaveLength(0);
	});

	it.each([
		['aggregate', { groupBy: ['client_reference_id'] }],
		['getLogs', { returnAll: true, filters: { minCostUsd: 0.000001 } }],
	])(
		'%s names the entry and the field of a malformed cost from Soniox',
		async (operation, extra) => {
			const inserted = emulator.insertUsage([
				{ endTime: Date.now() - 2 * MINUTE, clientReferenceId: 'a' },
				{ endTime: Date.now() - MINUTE, clientReferenceId: 'b' },
			]);
			const proxy = await startUsageRewritingProxy(emulator.urls.api, (page) => ({
				...page,
				usage_logs: page.usage_logs.map((entry) =>
					entry.uuid === inserted[1].uuid ? { ...entry, cost_usd: '0,0050' } : entry,
				),
			}));
			try {
				const { error } = await usage(
					{ operation, timeRange: 'last24Hours', ...extra } as INodeParameters,
					proxy.url,
				);
				expect(error?.message).toBe(
					`Soniox sent usage-log entry ${inserted[1].uuid} with cost_usd "0,0050", which is not an amount in USD`,
				);
				expect(error?.description).toContain('uuid');
			} finally {
				await proxy.close();
			}
		},
	);
});

describe('Usage: choice fields set by expressions', () => {
	it.each([
		[
			{ operation: 'getLogs', timeRange: '={{ "lastWeek" }}', startTime: '2026-11-01' },
			'Time Range of item 0 must be',
		],
		[
			{ operation: 'getLogs', timeRange: 'lastHour', sort: '={{ "newest" }}' },
			'Sort of item 0 must be end_time_asc or end_time_desc, not "newest"',
		],
		[
			{ operation: 'getSummary', timeRange: 'today', output: '={{ "perModel" }}' },
			'Output of item 0 must be perDayAndModel, perDay or raw, not "perModel"',
		],
		[
			{
				operation: 'getSummary',
				timeRange: 'today',
				output: 'perDay',
				includeIdleDays: '={{ "yes" }}',
			},
			'Include Days Without Usage of item 0 must be true or false, not "yes"',
		],
		[
			{ operation: 'aggregate', timeRange: 'today', filters: { minCostUsd: '={{ "1e999" }}' } },
			'Filters: Minimum Cost (USD) of item 0 "1e999" must be an amount from 0 to 1000000000',
		],
		[
			{
				operation: 'aggregate',
				timeRange: 'today',
				filters: { clientReferenceId: '={{ { id: 1 } }}' },
			},
			'Filters: Client Reference ID of item 0 must be text, not an object',
		],
	])('refuses %j before sending anything', async (parameters, message) => {
		const { error } = await usage(parameters as INodeParameters);
		expect(error?.message).toContain(message);
		expect(sent()).toHaveLength(0);
	});
});
