// The scheduled example workflows, run by `n8n execute` from their "Run now" trigger in a
// real n8n with the packed package, against the emulator; Slack is a loopback receiver.
import { startEmulator, type Emulator } from '../emulator';
import { exampleWorkflow, N8nInstance, withParameters } from './n8n';
import {
	DAY,
	exactSum,
	exactTimes,
	groupBy,
	MINUTE,
	utcMidnight,
	utcMonthStart,
	type LedgerEntry,
} from './usage';
import { exampleCredential, LoopbackReceiver } from './workflows';

jest.setTimeout(600_000);

let n8n: N8nInstance;
let emulator: Emulator;
let receiver: LoopbackReceiver;

beforeAll(async () => {
	[emulator, receiver, n8n] = await Promise.all([
		startEmulator(),
		LoopbackReceiver.start(),
		N8nInstance.create(),
	]);
	await n8n.importCredentials([exampleCredential(emulator)]);
	const digest = withParameters(
		exampleWorkflow('daily-usage-digest-to-slack.json'),
		'Settings',
		(parameters) => setAssignment(parameters, 'slackWebhookUrl', `${receiver.url}/slack`),
	);
	await n8n.importWorkflow([digest, exampleWorkflow('monthly-invoice-lines.json')]);
});

afterAll(async () => {
	await Promise.all([emulator?.close(), receiver?.close()]);
	n8n?.remove();
});

beforeEach(() => {
	emulator.reset();
	receiver.clear();
});

function setAssignment(parameters: Record<string, unknown>, name: string, value: unknown) {
	const { assignments } = parameters.assignments as {
		assignments: Array<{ name: string; value: unknown }>;
	};
	const assignment = assignments.find((candidate) => candidate.name === name);
	if (!assignment) throw new Error(`no assignment ${name}`);
	assignment.value = value;
}

const money = (value: string) => `$${Number(value).toFixed(2)}`;

test('daily usage digest: yesterday per customer (top first) and per model, posted to Slack', async () => {
	const yesterday = utcMidnight(Date.now()) - DAY;
	const at = (hour: number) => yesterday + hour * 60 * MINUTE;
	emulator.insertUsage([
		{ endTime: at(1), clientReferenceId: 'acme', inputAudioDurationMs: 10 * MINUTE },
		{ endTime: at(2), clientReferenceId: 'acme', inputAudioDurationMs: 12 * MINUTE },
		{
			endTime: at(3),
			clientReferenceId: 'globex',
			model: 'stt-rt-v5',
			kind: 'transcribe_websocket',
			inputAudioDurationMs: 45 * MINUTE,
		},
		{ endTime: at(4), clientReferenceId: 'initech', inputAudioDurationMs: 1 * MINUTE },
		{ endTime: at(5), clientReferenceId: null, inputAudioDurationMs: 2 * MINUTE },
		// Outside yesterday (UTC): today and the day before.
		{ endTime: yesterday + DAY + MINUTE, clientReferenceId: 'acme', inputAudioDurationMs: MINUTE },
		{ endTime: yesterday - MINUTE, clientReferenceId: 'globex', inputAudioDurationMs: MINUTE },
	]);
	const counted = emulator
		.ledger()
		.filter((entry) => Date.parse(entry.end_time) >= yesterday)
		.filter((entry) => Date.parse(entry.end_time) < yesterday + DAY);
	const costOf = (entries: LedgerEntry[]) => exactSum(entries.map((entry) => entry.cost_usd));

	const run = await n8n.execute('sonioxUsageDigest');
	expect(run.error).toBeUndefined();
	const [post] = await receiver.waitFor('/slack');
	expect(post.method).toBe('POST');
	const text = (post.json as { text: string }).text;

	const day = new Date(yesterday).toISOString().slice(0, 10);
	expect(text).toContain(`*Soniox spend on ${day} (UTC): ${money(costOf(counted))}*`);
	expect(text).toContain(`from ${counted.length} requests`);

	const customers = [...groupBy(counted, (entry) => entry.client_reference_id || '(untagged)')]
		.map(([customer, entries]) => ({ customer, cost: costOf(entries), count: entries.length }))
		.sort((a, b) => Number(b.cost) - Number(a.cost));
	const customerLines = text.split('*Top customers*\n')[1].split('\n\n')[0].split('\n');
	expect(customerLines).toEqual(
		customers.map(
			({ customer, cost, count }, index) =>
				expect.stringMatching(
					new RegExp(
						`^${index + 1}\\. ${escape(customer)}: ${escape(money(cost))} · ${count} req · `,
					),
				) as unknown as string,
		),
	);
	expect(customerLines[0]).toMatch(/^1\. globex: /);

	const models = [...groupBy(counted, (entry) => entry.model)].map(([model, entries]) => ({
		model,
		cost: costOf(entries),
		count: entries.length,
	}));
	for (const { model, cost, count } of models) {
		expect(text).toContain(`• ${model}: ${money(cost)} · ${count} req`);
	}
	// "Total yesterday" and "Spend per model" cost one summary request each.
	const routes = emulator.requests().map((request) => request.route);
	expect(routes.filter((route) => route === 'GET /v1/usage/summary')).toHaveLength(2);
});

test('daily usage digest: a day without usage still reports $0', async () => {
	const run = await n8n.execute('sonioxUsageDigest');
	expect(run.error).toBeUndefined();
	const [post] = await receiver.waitFor('/slack');
	const text = (post.json as { text: string }).text;
	expect(text).toMatch(/\(UTC\): \$0\.00\* from 0 requests/);
	expect(text).toContain('*Top customers*\nNo usage');
});

test('monthly invoice lines: last month per customer with exact cost and markup', async () => {
	const lastMonth = utcMonthStart(Date.now(), 1);
	const thisMonth = utcMonthStart(Date.now());
	emulator.insertUsage([
		{ endTime: lastMonth + 2 * DAY, clientReferenceId: 'acme', inputAudioDurationMs: 30 * MINUTE },
		{ endTime: lastMonth + 9 * DAY, clientReferenceId: 'acme', inputAudioDurationMs: 61_500 },
		{
			endTime: lastMonth + 20 * DAY,
			clientReferenceId: 'acme',
			model: 'tts-rt-v2',
			kind: 'tts_rest',
			inputAudioDurationMs: 0,
			inputTextTokens: 400,
			outputAudioDurationMs: 90_000,
			outputAudioTokens: 1_350,
		},
		{ endTime: lastMonth + 3 * DAY, clientReferenceId: 'globex', inputAudioDurationMs: 7 * MINUTE },
		{ endTime: lastMonth + 4 * DAY, clientReferenceId: null, inputAudioDurationMs: MINUTE },
		// This month and the month before last are not billed now.
		{ endTime: thisMonth + MINUTE, clientReferenceId: 'acme', inputAudioDurationMs: MINUTE },
		{ endTime: lastMonth - MINUTE, clientReferenceId: 'acme', inputAudioDurationMs: MINUTE },
	]);
	const billed = emulator
		.ledger()
		.filter((entry) => Date.parse(entry.end_time) >= lastMonth)
		.filter((entry) => Date.parse(entry.end_time) < thisMonth)
		.filter((entry) => entry.client_reference_id);

	const run = await n8n.execute('sonioxInvoiceLines');
	expect(run.error).toBeUndefined();
	const lines = N8nInstance.items(run, 'Invoice line');
	const period = new Date(lastMonth).toISOString().slice(0, 7);
	const expected = [...groupBy(billed, (entry) => entry.client_reference_id)]
		.sort(([a], [b]) => (a < b ? -1 : 1))
		.map(([customer, entries]) => {
			const cost = exactSum(entries.map((entry) => entry.cost_usd));
			const audioMs = entries.reduce(
				(sum, entry) => sum + entry.input_audio_duration_ms + entry.output_audio_duration_ms,
				0,
			);
			return {
				customer,
				period,
				description: `Speech AI usage, ${period}: ${entries.length} requests, ${Math.round(audioMs / 600) / 100} audio minutes`,
				audio_minutes: Math.round(audioMs / 600) / 100,
				requests: entries.length,
				cost_usd: cost,
				markup: '1.25',
				amount_usd: exactTimes(cost, '1.25', 2),
			};
		});
	expect(lines).toEqual(expected);
	expect(lines.map((line) => line.customer)).toEqual(['acme', 'globex']);
	expect(N8nInstance.items(run, 'Send to your invoicing tool')).toHaveLength(2);
});

function escape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
