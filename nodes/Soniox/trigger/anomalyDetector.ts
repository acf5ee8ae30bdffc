// Usage anomalies per client reference ID (and for untagged usage), from the entries each
// poll delivers. Time is cut into UTC-aligned windows of the entries' end times (Soniox's
// clock); each ID keeps its usage per window for the baseline windows before the newest, so
// the state is bounded: at most `maxClientReferenceIds` IDs (the least recently active are
// forgotten first) × (baseline windows + 1) buckets. The detector never changes the state it
// was given: the trigger commits `next` together with the poller's state, so a failed poll
// moves neither, and the next poll sees the same entries against the same baseline.
//
// A window is judged each time a poll adds to it, by what it holds so far: usage only grows,
// so an alert never has to be taken back, and the cooldown (at least one window) keeps each
// (ID, kind) to one alert per anomaly.
import type { IDataObject } from 'n8n-workflow';

import {
	DecimalSums,
	formatDecimal,
	SONIOX_COST_DECIMALS,
	compareDecimal,
} from '../v1/helpers/decimal';
import { clientReferenceIdOf, endTimeOf, type UsageLogEntry } from '../v1/helpers/usageLogEntry';
import type { AnomalyKind, AnomalySettings } from './anomalyParameters';
import { jumpOf, type Jump } from './anomalyStatistics';

const STATE_VERSION = 1;
/** The key of usage without a client reference ID; tagged IDs are stored as "=" + ID. */
const UNTAGGED = '-';

type Bucket = [window: number, costUsd: string, requests: number];

interface ClientRecord {
	/** The first window from which this record knows the ID's usage in full. */
	first: number;
	/** The newest window with usage: the least recently active are forgotten first. */
	last: number;
	/** Usage per window, oldest first, only within the baseline of the newest window. */
	buckets: Bucket[];
	/** The window of the last alert of each kind (the cooldown). */
	alerted: Partial<Record<AnomalyKind, number>>;
}

export interface AnomalyState {
	version: number;
	windowMs: number;
	baselineWindows: number;
	/** The first window whose usage the trigger saw in full: baselines start here. */
	trackedFrom: number;
	/** No alert for earlier windows: what the trigger learned its baselines from. */
	alertsFrom: number;
	clients: Record<string, ClientRecord>;
}

export interface WindowUsage {
	costUsd: string;
	requests: number;
}

export interface AnomalyAlert {
	kind: AnomalyKind;
	/** "" for usage without a client reference ID, as Soniox logs it. */
	clientReferenceId: string;
	windowStart: number;
	windowMs: number;
	observed: WindowUsage;
	/** The baseline windows (oldest first), when the kind compares with them. */
	history?: WindowUsage[];
	/** Spikes: the jump of each metric, and which crossed the threshold. */
	cost?: Jump;
	requests?: Jump;
	jumped?: Array<'cost' | 'requests'>;
}

const windowOf = (ms: number, windowMs: number) => Math.floor(ms / windowMs);

/** A committed state that fits the settings, or undefined (none yet, or other windows). */
export function readAnomalyState(
	data: IDataObject,
	settings: AnomalySettings,
): AnomalyState | undefined {
	const state = data.usageAnomaly as AnomalyState | undefined;
	if (typeof state !== 'object' || state === null) return undefined;
	const fits =
		state.version === STATE_VERSION &&
		state.windowMs === settings.windowMs &&
		state.baselineWindows === settings.baselineWindows &&
		Number.isFinite(state.trackedFrom) &&
		Number.isFinite(state.alertsFrom) &&
		typeof state.clients === 'object' &&
		state.clients !== null;
	return fits ? state : undefined;
}

/**
 * The state to start from. `since` (Soniox's time) is where the poller starts delivering: on a
 * first activation the poll reads the learning span and `learnOnly` makes it alert on nothing;
 * when the poller already runs (the output or windows changed) the baseline is learned over
 * the next baseline windows, which do not alert.
 */
export function startAnomalyState(
	settings: AnomalySettings,
	since: number,
	learnOnly: boolean,
): AnomalyState {
	const trackedFrom = Math.ceil(since / settings.windowMs);
	return {
		version: STATE_VERSION,
		windowMs: settings.windowMs,
		baselineWindows: settings.baselineWindows,
		trackedFrom,
		alertsFrom: learnOnly ? Number.MAX_SAFE_INTEGER : trackedFrom + settings.baselineWindows,
		clients: {},
	};
}

interface WindowSums {
	cost: DecimalSums<'cost'>;
	requests: number;
}

class WorkingRecord {
	private readonly windows = new Map<number, WindowSums>();

	constructor(
		readonly first: number,
		public last: number,
		readonly alerted: Partial<Record<AnomalyKind, number>>,
		stored: Bucket[] = [],
	) {
		for (const [window, costUsd, requests] of stored) {
			const sums = this.sums(window);
			sums.cost.add('cost', costUsd);
			sums.requests = requests;
		}
	}

	private sums(window: number): WindowSums {
		let sums = this.windows.get(window);
		if (!sums) {
			sums = { cost: new DecimalSums({ cost: SONIOX_COST_DECIMALS }), requests: 0 };
			this.windows.set(window, sums);
		}
		return sums;
	}

	add(window: number, costUsd: string) {
		const sums = this.sums(window);
		sums.cost.add('cost', costUsd);
		sums.requests++;
		if (window > this.last) this.last = window;
	}

	usage(window: number): WindowUsage {
		const sums = this.windows.get(window);
		return {
			costUsd: formatDecimal(sums ? sums.cost.total('cost') : 0),
			requests: sums?.requests ?? 0,
		};
	}

	stored(keepFrom: number): ClientRecord {
		const buckets = [...this.windows.keys()]
			.filter((window) => window >= keepFrom)
			.sort((a, b) => a - b)
			.map((window): Bucket => {
				const { costUsd, requests } = this.usage(window);
				return [window, formatDecimal(costUsd, { trim: true }), requests];
			});
		return { first: this.first, last: this.last, buckets, alerted: { ...this.alerted } };
	}
}

/**
 * Adds one poll's entries (already filtered, in any order) to the state and returns the alerts
 * they raise and the state to commit. `nextPollFrom` (Soniox's time) is where the next poll
 * starts reading: windows from there on keep their whole baseline, older buckets are dropped.
 */
export function detectAnomalies(
	state: AnomalyState,
	entries: UsageLogEntry[],
	settings: AnomalySettings,
	nextPollFrom: number,
	options: { learnOnly?: boolean } = {},
): { alerts: AnomalyAlert[]; next: AnomalyState } {
	const { windowMs, baselineWindows: span } = settings;
	const keepFrom = windowOf(nextPollFrom, windowMs) - span;
	const alertsFrom = options.learnOnly ? Number.MAX_SAFE_INTEGER : state.alertsFrom;
	const records = new Map<string, WorkingRecord>();
	for (const [key, stored] of Object.entries(state.clients)) {
		records.set(
			key,
			new WorkingRecord(stored.first, stored.last, { ...stored.alerted }, stored.buckets),
		);
	}
	const touched = new Map<string, Set<number>>();
	for (const entry of entries) {
		const window = windowOf(endTimeOf(entry), windowMs);
		const id = clientReferenceIdOf(entry);
		const key = id === '' ? UNTAGGED : `=${id}`;
		let record = records.get(key);
		if (!record) {
			// What happened before is known from the start of tracking, unless the ID is new.
			const known = key === UNTAGGED || window < alertsFrom;
			record = new WorkingRecord(known ? state.trackedFrom : window, window, {});
			records.set(key, record);
		}
		record.add(window, String(entry.cost_usd ?? '0'));
		if (!touched.has(key)) touched.set(key, new Set());
		touched.get(key)!.add(window);
	}

	const alerts: AnomalyAlert[] = [];
	const judged = [...touched].flatMap(([key, windows]) =>
		[...windows].filter((window) => window >= alertsFrom).map((window) => ({ key, window })),
	);
	judged.sort((a, b) => a.window - b.window || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
	for (const { key, window } of judged) {
		alerts.push(...judgeWindow(key, records.get(key)!, window, state, settings));
	}

	const next: AnomalyState = { ...state, alertsFrom, clients: {} };
	// After learning, what the next poll reads is judged: an ID first seen there is new.
	if (options.learnOnly) next.alertsFrom = windowOf(nextPollFrom, windowMs);
	const tagged = [...records].filter(([key]) => key !== UNTAGGED);
	tagged.sort(([a, left], [b, right]) => right.last - left.last || (a < b ? -1 : 1));
	const kept = tagged.slice(0, settings.maxClientReferenceIds);
	const untagged = records.get(UNTAGGED);
	if (untagged) kept.push([UNTAGGED, untagged]);
	for (const [key, record] of kept) next.clients[key] = record.stored(keepFrom);
	return { alerts, next };
}

function judgeWindow(
	key: string,
	record: WorkingRecord,
	window: number,
	state: AnomalyState,
	settings: AnomalySettings,
): AnomalyAlert[] {
	const span = settings.baselineWindows;
	const observed = record.usage(window);
	const clientReferenceId = key === UNTAGGED ? '' : key.slice(1);
	const base = {
		clientReferenceId,
		windowStart: window * settings.windowMs,
		windowMs: settings.windowMs,
		observed,
	};
	const enabled = (kind: AnomalyKind) => settings.detections.includes(kind);
	const cooled = (kind: AnomalyKind) => {
		const last = record.alerted[kind];
		const cooldownWindows = Math.max(1, Math.ceil(settings.cooldownMs / settings.windowMs));
		return last === undefined || window >= last + cooldownWindows;
	};
	const costEnough = compareDecimal(observed.costUsd, settings.minCostUsd) >= 0;
	const requestsEnough = observed.requests >= settings.minRequests;
	const fullBaseline = window - span >= Math.max(record.first, state.trackedFrom);
	const history = fullBaseline
		? Array.from({ length: span }, (_, index) => record.usage(window - span + index))
		: undefined;

	const alerts: AnomalyAlert[] = [];
	const raise = (alert: AnomalyAlert) => {
		alerts.push(alert);
		record.alerted[alert.kind] = window;
	};
	if (
		key !== UNTAGGED &&
		enabled('newClientReferenceId') &&
		record.first >= state.alertsFrom &&
		window < record.first + span &&
		record.alerted.newClientReferenceId === undefined &&
		(costEnough || requestsEnough)
	) {
		raise({ kind: 'newClientReferenceId', ...base });
	}
	if (
		key === UNTAGGED &&
		enabled('untaggedUsage') &&
		history?.every((usage) => usage.requests === 0) &&
		cooled('untaggedUsage') &&
		(costEnough || requestsEnough)
	) {
		raise({ kind: 'untaggedUsage', ...base, history });
	}
	const loopRequests = settings.loopRequestsPerMinute * (settings.windowMs / 60_000);
	if (enabled('requestLoop') && observed.requests >= loopRequests && cooled('requestLoop')) {
		raise({ kind: 'requestLoop', ...base, history });
	}
	if (alerts.length > 0) {
		// The spike is what those alerts already tell: it waits out their cooldown.
		record.alerted.spike = window;
		return alerts;
	}
	if (!enabled('spike') || !history || !cooled('spike')) return alerts;
	const cost = jumpOf(
		settings.method,
		Number(observed.costUsd),
		history.map((usage) => Number(usage.costUsd)),
	);
	const requests = jumpOf(
		settings.method,
		observed.requests,
		history.map((usage) => usage.requests),
	);
	const jumped: Array<'cost' | 'requests'> = [];
	if (costEnough && cost.value >= settings.threshold) jumped.push('cost');
	if (requestsEnough && requests.value >= settings.threshold) jumped.push('requests');
	if (jumped.length > 0) raise({ kind: 'spike', ...base, history, cost, requests, jumped });
	return alerts;
}
