// The organization above the emulator's project: its profile, projects, monthly budget and
// prepaid balance, all derived from the one ledger. The emulator's own project is the ledger;
// other projects' usage is seeded per month. Spending lowers the balance from the moment it
// was last set. Shapes the Organization API guide does not publish are ours (README.md).
import { formatDecimal, parseDecimal } from './decimal';
import type { Ledger } from './ledger';

export const DEFAULT_PROJECT_ID = '5f0c8d2e-6a41-4c3b-9d7e-2b8f1a6c4e90';
const ORGANIZATION_ID = '0b3e9a7c-1d2f-4e5a-8b6c-7d9e0f1a2b3c';
const DEFAULT_BALANCE = parseDecimal('1000');

export interface OrganizationSettings {
	/** null: no monthly budget. */
	monthlyBudgetUsd?: string | null;
	monthlyBudgetNotificationUsd?: string | null;
	/** Sets the prepaid balance now; later spending lowers it. */
	balanceUsd?: string;
	/** Billed by invoice rather than from the prepaid balance. */
	invoiceBilling?: boolean;
}

export interface SeededUsage {
	projectId: string;
	/** YYYY-MM, UTC. */
	month: string;
	usageUsd: string;
	scope?: 'api' | 'playground';
}

interface Project {
	id: string;
	name: string;
	created_at: string;
}

export const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The UTC month of an instant, as YYYY-MM. */
export const monthOf = (ms: number) => new Date(ms).toISOString().slice(0, 7);

function monthBounds(month: string) {
	const [, year, number] = MONTH_PATTERN.exec(month) ?? [];
	const start = Date.UTC(Number(year), Number(number) - 1, 1);
	return { start, end: Date.UTC(Number(year), Number(number), 1) };
}

const usd = (units: bigint) => formatDecimal(units);

export class Organization {
	private projects: Project[] = [];

	private seeded: Array<Required<SeededUsage> & { units: bigint }> = [];

	private budget: bigint | null = null;

	private notification: bigint | null = null;

	private invoiceBilling = false;

	/** The balance as last set, and the total spend at that moment. */
	private balanceSet = { units: DEFAULT_BALANCE, spendAtSet: 0n };

	constructor(
		private readonly ledger: Ledger,
		private readonly now: () => number,
	) {
		this.reset();
	}

	reset() {
		this.projects = [
			{ id: DEFAULT_PROJECT_ID, name: 'Default project', created_at: '2025-01-06T09:00:00Z' },
		];
		this.seeded = [];
		this.budget = null;
		this.notification = null;
		this.invoiceBilling = false;
		this.balanceSet = { units: DEFAULT_BALANCE, spendAtSet: 0n };
	}

	configure(settings: OrganizationSettings) {
		const amount = (value: string | null | undefined) =>
			value === null || value === undefined ? null : parseDecimal(value);
		if (settings.monthlyBudgetUsd !== undefined) this.budget = amount(settings.monthlyBudgetUsd);
		if (settings.monthlyBudgetNotificationUsd !== undefined)
			this.notification = amount(settings.monthlyBudgetNotificationUsd);
		if (settings.invoiceBilling !== undefined) this.invoiceBilling = settings.invoiceBilling;
		if (settings.balanceUsd !== undefined) {
			this.balanceSet = { units: parseDecimal(settings.balanceUsd), spendAtSet: this.spend() };
		}
	}

	addProject(name: string, id: string) {
		const project = { id, name, created_at: new Date(this.now()).toISOString() };
		this.projects.push(project);
		return project;
	}

	hasProject(id: string) {
		return this.projects.some((project) => project.id === id);
	}

	addUsage(usage: SeededUsage) {
		this.seeded.push({ scope: 'api', ...usage, units: parseDecimal(usage.usageUsd) });
	}

	profile() {
		return {
			id: ORGANIZATION_ID,
			name: 'Emulator organization',
			created_at: '2025-01-06T09:00:00Z',
		};
	}

	projectList() {
		return { projects: this.projects.map((project) => ({ ...project })) };
	}

	limits() {
		return {
			monthly_budget_usd: this.budget === null ? null : usd(this.budget),
			monthly_budget_notification_usd: this.notification === null ? null : usd(this.notification),
		};
	}

	/** The month's usage: the ledger's visible entries (the default project) and seeded usage. */
	monthlyUsage(month: string) {
		const perProject = new Map<string, { api: bigint; playground: bigint }>(
			this.projects.map((project) => [project.id, { api: 0n, playground: 0n }]),
		);
		const { start, end } = monthBounds(month);
		const own = perProject.get(DEFAULT_PROJECT_ID)!;
		this.ledger.forEachVisible(start, end, this.now(), (row) => {
			own[this.ledger.scopeOf(row)] += parseDecimal(this.ledger.entry(row).cost_usd);
		});
		for (const usage of this.seeded.filter((entry) => entry.month === month)) {
			perProject.get(usage.projectId)![usage.scope] += usage.units;
		}
		let api = 0n;
		let playground = 0n;
		for (const sums of perProject.values()) {
			api += sums.api;
			playground += sums.playground;
		}
		const total = api + playground;
		const current = month === monthOf(this.now());
		const budget = current ? this.budget : null;
		const projects = this.projects
			.map((project) => {
				const sums = perProject.get(project.id)!;
				return { id: project.id, name: project.name, usage_usd: sums.api + sums.playground };
			})
			.sort((a, b) => (a.usage_usd === b.usage_usd ? 0 : a.usage_usd > b.usage_usd ? -1 : 1));
		return {
			month,
			usage_usd: usd(total),
			free_usage_usd: usd(0n),
			invoiced_usage_usd: usd(this.invoiceBilling ? total : 0n),
			api_usage_usd: usd(api),
			playground_usage_usd: usd(playground),
			monthly_budget_usd: budget === null ? null : usd(budget),
			monthly_budget_notification_usd:
				current && this.notification !== null ? usd(this.notification) : null,
			remaining_budget_usd: budget === null ? null : usd(budget > total ? budget - total : 0n),
			budget_exhausted: budget === null ? null : total >= budget,
			projects: projects.map((project) => ({ ...project, usage_usd: usd(project.usage_usd) })),
		};
	}

	balance() {
		const spent = this.spend() - this.balanceSet.spendAtSet;
		const left = this.invoiceBilling ? this.balanceSet.units : this.balanceSet.units - spent;
		return {
			balance_usd: usd(left > 0n ? left : 0n),
			invoice_billing: this.invoiceBilling,
		};
	}

	/** Everything spent so far, in every project and month. */
	private spend() {
		let total = 0n;
		this.ledger.forEachVisible(0, Number.MAX_SAFE_INTEGER, this.now(), (row) => {
			total += parseDecimal(this.ledger.entry(row).cost_usd);
		});
		for (const usage of this.seeded) total += usage.units;
		return total;
	}
}
