// The fields of the Usage Anomaly Alert output, declared once: the editor shows them and the
// poll checks them by the same label, range and choices before anything is read.
import type { IDisplayOptions, INodeProperties, IPollFunctions } from 'n8n-workflow';

import { checkAmount, checkChoice, checkChoices, checkNumber } from '../v1/helpers/parameterValues';
import type { SpikeMethod } from './anomalyStatistics';

export type AnomalyKind = 'spike' | 'newClientReferenceId' | 'untaggedUsage' | 'requestLoop';

export interface AnomalySettings {
	detections: AnomalyKind[];
	windowMs: number;
	baselineWindows: number;
	method: SpikeMethod;
	/** The factor or score a spike must reach. */
	threshold: number;
	/** Exact USD; a window below both minimums never alerts (but a loop). */
	minCostUsd: string;
	minRequests: number;
	loopRequestsPerMinute: number;
	cooldownMs: number;
	maxClientReferenceIds: number;
}

const show: IDisplayOptions = { show: { output: ['usageAnomaly'] } };

const DETECTION_OPTIONS = [
	{
		name: 'New Client Reference ID',
		value: 'newClientReferenceId',
		description: 'An ID the trigger has not seen starts using Soniox (a key used outside your app)',
	},
	{
		name: 'Request Loop',
		value: 'requestLoop',
		description: 'One ID sends requests faster than the loop rate',
	},
	{
		name: 'Spend or Request Spike',
		value: 'spike',
		description: "A window's spend or requests jump against the ID's own baseline",
	},
	{
		name: 'Untagged Usage',
		value: 'untaggedUsage',
		description: 'Usage without a client reference ID appears after a baseline without any',
	},
] as const satisfies ReadonlyArray<{ name: string; value: AnomalyKind; description: string }>;

const METHOD_OPTIONS = [
	{
		name: 'Factor Over the Mean',
		value: 'factor',
		description: 'Alert when the window is at least this many times the mean of the baseline',
	},
	{
		name: 'Robust Score (Median and MAD)',
		value: 'robustScore',
		description:
			'Alert when the window is this many robust standard deviations above the median; one past spike does not move it',
	},
] as const satisfies ReadonlyArray<{ name: string; value: SpikeMethod; description: string }>;

const numberField = (
	displayName: string,
	name: string,
	defaultValue: number,
	range: { minValue: number; maxValue: number; numberPrecision?: number },
	description: string,
	displayOptions = show,
): INodeProperties => ({
	displayName,
	name,
	type: 'number',
	typeOptions: range,
	default: defaultValue,
	description,
	displayOptions,
});

export const ANOMALY_FIELDS = {
	detections: {
		displayName: 'Detect',
		name: 'anomalyDetections',
		type: 'multiOptions',
		options: [...DETECTION_OPTIONS],
		default: ['newClientReferenceId', 'requestLoop', 'spike', 'untaggedUsage'],
		displayOptions: show,
	},
	windowMinutes: numberField(
		'Window (Minutes)',
		'anomalyWindowMinutes',
		15,
		{ minValue: 1, maxValue: 1440 },
		"Usage is compared in windows of this length (UTC-aligned, on the entries' end times)",
	),
	baselineWindows: numberField(
		'Baseline Windows',
		'anomalyBaselineWindows',
		24,
		{ minValue: 4, maxValue: 48 },
		"How many windows before the current one make an ID's normal; the first activation reads that much history to learn it",
	),
	method: {
		displayName: 'Spike Method',
		name: 'anomalyMethod',
		type: 'options',
		options: [...METHOD_OPTIONS],
		default: 'factor',
		displayOptions: show,
	},
	factor: numberField(
		'Spike Factor',
		'anomalySpikeFactor',
		5,
		{ minValue: 1.1, maxValue: 1000, numberPrecision: 2 },
		'A spike is a window at least this many times the mean of the baseline windows',
		{ show: { output: ['usageAnomaly'], anomalyMethod: ['factor'] } },
	),
	score: numberField(
		'Spike Score',
		'anomalySpikeScore',
		5,
		{ minValue: 1, maxValue: 1000, numberPrecision: 2 },
		'A spike is a window at least this many robust standard deviations above the median',
		{ show: { output: ['usageAnomaly'], anomalyMethod: ['robustScore'] } },
	),
	minCostUsd: {
		displayName: 'Minimum Spend (USD)',
		name: 'anomalyMinCostUsd',
		type: 'string',
		default: '1',
		placeholder: 'e.g. 2.50',
		description:
			'A spend spike, a new ID or untagged usage alerts only from this spend in one window (or from the minimum requests)',
		displayOptions: show,
	},
	minRequests: numberField(
		'Minimum Requests',
		'anomalyMinRequests',
		20,
		{ minValue: 0, maxValue: 1_000_000 },
		'A request spike, a new ID or untagged usage alerts only from this many requests in one window (or from the minimum spend)',
	),
	loopRate: numberField(
		'Loop Rate (Requests per Minute)',
		'anomalyLoopRequestsPerMinute',
		30,
		{ minValue: 1, maxValue: 100_000 },
		'A loop is one ID whose requests in a window average at least this many per minute',
	),
	cooldownMinutes: numberField(
		'Cooldown (Minutes)',
		'anomalyCooldownMinutes',
		60,
		{ minValue: 1, maxValue: 10_080 },
		'After an alert, the same ID gets no alert of the same kind for this long (at least one window)',
	),
	maxClientReferenceIds: numberField(
		'Client Reference IDs Remembered',
		'anomalyMaxClientReferenceIds',
		1000,
		{ minValue: 10, maxValue: 5000 },
		'The baseline keeps this many IDs, the most recently active; an ID forgotten and back counts as new',
	),
} satisfies Record<string, INodeProperties>;

const MIN_COST_RULE = { min: 0, max: 1_000_000_000, maxDecimals: 10 };

function readField(context: IPollFunctions, field: INodeProperties): number {
	const { minValue = 0, maxValue, numberPrecision } = field.typeOptions ?? {};
	return checkNumber(
		context,
		undefined,
		field.displayName,
		context.getNodeParameter(field.name, field.default),
		{ min: minValue, max: maxValue, whole: !numberPrecision },
	);
}

export function readAnomalySettings(context: IPollFunctions): AnomalySettings {
	const fields = ANOMALY_FIELDS;
	const detections = checkChoices(
		context,
		undefined,
		fields.detections.displayName,
		context.getNodeParameter(fields.detections.name, fields.detections.default),
		DETECTION_OPTIONS.map((option) => option.value),
	);
	const method = checkChoice(
		context,
		undefined,
		fields.method.displayName,
		context.getNodeParameter(fields.method.name, fields.method.default),
		METHOD_OPTIONS.map((option) => option.value),
	);
	return {
		detections,
		windowMs: readField(context, fields.windowMinutes) * 60_000,
		baselineWindows: readField(context, fields.baselineWindows),
		method,
		threshold: readField(context, method === 'factor' ? fields.factor : fields.score),
		minCostUsd: checkAmount(
			context,
			undefined,
			fields.minCostUsd.displayName,
			context.getNodeParameter(fields.minCostUsd.name, fields.minCostUsd.default),
			MIN_COST_RULE,
			'Enter an amount in USD, such as 1 or 2.50 (0: any spend).',
		),
		minRequests: readField(context, fields.minRequests),
		loopRequestsPerMinute: readField(context, fields.loopRate),
		cooldownMs: readField(context, fields.cooldownMinutes) * 60_000,
		maxClientReferenceIds: readField(context, fields.maxClientReferenceIds),
	};
}

/** How much history the first activation reads to learn the baselines. */
export function learningSpanMs(settings: AnomalySettings): number {
	return (settings.baselineWindows + 1) * settings.windowMs;
}
