// The Organization API over real HTTP: every endpoint with an organization key, each refusal
// of the wrong kind of key, the budget fields only for the current month, and a balance that
// spending lowers. Every response is held to contract/organization.ts.
import { DEFAULT_PROJECT_ID, startEmulator, type Emulator } from '..';
import { monthOf } from '../organization';
import { rest, type ErrorEnvelope } from './rest-helpers';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator();
});
beforeEach(() => emulator.reset());
afterEach(() => expect(emulator.contractViolations()).toEqual([]));
afterAll(() => emulator.close());

const thisMonth = () => monthOf(Date.now());
const lastMonth = () => {
	const now = new Date();
	return monthOf(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15));
};
const get = <T>(path: string, key = emulator.organizationApiKey) =>
	rest(emulator).json<T>(rest(emulator).call(path, {}, key));

interface MonthlyUsage {
	usage_usd: string;
	api_usage_usd: string;
	playground_usage_usd: string;
	monthly_budget_usd: string | null;
	monthly_budget_notification_usd: string | null;
	remaining_budget_usd: string | null;
	budget_exhausted: boolean | null;
	projects: Array<{ id: string; name: string; usage_usd: string }>;
}

describe('Organization API', () => {
	it('serves the profile, projects and limits to an organization key', async () => {
		const other = emulator.organization.addProject('Call center');
		expect(await get('/v1/organization')).toMatchObject({ name: 'Emulator organization' });
		const { projects } = await get<{ projects: Array<{ id: string }> }>(
			'/v1/organization/projects',
		);
		expect(projects.map((project) => project.id)).toEqual([DEFAULT_PROJECT_ID, other.id]);
		emulator.organization.configure({ monthlyBudgetUsd: '250' });
		expect(await get('/v1/organization/limits')).toEqual({
			monthly_budget_usd: '250.0000000000',
			monthly_budget_notification_usd: null,
		});
	});

	it('sums the month from the ledger and the other projects, highest cost first', async () => {
		const [entry] = emulator.insertUsage([{ endTime: Date.now() - 1000 }]);
		emulator.insertUsage([{ endTime: Date.now() - 2000, requestScope: 'playground' }]);
		const other = emulator.organization.addProject('Call center');
		emulator.organization.addUsage({ projectId: other.id, month: thisMonth(), usageUsd: '40' });
		emulator.organization.configure({
			monthlyBudgetUsd: '100',
			monthlyBudgetNotificationUsd: '80',
		});

		const usage = await get<MonthlyUsage>(`/v1/organization/usage/monthly?month=${thisMonth()}`);
		const own = emulator
			.ledger()
			.reduce((sum, row) => sum + Number(row.cost_usd), 0)
			.toFixed(10);
		expect(usage.projects).toEqual([
			{ id: other.id, name: 'Call center', usage_usd: '40.0000000000' },
			{ id: DEFAULT_PROJECT_ID, name: 'Default project', usage_usd: own },
		]);
		expect(Number(usage.usage_usd)).toBeCloseTo(40 + Number(own), 10);
		expect(Number(usage.api_usage_usd)).toBeCloseTo(40 + Number(entry.cost_usd), 10);
		expect(usage.monthly_budget_usd).toBe('100.0000000000');
		expect(usage.monthly_budget_notification_usd).toBe('80.0000000000');
		expect(Number(usage.remaining_budget_usd)).toBeCloseTo(100 - Number(usage.usage_usd), 10);
		expect(usage.budget_exhausted).toBe(false);
	});

	it('gives budget fields only for the current month, and reads the current month by default', async () => {
		emulator.organization.configure({ monthlyBudgetUsd: '100' });
		const other = emulator.organization.addProject('Archive');
		emulator.organization.addUsage({ projectId: other.id, month: lastMonth(), usageUsd: '7.5' });
		const past = await get<MonthlyUsage>(`/v1/organization/usage/monthly?month=${lastMonth()}`);
		expect(past).toMatchObject({
			usage_usd: '7.5000000000',
			monthly_budget_usd: null,
			remaining_budget_usd: null,
			budget_exhausted: null,
		});
		const current = await get<MonthlyUsage & { month: string }>('/v1/organization/usage/monthly');
		expect(current).toMatchObject({ month: thisMonth(), usage_usd: '0.0000000000' });
	});

	it('marks the budget exhausted once usage reaches it', async () => {
		const other = emulator.organization.addProject('Batch');
		emulator.organization.addUsage({ projectId: other.id, month: thisMonth(), usageUsd: '100' });
		emulator.organization.configure({ monthlyBudgetUsd: '100' });
		expect(await get('/v1/organization/usage/monthly')).toMatchObject({
			remaining_budget_usd: '0.0000000000',
			budget_exhausted: true,
		});
	});

	it('lowers the prepaid balance by what is spent after it was set', async () => {
		emulator.organization.configure({ balanceUsd: '50' });
		expect(await get('/v1/organization/balance')).toEqual({
			balance_usd: '50.0000000000',
			invoice_billing: false,
		});
		const other = emulator.organization.addProject('Batch');
		emulator.organization.addUsage({ projectId: other.id, month: thisMonth(), usageUsd: '12.25' });
		const [entry] = emulator.insertUsage([{ endTime: Date.now() - 1000 }]);
		const { balance_usd: balance } = await get<{ balance_usd: string }>('/v1/organization/balance');
		expect(Number(balance)).toBeCloseTo(50 - 12.25 - Number(entry.cost_usd), 10);
	});

	it('refuses a bad month with a validation error', async () => {
		const response = await rest(emulator).call(
			'/v1/organization/usage/monthly?month=2026-13',
			{},
			emulator.organizationApiKey,
		);
		expect(response.status).toBe(400);
		const body = (await response.json()) as ErrorEnvelope;
		expect(body.validation_errors[0].location).toBe('query.month');
	});
});

describe('Keys of the other kind', () => {
	it('refuses a project key on the Organization API with permission_denied', async () => {
		for (const path of [
			'/v1/organization',
			'/v1/organization/balance',
			'/v1/organization/usage/monthly',
		]) {
			const response = await rest(emulator).call(path, {}, emulator.apiKey);
			expect(response.status).toBe(403);
			const body = (await response.json()) as ErrorEnvelope;
			expect(body.error_type).toBe('permission_denied');
			expect(body.message).toContain('organization API key');
		}
	});

	it('refuses an organization key on project endpoints with permission_denied', async () => {
		for (const path of ['/v1/models', '/v1/files', '/v1/concurrency-limits']) {
			const response = await rest(emulator).call(path, {}, emulator.organizationApiKey);
			expect(response.status).toBe(403);
			expect(((await response.json()) as ErrorEnvelope).error_type).toBe('permission_denied');
		}
		const tts = await rest(emulator).post('/tts', {}, emulator.organizationApiKey);
		expect(tts.status).toBe(403);
	});

	it('still answers 401 to a key it does not know, and to none', async () => {
		expect((await rest(emulator).call('/v1/organization', {}, 'snx_org_unknown')).status).toBe(401);
		expect((await rest(emulator).call('/v1/organization', {}, null)).status).toBe(401);
	});

	it('keeps organization keys out of the request log', async () => {
		await rest(emulator).call(
			`/v1/organization?key=${emulator.organizationApiKey}`,
			{},
			emulator.organizationApiKey,
		);
		expect(JSON.stringify(emulator.requests())).not.toContain(emulator.organizationApiKey);
	});
});
