// One item per anomaly alert, each saying why: what was observed in which window, against
// which baseline, and by how much.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { divideToDecimal, formatDecimal, parseDecimal, sumDecimals } from '../v1/helpers/decimal';
import { clientReferenceIdOf, endTimeOf, type UsageLogEntry } from '../v1/helpers/usageLogEntry';
import {
	detectAnomalies,
	readAnomalyState,
	startAnomalyState,
	type AnomalyAlert,
	type AnomalyState,
	type WindowUsage,
} from './anomalyDetector';
import type { AnomalyKind, AnomalySettings } from './anomalyParameters';
import { mean, median, type Jump } from './anomalyStatistics';
import type { PollState } from './usagePoller';

const ALERT_NAMES: Record<AnomalyKind, string> = {
	spike: 'usage_spike',
	newClientReferenceId: 'new_client_reference_id',
	untaggedUsage: 'untagged_usage',
	requestLoop: 'request_loop',
};

const round = (value: number, decimals = 2) => Math.round(value * 10 ** decimals) / 10 ** decimals;
const dollars = (costUsd: string) => `$${formatDecimal(costUsd, { decimals: 4, trim: true })}`;
/** A jump as JSON has it: Infinity (no usage in the baseline) is null. */
const jumpValue = (jump: Jump | undefined) =>
	jump === undefined || !Number.isFinite(jump.value) ? null : round(jump.value);

function usageJson(usage: WindowUsage, windowMinutes: number): IDataObject {
	return {
		cost_usd: usage.costUsd,
		cost_usd_number: Number(usage.costUsd),
		requests: usage.requests,
		requests_per_minute: round(usage.requests / windowMinutes),
	};
}

/** The baseline a spike or untagged alert compares with: the mean or the median per window. */
function baselineJson(alert: AnomalyAlert, settings: AnomalySettings): IDataObject | null {
	if (!alert.history) return null;
	const statistic = settings.method === 'factor' ? 'mean' : 'median';
	const costs = alert.history.map((usage) => usage.costUsd);
	const requests = alert.history.map((usage) => usage.requests);
	const costUsd = statistic === 'mean' ? meanCost(costs) : formatDecimal(median(costs.map(Number)));
	return {
		statistic,
		windows: alert.history.length,
		cost_usd: costUsd,
		cost_usd_number: Number(costUsd),
		requests: round(statistic === 'mean' ? mean(requests) : median(requests)),
	};
}

/** The exact mean of decimal costs, with 10 decimals. */
function meanCost(costs: string[]): string {
	const total = parseDecimal(sumDecimals(costs));
	return divideToDecimal(total.units, BigInt(costs.length) * 10n ** BigInt(total.scale));
}

function timeOfDay(ms: number): string {
	return new Date(ms).toISOString().slice(11, 16);
}

function why(alert: AnomalyAlert, settings: AnomalySettings, baseline: IDataObject | null) {
	const minutes = alert.windowMs / 60_000;
	const who = alert.clientReferenceId === '' ? 'Untagged usage' : alert.clientReferenceId;
	const window = `in the ${minutes} minute${minutes === 1 ? '' : 's'} from ${timeOfDay(alert.windowStart)} UTC`;
	const { costUsd, requests } = alert.observed;
	const spent = `${dollars(costUsd)} in ${requests} request${requests === 1 ? '' : 's'}`;
	if (alert.kind === 'newClientReferenceId') {
		return `${who}, a client reference ID not seen before, spent ${spent} ${window}`;
	}
	if (alert.kind === 'untaggedUsage') {
		return `Usage without a client reference ID: ${spent} ${window}, after none in the previous ${settings.baselineWindows} windows`;
	}
	if (alert.kind === 'requestLoop') {
		return `${who} made ${requests} requests ${window}, ${round(requests / minutes)} a minute, at or over the loop rate of ${settings.loopRequestsPerMinute} a minute`;
	}
	const statistic = String(baseline?.statistic);
	const parts = (alert.jumped ?? []).map((metric) => {
		const jump = metric === 'cost' ? alert.cost! : alert.requests!;
		const normal =
			metric === 'cost' ? dollars(String(baseline?.cost_usd)) : `${round(jump.baseline)} requests`;
		const by = !Number.isFinite(jump.value)
			? 'with none in its baseline'
			: settings.method === 'factor'
				? `${round(jump.value)}× its ${statistic} of ${normal}`
				: `a robust score of ${round(jump.value)} over its ${statistic} of ${normal}`;
		return `${metric === 'cost' ? 'spend' : 'requests'} ${by}`;
	});
	return `${who} spent ${spent} ${window}: ${parts.join('; ')} per window over the previous ${settings.baselineWindows} windows`;
}

export function anomalyItem(alert: AnomalyAlert, settings: AnomalySettings): INodeExecutionData {
	const minutes = alert.windowMs / 60_000;
	const baseline = baselineJson(alert, settings);
	const spike = alert.kind === 'spike';
	const jumps = { cost_usd: jumpValue(alert.cost), requests: jumpValue(alert.requests) };
	return {
		json: {
			alert: ALERT_NAMES[alert.kind],
			client_reference_id: alert.clientReferenceId,
			...(alert.clientReferenceId === '' ? { client_reference_id_missing: true } : {}),
			why: why(alert, settings, baseline),
			window_start: new Date(alert.windowStart).toISOString(),
			window_end: new Date(alert.windowStart + alert.windowMs).toISOString(),
			window_minutes: minutes,
			observed: usageJson(alert.observed, minutes),
			baseline,
			method: spike ? settings.method : null,
			threshold:
				alert.kind === 'requestLoop'
					? settings.loopRequestsPerMinute
					: spike
						? settings.threshold
						: null,
			factor: spike && settings.method === 'factor' ? jumps : null,
			score: spike && settings.method === 'robustScore' ? jumps : null,
			jumped: alert.jumped ?? [],
		},
	};
}

/**
 * One poll of the anomaly output: the alerts of the new entries and the anomaly state to
 * commit with the poller's. `previous` is the poller's state before this poll (undefined on a
 * first activation, which learns from the history it read and alerts on nothing).
 */
export function anomalyPoll(
	data: IDataObject,
	entries: UsageLogEntry[],
	settings: AnomalySettings,
	poll: { previous?: PollState; next: PollState; lookBackMs: number },
): { items: INodeExecutionData[]; state: AnomalyState } {
	const learnOnly = poll.previous === undefined;
	const state =
		readAnomalyState(data, settings) ??
		startAnomalyState(settings, poll.previous?.watermark ?? poll.next.since, learnOnly);
	const { alerts, next } = detectAnomalies(
		state,
		entries,
		settings,
		poll.next.watermark - poll.lookBackMs,
		{ learnOnly },
	);
	return { items: alerts.map((alert) => anomalyItem(alert, settings)), state: next };
}

/**
 * "Fetch Test Event": the newest entries as an alert of the real shape, without a baseline:
 * the newest client reference ID as if it were new (or untagged usage, if none has an ID),
 * whatever the minimums.
 */
export function sampleAnomalyItems(
	entries: UsageLogEntry[],
	settings: AnomalySettings,
): INodeExecutionData[] {
	const tagged = entries.filter((entry) => clientReferenceIdOf(entry) !== '');
	const id = tagged.length ? clientReferenceIdOf(tagged[tagged.length - 1]) : '';
	const sample = entries.filter((entry) => clientReferenceIdOf(entry) === id);
	if (sample.length === 0) return [];
	const relaxed: AnomalySettings = {
		...settings,
		detections: ['newClientReferenceId', 'untaggedUsage'],
		minCostUsd: '0',
		minRequests: 0,
	};
	const state = { ...startAnomalyState(relaxed, 0, false), alertsFrom: 0 };
	const newest = Math.max(...sample.map(endTimeOf));
	const { alerts } = detectAnomalies(state, sample, relaxed, newest);
	return alerts.slice(-1).map((alert) => anomalyItem(alert, settings));
}
