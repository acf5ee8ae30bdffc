import {
	detectAnomalies,
	startAnomalyState,
	type AnomalyState,
} from '../../nodes/Soniox/trigger/anomalyDetector';
import { anomalyItem } from '../../nodes/Soniox/trigger/anomalyOutput';
import type { AnomalySettings } from '../../nodes/Soniox/trigger/anomalyParameters';
import {
	jumpOf,
	median,
	medianAbsoluteDeviation,
} from '../../nodes/Soniox/trigger/anomalyStatistics';
import type { UsageLogEntry } from '../../nodes/Soniox/v1/helpers/usageLogEntry';
import { usageEntry } from './usage-fixtures';

const MINUTE = 60_000;
const WINDOW = 10 * MINUTE;
/** Window 0 of these tests: an aligned UTC time. */
const T0 = Date.parse('2026-11-24T00:00:00Z');

const SETTINGS: AnomalySettings = {
	detections: ['spike', 'newClientReferenceId', 'untaggedUsage', 'requestLoop'],
	windowMs: WINDOW,
	baselineWindows: 6,
	method: 'factor',
	threshold: 5,
	minCostUsd: '1',
	minRequests: 20,
	loopRequestsPerMinute: 10,
	cooldownMs: 30 * MINUTE,
	maxClientReferenceIds: 50,
};

let uuid = 0;
/** `count` entries of one ID in window `window`, `costUsd` each. */
function usage(id: string | null, window: number, count: number, costUsd = '0.0100000000') {
	return Array.from({ length: count }, (_, index) =>
		usageEntry({
			uuid: `u${uuid++}`,
			client_reference_id: id ?? '',
			end_time: new Date(T0 + window * WINDOW + 1000 + index).toISOString(),
			cost_usd: costUsd,
		}),
	);
}

/** Normal traffic: in every window, each ID makes 10 requests for $0.10–$0.13. */
function normal(window: number, ids = ['acme', 'globex']) {
	return ids.flatMap((id, index) => usage(id, window, 10 + ((window + index) % 3), '0.0100000000'));
}

/** A detector that has learned windows 0..5 of normal traffic, as a first activation does. */
function learned(settings = SETTINGS): AnomalyState {
	const state = startAnomalyState(settings, T0, true);
	const history = Array.from({ length: 6 }, (_, window) => normal(window)).flat();
	return detectAnomalies(state, history, settings, T0 + 6 * WINDOW, { learnOnly: true }).next;
}

/** Polls the windows one after another; the alerts of each poll. */
function run(state: AnomalyState, polls: UsageLogEntry[][], settings = SETTINGS) {
	const alerts = [];
	for (const entries of polls) {
		const newest = Math.max(...entries.map((entry) => Date.parse(entry.end_time)));
		const result = detectAnomalies(state, entries, settings, newest);
		alerts.push(...result.alerts);
		state = result.next;
	}
	return { alerts, state };
}

describe('robust statistics', () => {
	it('median and MAD ignore one outlier', () => {
		expect(median([1, 2, 3, 4, 100])).toBe(3);
		expect(median([1, 2, 3, 4])).toBe(2.5);
		expect(medianAbsoluteDeviation([1, 2, 3, 4, 100])).toBe(1);
	});

	it('a factor is observed over the mean; a score is how many robust deviations above the median', () => {
		expect(jumpOf('factor', 50, [10, 10, 10, 10])).toEqual({ baseline: 10, value: 5 });
		expect(jumpOf('factor', 1, [0, 0])).toEqual({ baseline: 0, value: Infinity });
		expect(jumpOf('factor', 0, [0, 0]).value).toBe(0);
		const score = jumpOf('robustScore', 20, [9, 10, 11, 10, 100]);
		expect(score.baseline).toBe(10);
		expect(score.value).toBeCloseTo(10 / 1.4826, 6);
		// A baseline that never varies: the scale is a tenth of the median, not 0.
		expect(jumpOf('robustScore', 11, [10, 10, 10]).value).toBeCloseTo(1, 9);
	});
});

describe('usage anomaly detector', () => {
	it('learns from history without alerting, then stays silent for normal traffic', () => {
		const state = startAnomalyState(SETTINGS, T0, true);
		const history = Array.from({ length: 6 }, (_, window) => normal(window)).flat();
		const learning = detectAnomalies(state, history, SETTINGS, T0 + 6 * WINDOW, {
			learnOnly: true,
		});
		expect(learning.alerts).toEqual([]);
		const { alerts } = run(
			learning.next,
			Array.from({ length: 20 }, (_, index) => normal(6 + index)),
		);
		expect(alerts).toEqual([]);
	});

	it('raises one spike for a jump in spend, with the numbers that explain it', () => {
		const spike = [...usage('acme', 7, 12, '0.5000000000'), ...normal(7, ['globex'])];
		const { alerts } = run(learned(), [normal(6), spike, normal(8), normal(9)]);
		expect(alerts.map((alert) => [alert.kind, alert.clientReferenceId])).toEqual([
			['spike', 'acme'],
		]);
		const [alert] = alerts;
		expect(alert.observed).toEqual({ costUsd: '6.0000000000', requests: 12 });
		expect(alert.jumped).toEqual(['cost']);
		const item = anomalyItem(alert, SETTINGS).json;
		expect(item).toMatchObject({
			alert: 'usage_spike',
			client_reference_id: 'acme',
			window_start: '2026-11-24T01:10:00.000Z',
			window_end: '2026-11-24T01:20:00.000Z',
			observed: { cost_usd: '6.0000000000', cost_usd_number: 6, requests: 12 },
			baseline: { statistic: 'mean', windows: 6 },
			method: 'factor',
			threshold: 5,
			score: null,
		});
		const factor = (item.factor as { cost_usd: number }).cost_usd;
		expect(factor).toBeGreaterThanOrEqual(5);
		expect(item.why).toBe(
			`acme spent $6 in 12 requests in the 10 minutes from 01:10 UTC: spend ${factor}× its mean of $${(item.baseline as { cost_usd_number: number }).cost_usd_number} per window over the previous 6 windows`,
		);
	});

	it('judges the robust score against the median, which one spike does not move', () => {
		const settings: AnomalySettings = { ...SETTINGS, method: 'robustScore', cooldownMs: WINDOW };
		const big = (window: number) => usage('acme', window, 12, '0.5000000000');
		const { alerts } = run(learned(settings), [normal(6), big(7), big(8)], settings);
		expect(alerts.map((alert) => [alert.kind, alert.windowStart])).toEqual([
			['spike', T0 + 7 * WINDOW],
			['spike', T0 + 8 * WINDOW],
		]);
		expect(alerts[0].cost!.value).toBeGreaterThan(5);
	});

	it('alerts once when a window grows over several polls, and holds the cooldown', () => {
		const state = learned();
		const third = (count: number) => usage('acme', 7, count, '0.5000000000');
		const { alerts } = run(state, [
			normal(6),
			third(1),
			third(4),
			third(8),
			usage('acme', 8, 12, '0.5000000000'),
			usage('acme', 9, 12, '0.5000000000'),
		]);
		expect(alerts.map((alert) => [alert.kind, alert.windowStart])).toEqual([
			['spike', T0 + 7 * WINDOW],
		]);
	});

	it('does not alert below the minimums, however large the jump', () => {
		const { alerts } = run(learned(), [usage('acme', 7, 10, '0.0900000000'), usage('tiny', 7, 2)]);
		// $0.90 (under $1) in 10 requests (under 20): a factor of 9 on spend, but too little.
		expect(alerts).toEqual([]);
	});

	it('raises a new ID once, not for IDs it learned, and not again after the cooldown', () => {
		const { alerts } = run(learned(), [
			[...normal(6), ...usage('intruder', 6, 25)],
			usage('intruder', 7, 25),
			usage('intruder', 12, 25),
		]);
		expect(alerts.map((alert) => [alert.kind, alert.clientReferenceId])).toEqual([
			['newClientReferenceId', 'intruder'],
		]);
		expect(anomalyItem(alerts[0], SETTINGS).json.why).toBe(
			'intruder, a client reference ID not seen before, spent $0.25 in 25 requests in the 10 minutes from 01:00 UTC',
		);
	});

	it('raises untagged usage when none was in the baseline, once per cooldown', () => {
		const { alerts } = run(learned(), [usage(null, 6, 30), usage(null, 7, 30), usage(null, 9, 30)]);
		expect(alerts.map((alert) => [alert.kind, alert.clientReferenceId])).toEqual([
			['untaggedUsage', ''],
		]);
		expect(anomalyItem(alerts[0], SETTINGS).json).toMatchObject({
			alert: 'untagged_usage',
			client_reference_id: '',
			client_reference_id_missing: true,
			baseline: { cost_usd: '0.0000000000', requests: 0, windows: 6 },
		});
	});

	it('raises a loop when one ID averages the loop rate in a window, and no spike beside it', () => {
		const { alerts } = run(learned(), [normal(6), usage('acme', 7, 100), usage('acme', 8, 100)]);
		expect(alerts.map((alert) => [alert.kind, alert.clientReferenceId])).toEqual([
			['requestLoop', 'acme'],
		]);
		expect(anomalyItem(alerts[0], SETTINGS).json).toMatchObject({
			alert: 'request_loop',
			threshold: 10,
			observed: { requests: 100, requests_per_minute: 10 },
		});
	});

	it('keeps each detection off when it is not chosen', () => {
		const settings: AnomalySettings = { ...SETTINGS, detections: ['spike'] };
		const { alerts } = run(
			learned(settings),
			[[...usage('intruder', 6, 25), ...usage(null, 6, 30), ...normal(6)], usage('globex', 7, 200)],
			settings,
		);
		// Untagged usage after none is still a spike (over a baseline of 0); the intruder has no
		// baseline yet, and the loop is a spike.
		expect(alerts.map((alert) => [alert.kind, alert.clientReferenceId])).toEqual([
			['spike', ''],
			['spike', 'globex'],
		]);
	});

	it('stays bounded: the least recently active IDs are forgotten, buckets end at the baseline', () => {
		const settings: AnomalySettings = { ...SETTINGS, maxClientReferenceIds: 10 };
		let state = learned(settings);
		for (let window = 6; window < 40; window++) {
			const ids = Array.from({ length: 5 }, (_, index) => `c${window}-${index}`);
			const newest = T0 + (window + 1) * WINDOW - 1;
			state = detectAnomalies(state, normal(window, ids), settings, newest).next;
		}
		const keys = Object.keys(state.clients);
		expect(keys).toHaveLength(10);
		expect(keys.sort()).toEqual(
			['c38', 'c39']
				.flatMap((prefix) => [0, 1, 2, 3, 4].map((index) => `=${prefix}-${index}`))
				.sort(),
		);
		for (const record of Object.values(state.clients)) {
			expect(record.buckets.length).toBeLessThanOrEqual(settings.baselineWindows + 1);
		}
	});

	it('never changes the state it was given', () => {
		const state = learned();
		const before = JSON.stringify(state);
		detectAnomalies(
			state,
			[...usage('acme', 7, 100), ...usage('x', 7, 50)],
			SETTINGS,
			T0 + 8 * WINDOW,
		);
		expect(JSON.stringify(state)).toBe(before);
	});
});
