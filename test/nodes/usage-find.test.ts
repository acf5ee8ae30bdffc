// Usage → Find Entries (debug a session): one request by its uuid, or one customer's requests,
// around a time, read from that narrow window only.
import type { INodeParameters } from 'n8n-workflow';

import { startEmulator, type Emulator } from '../emulator';
import { emulatorCredentials, expectRequestsToConform, runNode } from '../harness';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

let emulator: Emulator;

beforeAll(async () => {
	emulator = await startEmulator();
});
afterEach(() => expectRequestsToConform(emulator));
afterAll(async () => {
	await emulator.close();
});
beforeEach(() => {
	emulator.reset();
	emulator.config.ingestionLagMs = 0;
});

async function find(parameters: INodeParameters) {
	return await runNode({
		parameters: { resource: 'usage', operation: 'findEntries', ...parameters },
		credentials: emulatorCredentials(emulator),
	});
}

const usageLogQueries = () =>
	emulator
		.requests()
		.filter((request) => request.route === 'GET /v1/usage-logs')
		.map((request) => request.query);

/** A day of traffic from three customers, a request every two minutes, ending an hour ago. */
function busyDay(now: number) {
	const rows = [];
	for (let time = now - DAY; time < now - HOUR; time += 2 * MINUTE) {
		const customer = ['acme', 'globex', 'initech'][Math.floor(time / (2 * MINUTE)) % 3];
		rows.push({ endTime: time, clientReferenceId: customer });
	}
	return emulator.insertUsage(rows);
}

test('finds one request by its uuid, reading only the window around the time given', async () => {
	const now = Date.now();
	const ledger = busyDay(now);
	const target = ledger[300];
	const around = new Date(Date.parse(target.end_time) + 7 * MINUTE).toISOString();

	const { items, error } = await find({ findBy: 'uuid', uuid: target.uuid.toUpperCase(), around });

	expect(error).toBeUndefined();
	// Soniox's entry as sent, with each cost also as a number beside its exact string.
	const numbers = Object.fromEntries(
		Object.entries(target)
			.filter(([field]) => field.endsWith('_usd'))
			.map(([field, amount]) => [`${field}_number`, Number(amount)]),
	);
	expect(items.map((item) => item.json)).toEqual([{ ...target, ...numbers }]);
	const [query, ...more] = usageLogQueries();
	expect(more).toHaveLength(0);
	expect(Date.parse(query.start_time)).toBe(Date.parse(around) - 30 * MINUTE);
	expect(Date.parse(query.end_time)).toBe(Date.parse(around) + 30 * MINUTE);
});

test("lists one customer's requests around a time, oldest first, and honours the limit", async () => {
	const now = Date.now();
	const ledger = busyDay(now);
	const around = Date.parse(ledger[200].end_time);
	const expected = ledger.filter(
		(entry) =>
			entry.client_reference_id === 'globex' &&
			// Within: from Around − 10 minutes (included) to Around + 10 minutes (not).
			Date.parse(entry.end_time) >= around - 10 * MINUTE &&
			Date.parse(entry.end_time) < around + 10 * MINUTE,
	);
	expect(expected.length).toBeGreaterThan(2);

	const all = await find({
		findBy: 'clientReferenceId',
		clientReferenceId: 'globex',
		around: new Date(around).toISOString(),
		withinMinutes: 10,
		returnAll: true,
	});
	expect(all.error).toBeUndefined();
	expect(all.items.map((item) => item.json.uuid)).toEqual(expected.map((entry) => entry.uuid));

	const limited = await find({
		findBy: 'clientReferenceId',
		clientReferenceId: 'globex',
		around: new Date(around).toISOString(),
		withinMinutes: 10,
		returnAll: false,
		limit: 2,
	});
	expect(limited.items.map((item) => item.json.uuid)).toEqual(
		expected.slice(0, 2).map((entry) => entry.uuid),
	);
});

test('says in words when the uuid is not in the window, and how to widen it', async () => {
	const now = Date.now();
	const ledger = busyDay(now);
	const target = ledger[100];
	const farAway = new Date(Date.parse(target.end_time) + 3 * HOUR).toISOString();

	const { items, error } = await find({ findBy: 'uuid', uuid: target.uuid, around: farAway });

	expect(items).toHaveLength(0);
	expect(error?.message).toMatch(
		new RegExp(`^No usage-log entry ${target.uuid} ended between .+ and .+$`),
	);
	expect(error?.description).toMatch(/widen Within/);
});

test.each([
	[{ findBy: 'uuid', uuid: 'not-a-uuid' }, /Request UUID of item 0 is not a UUID: "not-a-uuid"/],
	[{ findBy: 'uuid', uuid: '={{ "" }}' }, /Request UUID of item 0/],
	[
		{ findBy: 'clientReferenceId', clientReferenceId: '={{ "" }}' },
		/Client Reference ID of item 0/,
	],
	[
		{ findBy: 'clientReferenceId', clientReferenceId: 'acme', around: 'yesterday-ish' },
		/Around "yesterday-ish" is not a valid date and time/,
	],
	[
		{ findBy: 'clientReferenceId', clientReferenceId: 'acme', withinMinutes: 0 },
		/Within \(Minutes\)/,
	],
	[{ findBy: 'session', clientReferenceId: 'acme' }, /Find By of item 0 must be/],
])('refuses bad input before any request: %j', async (parameters, problem) => {
	const { items, error } = await find(parameters as INodeParameters);
	expect(items).toHaveLength(0);
	expect(error?.message).toMatch(problem);
	expect(usageLogQueries()).toHaveLength(0);
});
