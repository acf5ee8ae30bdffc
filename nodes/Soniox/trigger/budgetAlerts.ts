// Organization Budget Alert: reads the month's usage (and the balance when a condition needs
// it) from the Organization API and alerts once per crossing. Which conditions hold is kept in
// the workflow's static data; a condition alerts when it starts to hold, re-arms when it
// clears, and every condition re-arms when the UTC month changes.
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { compareDecimal, divideToDecimal, formatDecimal, isDecimal } from '../v1/helpers/decimal';
import { DAY_MS, utcMonthOf } from '../v1/helpers/timeRange';
import { sonioxApiRequest } from '../v1/transport';
import { sonioxInvalidResponseError } from '../v1/transport/errors';
import {
	type BudgetCondition,
	type BudgetSettings,
	readBudgetParameters,
} from './budgetParameters';
import { acquireLease } from './pollLease';

const USAGE_PATH = '/v1/organization/usage/monthly';
const BALANCE_PATH = '/v1/organization/balance';
const STATE_KEY = 'budgetAlerts';

interface Snapshot {
	month: string;
	usageUsd: string;
	budgetUsd: string | null;
	remainingBudgetUsd: string | null;
	/** null when billed by invoice, or when no condition needs the balance. */
	balanceUsd: string | null;
}

/** Exact amounts as integers of 10^-10 USD, for products and comparisons. */
const units = (amount: string) => BigInt(formatDecimal(amount).replace('.', ''));
const usd = (value: string) => formatDecimal(value, { decimals: 2 });

function amountOf(context: IPollFunctions, body: IDataObject, field: string, path: string) {
	const value = body[field];
	if (value === null) return null;
	if (isDecimal(value)) return String(value);
	throw sonioxInvalidResponseError(
		context.getNode(),
		`Soniox's answer to GET ${path} has no amount in "${field}"`,
	);
}

async function readSnapshot(
	this: IPollFunctions,
	settings: BudgetSettings,
	now: Date,
): Promise<Snapshot> {
	const month = utcMonthOf(now);
	const usage = await sonioxApiRequest.call(this, {
		method: 'GET',
		path: USAGE_PATH,
		qs: { month },
	});
	const usageUsd = amountOf(this, usage, 'usage_usd', USAGE_PATH);
	if (usageUsd === null)
		throw sonioxInvalidResponseError(
			this.getNode(),
			`Soniox's answer to GET ${USAGE_PATH} has usage_usd null`,
		);
	let balanceUsd: string | null = null;
	if (settings.conditions.some((condition) => condition !== 'budgetShare')) {
		const balance = await sonioxApiRequest.call(this, { method: 'GET', path: BALANCE_PATH });
		if (balance.invoice_billing !== true)
			balanceUsd = amountOf(this, balance, 'balance_usd', BALANCE_PATH);
	}
	return {
		month,
		usageUsd,
		budgetUsd: amountOf(this, usage, 'monthly_budget_usd', USAGE_PATH),
		remainingBudgetUsd: amountOf(this, usage, 'remaining_budget_usd', USAGE_PATH),
		balanceUsd,
	};
}

type Alert = IDataObject & { condition: BudgetCondition };

function budgetShareAlert(snapshot: Snapshot, settings: BudgetSettings): Alert | undefined {
	const { usageUsd, budgetUsd } = snapshot;
	if (budgetUsd === null || compareDecimal(budgetUsd, 0) <= 0) return undefined;
	const share = divideToDecimal(units(usageUsd) * 100n, units(budgetUsd), { decimals: 2 });
	if (compareDecimal(share, settings.sharePercent) < 0) return undefined;
	return {
		condition: 'budgetShare',
		reason: `Usage this month (USD ${usd(usageUsd)}) has reached ${share}% of the monthly budget (USD ${usd(budgetUsd)}); the alert is set at ${settings.sharePercent}%.`,
		observed: `${share}%`,
		threshold: `${settings.sharePercent}%`,
		usage_usd: usageUsd,
		monthly_budget_usd: budgetUsd,
		remaining_budget_usd: snapshot.remainingBudgetUsd,
	};
}

function balanceBelowAlert(snapshot: Snapshot, settings: BudgetSettings): Alert | undefined {
	const { balanceUsd } = snapshot;
	if (balanceUsd === null || compareDecimal(balanceUsd, settings.balanceBelowUsd) >= 0)
		return undefined;
	return {
		condition: 'balanceBelow',
		reason: `The prepaid balance (USD ${usd(balanceUsd)}) is below USD ${usd(settings.balanceBelowUsd)}.`,
		observed: balanceUsd,
		threshold: settings.balanceBelowUsd,
		balance_usd: balanceUsd,
	};
}

/** Burn rate: usage so far ÷ days elapsed in the UTC month (at least one day). */
function runOutAlert(snapshot: Snapshot, settings: BudgetSettings, now: Date): Alert | undefined {
	const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
	const elapsedMs = BigInt(Math.max(DAY_MS, now.getTime() - monthStart));
	const usage = units(snapshot.usageUsd);
	if (usage <= 0n) return undefined;
	const left = [
		{
			limitedBy: 'budget',
			amount: snapshot.budgetUsd === null ? null : snapshot.remainingBudgetUsd,
		},
		{ limitedBy: 'balance', amount: snapshot.balanceUsd },
	].filter((entry): entry is { limitedBy: string; amount: string } => entry.amount !== null);
	if (left.length === 0) return undefined;
	const first = left.reduce((low, entry) =>
		compareDecimal(entry.amount, low.amount) < 0 ? entry : low,
	);
	const remaining = units(first.amount) > 0n ? units(first.amount) : 0n;
	// days left = remaining ÷ (usage per day) = remaining × elapsed ÷ (usage × one day)
	const daysLeft = divideToDecimal(remaining * elapsedMs, usage * BigInt(DAY_MS), { decimals: 2 });
	if (compareDecimal(daysLeft, settings.runOutDays) > 0) return undefined;
	const runOutAt = new Date(now.getTime() + Number((remaining * elapsedMs) / usage));
	const burnRate = divideToDecimal(usage * BigInt(DAY_MS), elapsedMs * 10n ** 10n, {
		decimals: 10,
	});
	return {
		condition: 'runOut',
		reason: `At USD ${usd(burnRate)} a day (this month's usage ÷ days elapsed), the remaining ${first.limitedBy} of USD ${usd(first.amount)} runs out in ${daysLeft} days, by ${runOutAt.toISOString()}; the alert is set at ${settings.runOutDays} days.`,
		observed: `${daysLeft} days`,
		threshold: `${settings.runOutDays} days`,
		limited_by: first.limitedBy,
		remaining_usd: first.amount,
		usage_usd: snapshot.usageUsd,
		days_elapsed: divideToDecimal(elapsedMs, BigInt(DAY_MS), { decimals: 2 }),
		burn_rate_usd_per_day: burnRate,
		days_left: daysLeft,
		projected_run_out_at: runOutAt.toISOString(),
	};
}

function alertsFor(snapshot: Snapshot, settings: BudgetSettings, now: Date): Alert[] {
	const checks: Record<BudgetCondition, () => Alert | undefined> = {
		budgetShare: () => budgetShareAlert(snapshot, settings),
		balanceBelow: () => balanceBelowAlert(snapshot, settings),
		runOut: () => runOutAlert(snapshot, settings, now),
	};
	return settings.conditions.flatMap((condition) => checks[condition]() ?? []);
}

function item(alert: Alert, snapshot: Snapshot, now: Date, extra: IDataObject = {}) {
	const { condition, ...details } = alert;
	const json: IDataObject = {
		alert: condition,
		month: snapshot.month,
		monthly_budget_usd: snapshot.budgetUsd,
		balance_usd: snapshot.balanceUsd,
		...details,
		observed_at: now.toISOString(),
		...extra,
	};
	return { json };
}

interface AlertState {
	month: string;
	/** The conditions that held at the last poll (alerted, waiting to clear). */
	holding: BudgetCondition[];
}

export async function pollBudgetAlerts(
	this: IPollFunctions,
): Promise<INodeExecutionData[][] | null> {
	const settings = readBudgetParameters(this);
	const now = new Date();
	if (this.getMode() === 'manual') {
		// "Fetch test event": the alerts as they would be now, the state untouched.
		const snapshot = await readSnapshot.call(this, settings, now);
		const alerts = alertsFor(snapshot, settings, now);
		return alerts.length
			? [alerts.map((alert) => item(alert, snapshot, now, { test_event: true }))]
			: null;
	}
	const staticData = this.getWorkflowStaticData('node');
	const lease = acquireLease(staticData, now.getTime());
	if (!lease) return null;
	try {
		const snapshot = await readSnapshot.call(this, settings, now);
		const alerts = alertsFor(snapshot, settings, now);
		const previous = staticData[STATE_KEY] as unknown as AlertState | undefined;
		const holding = previous?.month === snapshot.month ? previous.holding : [];
		const fresh = alerts.filter((alert) => !holding.includes(alert.condition));
		if (!lease.held()) return null;
		const next: AlertState = {
			month: snapshot.month,
			holding: alerts.map((alert) => alert.condition),
		};
		staticData[STATE_KEY] = next as unknown as IDataObject;
		return fresh.length ? [fresh.map((alert) => item(alert, snapshot, now))] : null;
	} finally {
		lease.release();
	}
}
