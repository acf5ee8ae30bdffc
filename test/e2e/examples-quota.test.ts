// The per-customer quota example in a running `n8n start`: the Soniox Trigger keeps each
// customer's month-to-date spend in an n8n Data Table, and the temporary-key endpoint reads it
// to refuse a key to a customer at or over their quota.
import { startEmulator, type Emulator } from '../emulator';
import {
	exampleWorkflow,
	N8nInstance,
	withParameters,
	type ExampleWorkflow,
	type N8nServer,
} from './n8n';
import { exactSum, MINUTE, utcMonthStart } from './usage';
import {
	E2E_OWNER,
	ENDPOINT_SECRET,
	endpointSecretCredential,
	exampleCredential,
	transcribeInBrowserStyle,
} from './workflows';

jest.setTimeout(600_000);

let emulator: Emulator;
let n8n: N8nInstance;
let server: N8nServer;

const WORKFLOW_ID = 'sonioxCustomerQuota';
const PATH = 'soniox/temporary-key-with-quota';
const TABLE = 'soniox_month_to_date_spend';
const SECRET = 'e2e-quota-endpoint-secret-0123456789';
const QUOTA_USD = '0.50';
const KEY_ROUTE = 'POST /v1/auth/temporary-api-key';
const backend = { 'content-type': 'application/json', [ENDPOINT_SECRET.header]: SECRET };

/** The example with a default quota of $0.50 and initech allowed $5. */
function quotaWorkflow(): ExampleWorkflow {
	return withParameters(
		exampleWorkflow('per-customer-quota.json'),
		'Quota settings',
		(parameters) => {
			const { assignments } = parameters.assignments as {
				assignments: Array<{ name: string; value: unknown }>;
			};
			assignments.find((assignment) => assignment.name === 'default_quota_usd')!.value = QUOTA_USD;
			assignments.find((assignment) => assignment.name === 'quota_usd_by_customer')!.value =
				'{ "initech": "5" }';
		},
	);
}

// Before activation, this month: the first poll reads the month so far.
let seeded: ReturnType<Emulator['insertUsage']>;
const costOf = (customer: string) =>
	exactSum(
		emulator
			.ledger()
			.filter((entry) => entry.client_reference_id === customer)
			.map((entry) => entry.cost_usd),
	);

beforeAll(async () => {
	[emulator, n8n] = await Promise.all([startEmulator(), N8nInstance.create()]);
	await n8n.importCredentials([exampleCredential(emulator), endpointSecretCredential(SECRET)]);
	const at = (minutesAgo: number) =>
		Math.max(utcMonthStart(Date.now()) + 1000, Date.now() - minutesAgo * MINUTE);
	seeded = emulator.insertUsage([
		// acme: a few cents, under the quota.
		{ endTime: at(30), clientReferenceId: 'acme', inputAudioDurationMs: 10 * MINUTE },
		{ endTime: at(20), clientReferenceId: 'acme', inputAudioDurationMs: 5 * MINUTE },
		// globex: five hours of audio, over $0.50.
		...[50, 40, 30, 20, 10].map((minutesAgo) => ({
			endTime: at(minutesAgo),
			clientReferenceId: 'globex',
			inputAudioDurationMs: 60 * MINUTE,
		})),
		// initech: as much, but its own quota is $5.
		...[45, 35, 25, 15, 5].map((minutesAgo) => ({
			endTime: at(minutesAgo),
			clientReferenceId: 'initech',
			inputAudioDurationMs: 60 * MINUTE,
		})),
		// Untagged usage belongs to nobody's quota.
		{ endTime: at(15), clientReferenceId: null, inputAudioDurationMs: 60 * MINUTE },
	]);
	const workflow = quotaWorkflow();
	await n8n.importWorkflow([workflow]);
	await n8n.publishWorkflow(workflow.id);
	server = await n8n.start();
	await server.setupOwner(E2E_OWNER);
});

afterAll(async () => {
	await server?.stop();
	await emulator?.close();
	n8n?.remove();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const thisMonth = () => new Date().toISOString().slice(0, 7);
const keyRequests = () => emulator.requests().filter((request) => request.route === KEY_ROUTE);

interface SpendRow {
	customer: string;
	month: string;
	month_to_date_usd: string;
	requests: number;
}

/** The rows of the spend table, read through n8n's REST API as the owner. */
async function spendRows(): Promise<SpendRow[]> {
	const tables = await server.rest<{
		data: Array<{ id: string; name: string; projectId: string }>;
	}>('GET', '/data-tables-global');
	const table = tables.data.find((candidate) => candidate.name === TABLE);
	if (!table) return [];
	const rows = await server.rest<{ data: SpendRow[] }>(
		'GET',
		`/projects/${table.projectId}/data-tables/${table.id}/rows?skip=0&take=100`,
	);
	return rows.data
		.map(({ customer, month, month_to_date_usd, requests }) => ({
			customer,
			month,
			month_to_date_usd,
			requests,
		}))
		.sort((a, b) => a.customer.localeCompare(b.customer));
}

/** Waits until the spend table holds what `expected` says, or fails with what it holds. */
async function waitForSpend(expected: SpendRow[], timeoutMs = 150_000) {
	const deadline = Date.now() + timeoutMs;
	let rows: SpendRow[] = [];
	while (Date.now() < deadline) {
		rows = await spendRows();
		if (JSON.stringify(rows) === JSON.stringify(expected)) return;
		await pause(1000);
	}
	expect({ rows, log: server.log().slice(-3000) }).toEqual({
		rows: expected,
		log: expect.anything(),
	});
}

async function requestKey(userId: string, headers: Record<string, string> = backend) {
	return await server.webhook(PATH, {
		method: 'POST',
		headers,
		body: JSON.stringify({ user_id: userId }),
	});
}

describe('per-customer monthly quota for temporary keys', () => {
	test("the trigger keeps each identified customer's month-to-date spend, exactly", async () => {
		expect(seeded).toHaveLength(13);
		expect(await server.rest('GET', `/workflows/${WORKFLOW_ID}`)).toMatchObject({ active: true });
		expect(Number(costOf('globex'))).toBeGreaterThan(Number(QUOTA_USD));
		await waitForSpend([
			{ customer: 'acme', month: thisMonth(), month_to_date_usd: costOf('acme'), requests: 2 },
			{ customer: 'globex', month: thisMonth(), month_to_date_usd: costOf('globex'), requests: 5 },
			{
				customer: 'initech',
				month: thisMonth(),
				month_to_date_usd: costOf('initech'),
				requests: 5,
			},
		]);
	});

	test('refuses a caller without the endpoint secret: 403, no key is made', async () => {
		const before = emulator.requests().length;
		for (const headers of [
			{ 'content-type': 'application/json' },
			{ 'content-type': 'application/json', [ENDPOINT_SECRET.header]: 'guessed' },
		]) {
			const response = await requestKey('acme', headers);
			expect(response.status).toBe(403);
		}
		expect(emulator.requests().slice(before)).toEqual([]);
	});

	test('a customer over the quota gets 429 with the numbers, and no key is made', async () => {
		const keysBefore = keyRequests().length;
		const response = await requestKey('globex');
		expect(response.status).toBe(429);
		expect(response.headers.get('cache-control')).toBe('no-store');
		const spent = costOf('globex');
		expect(await response.json()).toEqual({
			error: `Monthly quota reached: $${Number(spent).toFixed(2)} of $0.50 used in ${thisMonth()} (UTC)`,
			month_to_date_usd: spent,
			quota_usd: QUOTA_USD,
		});
		expect(keyRequests()).toHaveLength(keysBefore);
	});

	test('a customer under the quota gets a key bound to them; its use is counted next', async () => {
		const keysBefore = keyRequests().length;
		const response = await requestKey('acme');
		expect(response.status).toBe(200);
		expect(response.headers.get('cache-control')).toBe('no-store');
		const body = (await response.json()) as Record<string, string>;
		expect(Object.keys(body).sort()).toEqual(['api_key', 'expires_at', 'websocket_url']);
		expect(body.api_key).toMatch(/^snx_temp_/);
		expect(keyRequests()).toHaveLength(keysBefore + 1);
		expect(keyRequests().at(-1)!.status).toBe(201);

		// The browser streams with it, claiming to be someone else: Soniox logs acme.
		const before = emulator.ledger().length;
		await transcribeInBrowserStyle(body.websocket_url, body.api_key, 'not-me');
		const [session] = emulator.ledger().slice(before);
		expect(session).toMatchObject({ client_reference_id: 'acme' });

		// The next poll adds the session to acme's month: Get → add → Upsert on a known row.
		const rows = await spendRows();
		await waitForSpend(
			rows.map((row) =>
				row.customer === 'acme' ? { ...row, month_to_date_usd: costOf('acme'), requests: 3 } : row,
			),
		);
	});

	test('a customer with a quota of their own gets a key over the default', async () => {
		const keysBefore = keyRequests().length;
		const response = await requestKey('initech');
		expect(response.status).toBe(200);
		expect(((await response.json()) as { api_key: string }).api_key).toMatch(/^snx_temp_/);
		expect(keyRequests()).toHaveLength(keysBefore + 1);
	});

	test('a new customer, with no spend yet, gets a key; a request without a user gets 400', async () => {
		expect((await requestKey('umbrella')).status).toBe(200);
		const response = await server.webhook(PATH, {
			method: 'POST',
			headers: backend,
			body: JSON.stringify({}),
		});
		expect(response.status).toBe(400);
		expect(await response.json()).toEqual({
			error: 'user_id is required: the ID of the signed-in user',
		});
	});
});
