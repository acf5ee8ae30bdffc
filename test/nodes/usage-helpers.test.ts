import {
	addDecimal,
	compareDecimal,
	divideToDecimal,
	formatDecimal,
	isDecimal,
	multiplyDecimal,
	parseDecimal,
	sumDecimals,
} from '../../nodes/Soniox/v1/helpers/decimal';
import {
	parseUtcTime,
	presetWindow,
	splitWindow,
	utcDaysTouched,
	type TimeWindow,
} from '../../nodes/Soniox/v1/helpers/timeRange';
import { sortUsageGroups, UsageAggregator } from '../../nodes/Soniox/v1/helpers/usageAggregation';
import {
	matchesUsageFilter,
	isEmptyUsageFilter,
} from '../../nodes/Soniox/v1/actions/usage/usageFilters';
import {
	USAGE_LOGS_MAX_WINDOW_MS,
	usageLogsWindowProblem,
} from '../../nodes/Soniox/v1/transport/usageLogs';
import { usageEntry as entry } from './usage-fixtures';

const window = (start: string, end: string): TimeWindow => ({
	start: new Date(start),
	end: new Date(end),
});

describe('decimal money', () => {
	it('adds 0.1 and 0.2 to exactly 0.3', () => {
		expect(sumDecimals(['0.1', '0.2'])).toBe('0.3000000000');
		expect(sumDecimals([0.1, 0.2])).toBe('0.3000000000');
	});

	it('reads integers, negatives, exponents and 10-decimal strings', () => {
		expect(formatDecimal('12')).toBe('12.0000000000');
		expect(formatDecimal('-0.5')).toBe('-0.5000000000');
		expect(formatDecimal('0')).toBe('0.0000000000');
		expect(formatDecimal('1e-7')).toBe('0.0000001000');
		expect(formatDecimal('.5')).toBe('0.5000000000');
		expect(parseDecimal('0.0050000000')).toEqual({ units: 50000000n, scale: 10 });
	});

	it('refuses what is not a decimal number', () => {
		for (const bad of ['', 'abc', '1.2.3', '--1', '1,5', '.']) {
			expect(isDecimal(bad)).toBe(false);
			expect(() => parseDecimal(bad)).toThrow('is not a decimal number');
		}
		expect(isDecimal(Number.NaN)).toBe(false);
	});

	it('sums a million costs exactly, past the precision of a float', () => {
		const values = Array.from({ length: 1_000_000 }, () => '0.0000000001');
		expect(sumDecimals(values)).toBe('0.0001000000');
		expect(sumDecimals(['9007199254740993.0000000001', '1'])).toBe('9007199254740994.0000000001');
	});

	it('handles negatives and signs of zero', () => {
		expect(sumDecimals(['-0.5', '0.25'])).toBe('-0.2500000000');
		expect(sumDecimals(['-0.5', '0.5'])).toBe('0.0000000000');
		expect(formatDecimal('-0')).toBe('0.0000000000');
		expect(formatDecimal('-0.00000000001')).toBe('0.0000000000');
	});

	it('trims trailing zeros when asked', () => {
		expect(formatDecimal('1.5000000000', { trim: true })).toBe('1.5');
		expect(formatDecimal('3.0000000000', { trim: true })).toBe('3');
		expect(formatDecimal('0', { trim: true })).toBe('0');
	});

	it('rounds half away from zero', () => {
		expect(formatDecimal('0.125', { decimals: 2 })).toBe('0.13');
		expect(formatDecimal('0.124999', { decimals: 2 })).toBe('0.12');
		expect(formatDecimal('-0.125', { decimals: 2 })).toBe('-0.13');
		expect(formatDecimal('2.5', { decimals: 0 })).toBe('3');
	});

	it('compares across scales', () => {
		expect(compareDecimal('0.10', '0.1')).toBe(0);
		expect(compareDecimal('0.0000000001', '0')).toBe(1);
		expect(compareDecimal('-1', '0.5')).toBe(-1);
		expect(compareDecimal(addDecimal('0.1', '0.2'), '0.3')).toBe(0);
	});

	it('multiplies for markups and divides for minutes', () => {
		expect(multiplyDecimal('0.0050000000', '1.25')).toBe('0.0062500000');
		expect(multiplyDecimal('10.004', '1.25', { decimals: 2 })).toBe('12.51');
		expect(multiplyDecimal('1.00', '-1')).toBe('-1.0000000000');
		expect(divideToDecimal(90_000n, 60_000n, { decimals: 2 })).toBe('1.50');
		expect(divideToDecimal(1n, 3n, { decimals: 4 })).toBe('0.3333');
		expect(divideToDecimal(2n, 3n, { decimals: 4 })).toBe('0.6667');
		expect(() => divideToDecimal(1n, 0n)).toThrow('divide by zero');
	});
});

describe('usage filters', () => {
	it('keeps everything without filters', () => {
		expect(isEmptyUsageFilter({})).toBe(true);
		expect(matchesUsageFilter(entry(), {})).toBe(true);
	});

	it('matches client reference IDs exactly, by prefix, or by their absence', () => {
		const exact = { clientReferenceId: { mode: 'exact' as const, value: 'customer_1' } };
		expect(matchesUsageFilter(entry(), exact)).toBe(true);
		expect(matchesUsageFilter(entry({ client_reference_id: 'customer_10' }), exact)).toBe(false);

		const prefix = { clientReferenceId: { mode: 'prefix' as const, value: 'tenant_7/' } };
		expect(matchesUsageFilter(entry({ client_reference_id: 'tenant_7/user_1' }), prefix)).toBe(
			true,
		);
		expect(matchesUsageFilter(entry({ client_reference_id: 'tenant_70/user' }), prefix)).toBe(
			false,
		);

		const none = { clientReferenceId: { mode: 'none' as const } };
		expect(matchesUsageFilter(entry({ client_reference_id: '' }), none)).toBe(true);
		expect(matchesUsageFilter(entry({ client_reference_id: null }), none)).toBe(true);
		expect(matchesUsageFilter(entry(), none)).toBe(false);
	});

	it('matches models, scopes and a minimum cost (inclusive, exact)', () => {
		expect(matchesUsageFilter(entry(), { models: ['stt-rt-v4', 'stt-async-v4'] })).toBe(true);
		expect(matchesUsageFilter(entry(), { models: ['stt-rt-v4'] })).toBe(false);
		expect(matchesUsageFilter(entry(), { requestScopes: ['playground'] })).toBe(false);
		expect(matchesUsageFilter(entry(), { requestKinds: ['speech_synthesis'] })).toBe(false);
		expect(matchesUsageFilter(entry(), { requestKinds: ['async_transcription'] })).toBe(true);
		expect(matchesUsageFilter(entry(), { minCostUsd: '0.006333' })).toBe(true);
		expect(matchesUsageFilter(entry(), { minCostUsd: '0.0063330001' })).toBe(false);
	});
});

describe('usage aggregation', () => {
	it('groups by customer with exact sums, and requests without an ID ("" or null) in one group with ID ""', () => {
		const aggregator = new UsageAggregator(['client_reference_id']);
		aggregator.add(entry({ cost_usd: '0.1000000000' }));
		aggregator.add(entry({ cost_usd: '0.2000000000', end_time: '2026-11-24T08:00:00Z' }));
		aggregator.add(entry({ client_reference_id: '', cost_usd: '0.0000000001' }));
		aggregator.add(entry({ client_reference_id: null, cost_usd: '0.0000000002' }));
		const [customer, none] = aggregator.groups();
		expect(customer).toMatchObject({
			client_reference_id: 'customer_1',
			request_count: 2,
			total_cost_usd: '0.3000000000',
			total_input_cost_usd: '0.0120000000',
			total_input_audio_tokens: 5700,
			total_input_audio_duration_ms: 380_000,
			input_audio_minutes: 6.33,
			output_audio_minutes: 0,
			first_end_time: '2026-11-24T08:00:00Z',
			last_end_time: '2026-11-24T09:03:10Z',
		});
		expect(none).toMatchObject({
			client_reference_id: '',
			client_reference_id_missing: true,
			request_count: 2,
			total_cost_usd: '0.0000000003',
		});
	});

	it('groups by several keys, with UTC days taken from the end time', () => {
		const aggregator = new UsageAggregator(['day', 'model']);
		aggregator.add(entry({ end_time: '2026-11-24T23:59:59.999Z' }));
		aggregator.add(entry({ end_time: '2026-11-25T01:00:00+02:00' }));
		aggregator.add(entry({ end_time: '2026-11-25T00:00:00Z', model: 'stt-rt-v4' }));
		expect(aggregator.groups().map((row) => [row.day, row.model, row.request_count])).toEqual([
			['2026-11-24', 'stt-async-v4', 2],
			['2026-11-25', 'stt-rt-v4', 1],
		]);
	});

	it('gives one zero total when nothing is grouped and nothing came in', () => {
		expect(new UsageAggregator([]).groups()).toEqual([
			expect.objectContaining({ request_count: 0, total_cost_usd: '0.0000000000' }),
		]);
		expect(new UsageAggregator(['model']).groups()).toEqual([]);
	});

	it('sorts groups by exact cost, request count or key', () => {
		const aggregator = new UsageAggregator(['client_reference_id']);
		aggregator.add(entry({ client_reference_id: 'b', cost_usd: '0.0000000002' }));
		aggregator.add(entry({ client_reference_id: 'a', cost_usd: '0.0000000001' }));
		aggregator.add(entry({ client_reference_id: 'a', cost_usd: '0.0000000000' }));
		aggregator.add(entry({ client_reference_id: 'c', cost_usd: '10' }));
		const ids = (order: Parameters<typeof sortUsageGroups>[1]) =>
			sortUsageGroups(aggregator.groups(), order, ['client_reference_id']).map(
				(row) => row.client_reference_id,
			);
		expect(ids('firstSeen')).toEqual(['b', 'a', 'c']);
		expect(ids('totalCostDesc')).toEqual(['c', 'b', 'a']);
		expect(ids('totalCostAsc')).toEqual(['a', 'b', 'c']);
		expect(ids('requestCountDesc')).toEqual(['a', 'b', 'c']);
		expect(ids('groupAsc')).toEqual(['a', 'b', 'c']);
	});
});

describe('time ranges (UTC)', () => {
	const now = new Date('2026-03-15T10:30:00.000Z');
	const iso = (w: TimeWindow) => [w.start.toISOString(), w.end.toISOString()];

	it('resolves every preset against a fixed now', () => {
		expect(iso(presetWindow('lastHour', now))).toEqual([
			'2026-03-15T09:30:00.000Z',
			'2026-03-15T10:30:00.000Z',
		]);
		expect(iso(presetWindow('last24Hours', now))).toEqual([
			'2026-03-14T10:30:00.000Z',
			'2026-03-15T10:30:00.000Z',
		]);
		expect(iso(presetWindow('today', now))).toEqual([
			'2026-03-15T00:00:00.000Z',
			'2026-03-15T10:30:00.000Z',
		]);
		expect(iso(presetWindow('yesterday', now))).toEqual([
			'2026-03-14T00:00:00.000Z',
			'2026-03-15T00:00:00.000Z',
		]);
		expect(iso(presetWindow('last7Days', now))[0]).toBe('2026-03-08T10:30:00.000Z');
		expect(iso(presetWindow('last30Days', now))[0]).toBe('2026-02-13T10:30:00.000Z');
		expect(iso(presetWindow('thisMonth', now))).toEqual([
			'2026-03-01T00:00:00.000Z',
			'2026-03-15T10:30:00.000Z',
		]);
		expect(iso(presetWindow('lastMonth', now))).toEqual([
			'2026-02-01T00:00:00.000Z',
			'2026-03-01T00:00:00.000Z',
		]);
	});

	it('crosses year boundaries', () => {
		const newYear = new Date('2027-01-01T00:05:00Z');
		expect(iso(presetWindow('lastMonth', newYear))).toEqual([
			'2026-12-01T00:00:00.000Z',
			'2027-01-01T00:00:00.000Z',
		]);
		expect(iso(presetWindow('yesterday', newYear))[0]).toBe('2026-12-31T00:00:00.000Z');
	});

	it('reads times without a zone as UTC, and Luxon-like objects', () => {
		expect(parseUtcTime('2026-03-01T12:00:00')?.toISOString()).toBe('2026-03-01T12:00:00.000Z');
		expect(parseUtcTime('2026-03-01')?.toISOString()).toBe('2026-03-01T00:00:00.000Z');
		expect(parseUtcTime('2026-03-01T12:00:00+02:00')?.toISOString()).toBe(
			'2026-03-01T10:00:00.000Z',
		);
		expect(parseUtcTime({ toISO: () => '2026-03-01T12:00:00.000Z' })?.toISOString()).toBe(
			'2026-03-01T12:00:00.000Z',
		);
		expect(parseUtcTime(0)?.toISOString()).toBe('1970-01-01T00:00:00.000Z');
		expect(parseUtcTime('not a date')).toBeUndefined();
		expect(parseUtcTime('')).toBeUndefined();
	});

	it('splits long windows into consecutive pieces of at most 31 days', () => {
		const parts = splitWindow(
			window('2026-01-01T00:00:00Z', '2026-03-15T00:00:00Z'),
			USAGE_LOGS_MAX_WINDOW_MS,
		);
		expect(parts.map(iso)).toEqual([
			['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'],
			['2026-02-01T00:00:00.000Z', '2026-03-04T00:00:00.000Z'],
			['2026-03-04T00:00:00.000Z', '2026-03-15T00:00:00.000Z'],
		]);
		expect(
			splitWindow(window('2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'), USAGE_LOGS_MAX_WINDOW_MS),
		).toHaveLength(1);
	});

	it('counts the UTC days a window touches', () => {
		expect(utcDaysTouched(window('2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z'))).toBe(1);
		expect(utcDaysTouched(window('2026-03-01T23:00:00Z', '2026-03-02T00:00:01Z'))).toBe(2);
		expect(utcDaysTouched(window('2026-01-01T00:00:00Z', '2027-01-02T00:00:00Z'))).toBe(366);
	});

	it('says why Soniox would refuse a usage-log window', () => {
		expect(usageLogsWindowProblem(presetWindow('last30Days', now), now)).toBeUndefined();
		expect(
			usageLogsWindowProblem(window('2025-12-01T00:00:00Z', '2025-12-02T00:00:00Z'), now),
		).toMatch(/more than 91 days ago/);
		expect(
			usageLogsWindowProblem(window('2026-03-02T00:00:00Z', '2026-03-01T00:00:00Z'), now),
		).toMatch(/is not after the start/);
	});
});
