// The fast exact sums behind Usage → Aggregate and the trigger's summaries, checked against
// plain BigInt arithmetic; and the usage-log stream reading one page ahead from the emulator.
import type { IHttpRequestOptions } from 'n8n-workflow';

import {
	addDecimal,
	compareDecimal,
	DecimalSums,
	formatDecimal,
	ZERO,
	type Decimal,
} from '../../nodes/Soniox/v1/helpers/decimal';
import { UsageAggregator } from '../../nodes/Soniox/v1/helpers/usageAggregation';
import type { UsageLogEntry } from '../../nodes/Soniox/v1/helpers/usageLogEntry';
import { streamUsageLogs } from '../../nodes/Soniox/v1/transport/usageLogs';
import type { SonioxContext } from '../../nodes/Soniox/v1/transport';
import { startEmulator, type Emulator } from '../emulator';
import { emulatorCredentials, expectRequestsToConform } from '../harness';
import { usageEntry } from './usage-fixtures';

/** The sum through the general parser, one BigInt addition at a time. */
const reference = (values: Array<string | number>): Decimal =>
	values.reduce<Decimal>((sum, value) => addDecimal(sum, value), ZERO);

function sumOf(values: Array<string | number | null | undefined>, scale = 10): Decimal {
	const sums = new DecimalSums({ value: scale });
	for (const value of values) sums.add('value', value);
	return sums.total('value');
}

/** A small deterministic PRNG (mulberry32). */
function random(seed: number) {
	return () => {
		seed = (seed + 0x6d2b79f5) >>> 0;
		let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

describe('exact running sums', () => {
	it('carries into a BigInt before a Number would lose a digit', () => {
		const values = Array.from({ length: 10_000 }, () => '99999.9999999999');
		expect(formatDecimal(sumOf(values))).toBe(
			formatDecimal({ units: 999_999_999_999_999n * 10_000n, scale: 10 }),
		);
		expect(formatDecimal(sumOf(values))).toBe('999999999.9999990000');
	});

	it('stays exact far past 2^53 units of 10^-10', () => {
		const values = Array.from({ length: 1_000_000 }, () => '12345.6789012345');
		expect(formatDecimal(sumOf(values))).toBe('12345678901.2345000000');
		expect(formatDecimal(sumOf(['9007199254740993.0000000001', '1']))).toBe(
			'9007199254740994.0000000001',
		);
	});

	it('carries negative sums too, and mixed signs cancel exactly', () => {
		const values = Array.from({ length: 5000 }, (_, index) =>
			index % 3 === 0 ? '12.5000000001' : '-99999.9999999999',
		);
		expect(compareDecimal(sumOf(values), reference(values))).toBe(0);
		expect(formatDecimal(sumOf(['-0.0000000001', '0.0000000001', '-0']))).toBe('0.0000000000');
	});

	it('keeps digits beyond the 10th, exponents, numbers and short forms exact', () => {
		const tiny = Array.from({ length: 10 }, () => '0.00000000001');
		expect(formatDecimal(sumOf(tiny))).toBe('0.0000000001');
		const mixed = ['0.123456789012345', '1e-7', 0.1, ' 2 ', '.5', '5.', '7', '0.006333', '-1.25'];
		expect(compareDecimal(sumOf(mixed), reference(mixed))).toBe(0);
		expect(formatDecimal(sumOf(mixed), { decimals: 15 })).toBe('13.479789889012345');
	});

	it('counts null and undefined as zero and refuses what is not a number', () => {
		expect(formatDecimal(sumOf([null, '1', undefined]))).toBe('1.0000000000');
		for (const bad of ['abc', '1.2.3', '0.00000000a1', '--1', '', '.', '1,5']) {
			expect(() => sumOf([bad])).toThrow('is not a decimal number');
		}
	});

	it('sums whole counts past 2^53, as Numbers or as text', () => {
		const sums = new DecimalSums({ tokens: 0 });
		for (let i = 0; i < 3; i++) sums.addUnits('tokens', 2 ** 52 - 1);
		sums.addUnits('tokens', 2 ** 60);
		sums.add('tokens', '12');
		expect(sums.total('tokens')).toEqual({
			units: 3n * (2n ** 52n - 1n) + 2n ** 60n + 12n,
			scale: 0,
		});
	});

	it('agrees with BigInt arithmetic on 20,000 random amounts of every form', () => {
		const next = random(7);
		const digits = (count: number) =>
			Array.from({ length: count }, () => Math.floor(next() * 10)).join('');
		const forms = [
			() => `${digits(1 + Math.floor(next() * 5))}.${digits(10)}`,
			() => `${digits(1 + Math.floor(next() * 3))}.${digits(Math.floor(next() * 10))}`,
			() => `-${digits(1 + Math.floor(next() * 5))}.${digits(10)}`,
			() => `0.${digits(11 + Math.floor(next() * 6))}`,
			() => `${digits(15 + Math.floor(next() * 8))}.${digits(10)}`,
			() => Math.round(next() * 1e9) / 1e6,
			() => `${digits(2)}e-${Math.floor(next() * 12)}`,
		];
		const values = Array.from({ length: 20_000 }, () => forms[Math.floor(next() * forms.length)]());
		for (let end = 1000; end <= values.length; end += 1000) {
			expect(compareDecimal(sumOf(values.slice(0, end)), reference(values.slice(0, end)))).toBe(0);
		}
	});
});

/** Every summed field with its own value, so a field added to the wrong total shows. */
function entry(overrides: Partial<UsageLogEntry> = {}): UsageLogEntry {
	return usageEntry({
		input_text_tokens: 1,
		input_audio_tokens: 2,
		input_audio_duration_ms: 3,
		output_text_tokens: 4,
		output_audio_tokens: 5,
		output_audio_duration_ms: 6,
		cost_usd: '0.0000000001',
		input_cost_usd: '0.0000000002',
		output_cost_usd: '0.0000000003',
		input_text_cost_usd: '0.0000000004',
		input_audio_cost_usd: '0.0000000005',
		output_text_cost_usd: '0.0000000006',
		output_audio_cost_usd: '0.0000000007',
		...overrides,
	});
}

describe('usage aggregation, field by field', () => {
	it('sums every field into its own total', () => {
		const aggregator = new UsageAggregator([]);
		aggregator.add(entry());
		aggregator.add(entry());
		expect(aggregator.groups()[0]).toMatchObject({
			request_count: 2,
			total_cost_usd: '0.0000000002',
			total_input_cost_usd: '0.0000000004',
			total_output_cost_usd: '0.0000000006',
			total_input_text_cost_usd: '0.0000000008',
			total_input_audio_cost_usd: '0.0000000010',
			total_output_text_cost_usd: '0.0000000012',
			total_output_audio_cost_usd: '0.0000000014',
			total_input_text_tokens: 2,
			total_input_audio_tokens: 4,
			total_input_audio_duration_ms: 6,
			total_output_text_tokens: 8,
			total_output_audio_tokens: 10,
			total_output_audio_duration_ms: 12,
		});
	});

	it('adds counts past 2^52 exactly, and refuses odd ones by entry and field', () => {
		const aggregator = new UsageAggregator([]);
		for (let i = 0; i < 3; i++) aggregator.add(entry({ input_audio_duration_ms: 2 ** 51 + 1 }));
		aggregator.add(entry({ input_audio_duration_ms: '7' as unknown as number }));
		aggregator.add(entry({ input_audio_duration_ms: null as unknown as number }));
		expect(aggregator.groups()[0].total_input_audio_duration_ms).toBe(3 * 2 ** 51 + 3 + 7);
		for (const odd of ['7.9', 'n/a', 1.5, {}]) {
			expect(() =>
				new UsageAggregator([]).add(
					entry({ uuid: 'e-1', input_audio_duration_ms: odd as unknown as number }),
				),
			).toThrow(
				`Soniox sent usage-log entry e-1 with input_audio_duration_ms ${typeof odd === 'string' ? `"${odd}"` : typeof odd === 'number' ? odd : 'an object'}, which is not a whole number`,
			);
		}
	});

	it('never mixes up groups whose keys join to the same text', () => {
		const aggregator = new UsageAggregator(['model', 'request_scope']);
		aggregator.add(entry({ model: 'a', request_scope: 'bc' }));
		aggregator.add(entry({ model: 'ab', request_scope: 'c' }));
		aggregator.add(entry({ model: '1:a', request_scope: '' }));
		aggregator.add(entry({ model: '', request_scope: '1:a' }));
		expect(aggregator.groups().map((row) => [row.model, row.request_scope])).toEqual([
			['a', 'bc'],
			['ab', 'c'],
			['1:a', ''],
			['', '1:a'],
		]);
	});

	it('finds the first and last end time whatever their form', () => {
		const aggregator = new UsageAggregator([]);
		for (const end_time of [
			'2026-11-24T09:03:10Z',
			'2026-11-24T09:03:10.5Z',
			'2026-11-24T11:03:09+02:00',
			'2026-11-24T09:03:10.25Z',
		]) {
			aggregator.add(entry({ end_time }));
		}
		expect(aggregator.groups()[0]).toMatchObject({
			first_end_time: '2026-11-24T11:03:09+02:00',
			last_end_time: '2026-11-24T09:03:10.5Z',
		});
	});
});

describe('usage-log stream', () => {
	// The generator alone, against the emulator over real HTTP: the context around it is the
	// part of n8n the transport uses (credentials and the authenticated request helper).
	const PAGE = 1000;
	const HOUR = 3_600_000;
	const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
	const now = Date.now();
	const window = { start: new Date(now - 2 * HOUR), end: new Date(now) };
	let emulator: Emulator;

	beforeAll(async () => {
		emulator = await startEmulator();
		emulator.insertUsage(
			Array.from({ length: 3 * PAGE }, (_, index) => ({ endTime: now - HOUR + index * 100 })),
		);
	});
	afterEach(() => expectRequestsToConform(emulator));
	afterAll(() => emulator.close());
	afterEach(() => emulator.faults.clear());

	/** A client of the emulator that logs each page request, numbered from 0. */
	function client() {
		const log: string[] = [];
		let requests = 0;
		let inFlight = 0;
		let mostInFlight = 0;
		const credentials = emulatorCredentials(emulator);
		const context = {
			getCredentials: async () => credentials,
			getNode: () => ({ name: 'Soniox', type: 'soniox', typeVersion: 1, parameters: {} }),
			helpers: {
				httpRequestWithAuthentication: async (_type: string, options: IHttpRequestOptions) => {
					const url = new URL(`${options.baseURL}${options.url}`);
					for (const [key, value] of Object.entries(options.qs ?? {}))
						url.searchParams.set(key, String(value));
					log.push(`request ${requests++}`);
					mostInFlight = Math.max(mostInFlight, ++inFlight);
					try {
						const response = await fetch(url, {
							headers: { Authorization: `Bearer ${String(credentials.apiKey)}` },
						});
						return {
							statusCode: response.status,
							headers: { 'retry-after': response.headers.get('retry-after') ?? undefined },
							body: await response.json(),
						};
					} finally {
						inFlight--;
					}
				},
			},
		} as unknown as SonioxContext;
		return { context, log, inFlight: () => inFlight, mostInFlight: () => mostInFlight };
	}

	it('asks for the next page while one is processed, one request at a time', async () => {
		emulator.faults.arm({ route: 'GET /v1/usage-logs', latencyMs: 5, times: 3 });
		const soniox = client();
		let page = 0;
		for await (const entries of streamUsageLogs.call(soniox.context, window)) {
			expect(entries).toHaveLength(PAGE);
			await sleep(50);
			soniox.log.push(`processed ${page++}`);
		}
		expect(soniox.log).toEqual([
			'request 0',
			'request 1',
			'processed 0',
			'request 2',
			'processed 1',
			'processed 2',
		]);
		expect(soniox.mostInFlight()).toBe(1);
	});

	it('throws a failed page where it would be read', async () => {
		emulator.faults.arm({ route: 'GET /v1/usage-logs', statuses: [200, 200, 400] });
		const soniox = client();
		let page = 0;
		const read = async () => {
			for await (const entries of streamUsageLogs.call(soniox.context, window)) {
				expect(entries).toHaveLength(PAGE);
				soniox.log.push(`processed ${page++}`);
			}
		};
		await expect(read()).rejects.toThrow(/Soniox/);
		expect(soniox.log.filter((line) => line.startsWith('processed'))).toEqual([
			'processed 0',
			'processed 1',
		]);
	});

	it('lets a reader stop early: the request in flight ends first and its failure is handled', async () => {
		emulator.faults.arm({ route: 'GET /v1/usage-logs', statuses: [200, 400], latencyMs: 20 });
		const unhandled: unknown[] = [];
		const onUnhandled = (reason: unknown) => unhandled.push(reason);
		process.on('unhandledRejection', onUnhandled);
		try {
			const soniox = client();
			for await (const entries of streamUsageLogs.call(soniox.context, window)) {
				expect(entries).toHaveLength(PAGE);
				break;
			}
			expect(soniox.inFlight()).toBe(0);
			expect(soniox.log).toEqual(['request 0', 'request 1']);
			await sleep(50);
			expect(unhandled).toEqual([]);
		} finally {
			process.off('unhandledRejection', onUnhandled);
		}
	});
});
