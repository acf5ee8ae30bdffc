// Organization → every operation against the emulator's Organization API, the key of the
// wrong kind on either API named in words, and the organization credential's Test button.
import { DEFAULT_PROJECT_ID, startEmulator, type Emulator } from '../emulator';
import {
	core,
	emulatorCredentials,
	emulatorOrganizationCredentials,
	expectRequestsToConform,
	runNode,
} from '../harness';
import { sonioxOrganizationApiTest } from '../../nodes/Soniox/v1/methods/credentialTest';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator();
});
beforeEach(() => emulator.reset());
afterEach(() => expectRequestsToConform(emulator));
afterAll(() => emulator.close());

const thisMonth = () => new Date().toISOString().slice(0, 7);
const organization = (operation: string, parameters: Record<string, unknown> = {}) =>
	runNode({
		parameters: { resource: 'organization', operation, ...parameters },
		organizationCredentials: emulatorOrganizationCredentials(emulator),
	});

describe('Organization operations', () => {
	it('Get Monthly Usage reads the current UTC month by default, amounts as Soniox sends them', async () => {
		const other = emulator.organization.addProject('Call center');
		emulator.organization.addUsage({ projectId: other.id, month: thisMonth(), usageUsd: '12.5' });
		emulator.organization.configure({ monthlyBudgetUsd: '100' });
		const { items, error } = await organization('getMonthlyUsage');
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({
			month: thisMonth(),
			usage_usd: '12.5000000000',
			monthly_budget_usd: '100.0000000000',
			remaining_budget_usd: '87.5000000000',
			budget_exhausted: false,
		});
		expect(emulator.requests().at(-1)?.query).toEqual({ month: thisMonth() });
	});

	it('Get Monthly Usage of a past month has no budget fields', async () => {
		emulator.organization.configure({ monthlyBudgetUsd: '100' });
		const { items } = await organization('getMonthlyUsage', { month: '2025-02' });
		expect(items[0].json).toMatchObject({ month: '2025-02', monthly_budget_usd: null });
	});

	it('refuses a month that is not YYYY-MM before anything is sent', async () => {
		for (const month of ['2026-5', '2026-13', 'May 2026']) {
			const { error } = await organization('getMonthlyUsage', { month });
			expect(error?.message).toBe(`Month of item 0 must be a month as YYYY-MM, not "${month}"`);
		}
		expect(emulator.requests()).toEqual([]);
	});

	it('Get Balance, Get Profile, Get Limits and Get Many Projects pass Soniox answers through', async () => {
		emulator.organization.configure({ balanceUsd: '42.5', monthlyBudgetNotificationUsd: '80' });
		const other = emulator.organization.addProject('Archive');
		expect((await organization('getBalance')).items[0].json).toEqual({
			balance_usd: '42.5000000000',
			invoice_billing: false,
		});
		expect((await organization('getProfile')).items[0].json).toMatchObject({
			name: 'Emulator organization',
		});
		expect((await organization('getLimits')).items[0].json).toEqual({
			monthly_budget_usd: null,
			monthly_budget_notification_usd: '80.0000000000',
		});
		const projects = (await organization('getProjects')).items.map((item) => item.json.id);
		expect(projects).toEqual([DEFAULT_PROJECT_ID, other.id]);
	});
});

describe('A key of the wrong kind', () => {
	it('a project key in the organization credential: the error names the key needed', async () => {
		const { error } = await runNode({
			parameters: { resource: 'organization', operation: 'getBalance' },
			organizationCredentials: {
				...emulatorOrganizationCredentials(emulator),
				apiKey: emulator.apiKey,
			},
		});
		expect(error?.message).toBe(
			'This needs a Soniox organization API key (snx_org_…), and the credential holds a project API key',
		);
		expect(error?.description).toContain('Settings → Organization API keys');
		expect(JSON.stringify(error)).not.toContain(emulator.apiKey);
	});

	it('an organization key in the project credential: the error names the key needed', async () => {
		const { error } = await runNode({
			parameters: { resource: 'model', operation: 'getMany' },
			credentials: { ...emulatorCredentials(emulator), apiKey: emulator.organizationApiKey },
		});
		expect(error?.message).toBe(
			'This needs a Soniox project API key, and the credential holds an organization API key (snx_org_…)',
		);
		expect(JSON.stringify(error)).not.toContain(emulator.organizationApiKey);
	});

	it('the Organization resource uses the organization credential, not the project one', async () => {
		const { items, error } = await runNode({
			parameters: { resource: 'organization', operation: 'getProfile' },
			credentials: { ...emulatorCredentials(emulator), restUrl: 'http://127.0.0.1:9' },
			organizationCredentials: emulatorOrganizationCredentials(emulator),
		});
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ name: 'Emulator organization' });
	});
});

describe('Soniox Organization API credential: Test', () => {
	const test = (data: Record<string, unknown>) =>
		sonioxOrganizationApiTest.call(new core.CredentialTestContext(), {
			id: '2',
			name: 'Soniox organization',
			type: 'sonioxOrganizationApi',
			data: { ...emulatorOrganizationCredentials(emulator), ...data },
		} as never);

	it('passes with an organization key', async () => {
		expect(await test({})).toEqual({
			status: 'OK',
			message: 'Connection successful: the organization key works.',
		});
	});

	it('refuses a project key in words', async () => {
		const result = await test({ apiKey: emulator.apiKey });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(
			/^This is a project API key, and the Organization API needs an organization API key \(snx_org_…\)/,
		);
	});

	it('refuses an unknown key', async () => {
		expect((await test({ apiKey: 'snx_org_nope' })).message).toMatch(/^Soniox rejected the key/);
	});
});
