// Soniox Trigger → Organization Budget Alert against the emulator's Organization API: each
// crossing alerts exactly once, never at the polls after it nor for ordinary traffic, and
// re-arms when the condition clears or the month changes.
import { startEmulator, type Emulator } from '../emulator';
import {
	emulatorCredentials,
	emulatorOrganizationCredentials,
	expectRequestsToConform,
} from '../harness';
import { TriggerHarness } from '../harness/poll';

let emulator: Emulator;
let project: string;
beforeAll(async () => {
	emulator = await startEmulator();
});
beforeEach(() => {
	emulator.reset();
	project = emulator.organization.addProject('Call center').id;
});
afterEach(() => {
	expectRequestsToConform(emulator);
	expect(emulator.contractViolations()).toEqual([]);
});
afterAll(() => emulator.close());

const month = () => new Date().toISOString().slice(0, 7);
const spend = (usageUsd: string) =>
	emulator.organization.addUsage({ projectId: project, month: month(), usageUsd });
const trigger = (parameters: Record<string, unknown> = {}) =>
	new TriggerHarness(
		{ event: 'organizationBudget', budgetConditions: ['budgetShare'], ...parameters },
		emulatorCredentials(emulator),
		emulatorOrganizationCredentials(emulator),
	);
const alerts = (run: { items: Array<{ json: Record<string, unknown> }>; error?: Error }) => {
	expect(run.error).toBeUndefined();
	return run.items.map((item) => item.json);
};

describe('Organization Budget Alert: share of the budget', () => {
	it('alerts once when usage crosses the share, not at later polls', async () => {
		emulator.organization.configure({ monthlyBudgetUsd: '100' });
		spend('50');
		const poller = trigger({ budgetSharePercent: 80 });
		expect(alerts(await poller.poll())).toEqual([]);
		spend('35');
		const [alert, ...more] = alerts(await poller.poll());
		expect(more).toEqual([]);
		expect(alert).toMatchObject({
			alert: 'budgetShare',
			month: month(),
			observed: '85.00%',
			threshold: '80%',
			usage_usd: '85.0000000000',
			monthly_budget_usd: '100.0000000000',
			remaining_budget_usd: '15.0000000000',
		});
		expect(alert.reason).toBe(
			'Usage this month (USD 85.00) has reached 85.00% of the monthly budget (USD 100.00); the alert is set at 80%.',
		);
		spend('5');
		expect(alerts(await poller.poll())).toEqual([]);
		poller.restart();
		expect(alerts(await poller.poll())).toEqual([]);
	});

	it('never alerts for ordinary traffic below the share', async () => {
		emulator.organization.configure({ monthlyBudgetUsd: '100', balanceUsd: '500' });
		const poller = trigger({ budgetConditions: ['budgetShare', 'balanceBelow', 'runOut'] });
		for (let poll = 0; poll < 4; poll++) {
			emulator.insertUsage([{ endTime: Date.now() - 1000 }, { endTime: Date.now() - 500 }]);
			expect(alerts(await poller.poll())).toEqual([]);
		}
		expect(
			emulator.requests().some((request) => request.route === 'GET /v1/organization/balance'),
		).toBe(true);
	});

	it('re-arms once usage is below the share again (a higher budget), and alerts at the next crossing', async () => {
		emulator.organization.configure({ monthlyBudgetUsd: '100' });
		spend('90');
		const poller = trigger();
		expect(alerts(await poller.poll()).map((alert) => alert.alert)).toEqual(['budgetShare']);
		emulator.organization.configure({ monthlyBudgetUsd: '200' });
		expect(alerts(await poller.poll())).toEqual([]);
		spend('80');
		expect(alerts(await poller.poll()).map((alert) => alert.observed)).toEqual(['85.00%']);
	});

	it('re-arms at the start of a month', async () => {
		emulator.organization.configure({ monthlyBudgetUsd: '100' });
		spend('90');
		const poller = trigger();
		expect(alerts(await poller.poll())).toHaveLength(1);
		expect(alerts(await poller.poll())).toEqual([]);
		(poller.nodeData().budgetAlerts as { month: string }).month = '2000-01';
		expect(alerts(await poller.poll())).toHaveLength(1);
	});

	it('does nothing without a monthly budget', async () => {
		spend('1000');
		expect(alerts(await trigger().poll())).toEqual([]);
	});
});

describe('Organization Budget Alert: balance and run-out', () => {
	it('alerts once when spending takes the balance below the amount', async () => {
		emulator.organization.configure({ balanceUsd: '20' });
		const poller = trigger({ budgetConditions: ['balanceBelow'], balanceBelowUsd: '10' });
		expect(alerts(await poller.poll())).toEqual([]);
		spend('15');
		expect(alerts(await poller.poll())).toEqual([
			expect.objectContaining({
				alert: 'balanceBelow',
				balance_usd: '5.0000000000',
				observed: '5.0000000000',
				threshold: '10',
				reason: 'The prepaid balance (USD 5.00) is below USD 10.00.',
			}),
		]);
		expect(alerts(await poller.poll())).toEqual([]);
		emulator.organization.configure({ balanceUsd: '100' });
		expect(alerts(await poller.poll())).toEqual([]);
		emulator.organization.configure({ balanceUsd: '3' });
		expect(alerts(await poller.poll())).toHaveLength(1);
	});

	it('alerts once when the burn rate runs the budget out within the days, with the run-out date', async () => {
		emulator.organization.configure({ monthlyBudgetUsd: '1000', balanceUsd: '5000' });
		const poller = trigger({ budgetConditions: ['runOut'], runOutDays: 7 });
		spend('10');
		expect(alerts(await poller.poll())).toEqual([]);
		spend('890');
		const [alert] = alerts(await poller.poll());
		const now = new Date();
		const elapsedDays = Math.max(
			1,
			(now.getTime() - Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)) / 86_400_000,
		);
		expect(alert).toMatchObject({
			alert: 'runOut',
			limited_by: 'budget',
			remaining_usd: '100.0000000000',
		});
		expect(Number(alert.burn_rate_usd_per_day)).toBeCloseTo(900 / elapsedDays, 3);
		expect(Number(alert.days_left)).toBeCloseTo((100 * elapsedDays) / 900, 1);
		const runOutAt = Date.parse(String(alert.projected_run_out_at));
		expect(runOutAt - now.getTime()).toBeCloseTo((100 / (900 / elapsedDays)) * 86_400_000, -5);
		expect(alerts(await poller.poll())).toEqual([]);
	});

	it('counts the balance when it runs out before the budget', async () => {
		emulator.organization.configure({ balanceUsd: '905' });
		spend('900');
		const [alert] = alerts(await trigger({ budgetConditions: ['runOut'] }).poll());
		expect(alert).toMatchObject({ limited_by: 'balance', remaining_usd: '5.0000000000' });
	});
});

describe('Organization Budget Alert: test event and keys', () => {
	it('Fetch Test Event returns the alert as it is now, and remembers nothing', async () => {
		emulator.organization.configure({ monthlyBudgetUsd: '100' });
		spend('90');
		const poller = trigger();
		const [test] = alerts(await poller.poll('manual'));
		expect(test).toMatchObject({ alert: 'budgetShare', observed: '90.00%', test_event: true });
		expect(alerts(await poller.poll())).toHaveLength(1);
	});

	it('a project key in the organization credential fails the poll, naming the key needed', async () => {
		const poller = new TriggerHarness(
			{ event: 'organizationBudget', budgetConditions: ['budgetShare'] },
			emulatorCredentials(emulator),
			{ ...emulatorOrganizationCredentials(emulator), apiKey: emulator.apiKey },
		);
		const { error } = await poller.poll();
		expect(error?.message).toBe(
			'This needs a Soniox organization API key (snx_org_…), and the credential holds a project API key',
		);
	});

	it('refuses a share that is out of range before anything is sent', async () => {
		const { error } = await trigger({ budgetSharePercent: 0 }).poll();
		expect(error?.message).toBe('Share of Budget (%) must be a whole number from 1 to 1000, not 0');
		expect(emulator.requests()).toEqual([]);
	});
});
