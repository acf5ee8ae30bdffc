// The package in real n8n queue mode: one main, two workers, PostgreSQL and Redis (Debian's),
// binary data in the database, Soniox the emulator. What the README's "Queue mode" promises:
// the trigger delivers every entry once across a main restart; concurrent webhook
// transcriptions spread over the workers without a duplicate; and the usage-ledger example
// gets back, through its reconcile, the entries of an execution whose worker was killed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { makeWav, startEmulator, type Emulator } from '../emulator';
import { exampleWorkflow, N8nInstance, withParameters, type N8nServer } from '../e2e/n8n';
import { exactSum, MINUTE, utcMonthStart } from '../e2e/usage';
import {
	entriesToReceiverWorkflow,
	EVERY_MINUTE,
	exampleCredential,
	LoopbackReceiver,
} from '../e2e/workflows';
import {
	callbackCredential,
	callbackTranscriptions,
	callbackWorkflow,
	executionIds,
	executionWith,
	startAudioServer,
} from '../e2e/callback';
import { describeQueueMode, QueueCluster } from './cluster';

jest.setTimeout(600_000);

const LEDGER_DB = 'ledger';
const LEDGER_PG_CREDENTIAL = { id: 'sonioxUsageLedgerDb', name: 'Usage ledger database' };

let emulator: Emulator;
let receiver: LoopbackReceiver;
let cluster: QueueCluster;

/** The ledger example as shipped, polling every minute (n8n's shortest) instead of every 5. */
const LEDGER = withParameters(
	exampleWorkflow('usage-ledger-to-postgres.json'),
	'New usage',
	(parameters) => (parameters.pollTimes = EVERY_MINUTE),
);
const SUBTITLES = exampleWorkflow('transcribe-audio-to-subtitles.json');
const CALLBACK_WAIT = callbackWorkflow('queueCallbackWait', 'soniox/queue-callback-wait', 10);
const CALLBACK_TEXTS = {
	'/first.wav': 'The first call of the morning.',
	'/second.wav': 'The second call asks for a refund.',
};

const postedUuids = () =>
	receiver.at('/entries').map((request) => (request.json as { uuid: string }).uuid);
const ledgerUuids = () => emulator.ledger().map((entry) => entry.uuid);
const sorted = (values: string[]) => [...values].sort();
const pause = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 150_000) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const value = await probe();
		if (value !== undefined) return value;
		await pause(500);
	}
	throw new Error(`${what} did not happen in ${timeoutMs} ms:\n${cluster.logs()}`);
}

/** When a trigger started watching: the state n8n saves after its first poll. */
async function pollerStart(server: N8nServer, workflowId: string, nodeName: string) {
	return await until(`the first poll of ${workflowId}`, async () => {
		const { staticData } = await server.rest<{
			staticData: Record<string, { usagePoller?: { since: number } }> | null;
		}>('GET', `/workflows/${workflowId}`);
		return staticData?.[`node:${nodeName}`]?.usagePoller?.since;
	});
}

const ledgerQuery = async (sql: string) => await cluster.postgres.query(sql, LEDGER_DB);
const ledgerRows = async () =>
	Number((await ledgerQuery('SELECT count(*) FROM soniox_usage_ledger'))[0][0]);

describeQueueMode('n8n queue mode: a main, two workers, PostgreSQL and Redis', () => {
	beforeAll(async () => {
		[emulator, receiver] = await Promise.all([startEmulator(), LoopbackReceiver.start()]);
		const entries = entriesToReceiverWorkflow(
			'queueEntries',
			'Queue: every new entry',
			receiver.url,
		);
		cluster = await QueueCluster.start({
			workers: 2,
			// Fewer than n8n's 10, so 20 jobs at once must spread over both workers and queue.
			concurrency: 5,
			databases: [LEDGER_DB],
			credentials: (postgres) => [
				exampleCredential(emulator),
				postgres.credential(LEDGER_PG_CREDENTIAL.id, LEDGER_PG_CREDENTIAL.name, LEDGER_DB),
				callbackCredential(emulator),
			],
			workflows: [entries, LEDGER, SUBTITLES, CALLBACK_WAIT],
		});
		for (const workflow of [entries, LEDGER, SUBTITLES, CALLBACK_WAIT]) {
			await cluster.main.activate(workflow.id);
		}
	});

	afterAll(async () => {
		await cluster?.stop();
		await Promise.all([emulator?.close(), receiver?.close()]);
	});

	// First: the triggers' state starts at activation, before any other usage.
	test('the trigger delivers every entry once across a main restart, run by the workers', async () => {
		await pollerStart(cluster.main, 'queueEntries', 'New usage');
		await pollerStart(cluster.main, LEDGER.id, 'New usage');

		const before = emulator.insertUsage(
			['acme', 'globex', 'initech'].map((customer, index) => ({
				endTime: Date.now() - index,
				clientReferenceId: customer,
				inputAudioDurationMs: (index + 1) * MINUTE,
			})),
		);
		await receiver.waitFor('/entries', 3, 150_000);

		// Entries that end while the main is down are delivered once it is back.
		let during: typeof before = [];
		await cluster.restartMain(() => {
			during = emulator.insertUsage(
				['acme', 'umbrella'].map((customer) => ({
					endTime: Date.now(),
					clientReferenceId: customer,
					inputAudioDurationMs: 2 * MINUTE,
				})),
			);
		});
		await receiver.waitFor('/entries', 5, 150_000);
		expect(sorted(postedUuids())).toEqual(sorted([...before, ...during].map((e) => e.uuid)));

		// The main polled; the workers ran the executions.
		const executions = await until('both executions to finish', async () => {
			const found = await cluster.main.executions('queueEntries');
			return found.every((execution) => execution.status !== 'running') ? found : undefined;
		});
		expect(executions.map((execution) => [execution.mode, execution.status])).toEqual([
			['trigger', 'success'],
			['trigger', 'success'],
		]);
		for (const execution of executions) {
			expect(cluster.workerOf(execution.id)).toBeDefined();
		}
	});

	test('20 concurrent webhook transcriptions run on both workers: each once, billed once', async () => {
		const count = 20;
		const text = (index: number) => `Caller ${index} asks about order number ${1000 + index}.`;
		const ledgerBefore = emulator.ledger().length;
		const requestsBefore = emulator.requests().length;
		const startedBefore = cluster.startedPerWorker();

		const responses = await Promise.all(
			Array.from({ length: count }, async (_, index) => {
				const form = new FormData();
				form.append('customer_id', `caller-${index}`);
				const audio = makeWav({ text: text(index), durationMs: 4000 });
				form.append('audio', new Blob([new Uint8Array(audio)], { type: 'audio/wav' }), 'call.wav');
				const response = await cluster.main.webhook('soniox/subtitles', {
					method: 'POST',
					body: form,
				});
				return { status: response.status, body: (await response.json()) as Record<string, string> };
			}),
		);

		// Each caller got its own transcript (the audio reached the worker through the database).
		responses.forEach(({ status, body }, index) => {
			expect({ index, status, text: body.text?.trim() }).toEqual({
				index,
				status: 200,
				text: text(index),
			});
		});
		expect(new Set(responses.map(({ body }) => body.id)).size).toBe(count);

		// One transcription created and billed per caller: no duplicate.
		const creates = emulator
			.requests()
			.slice(requestsBefore)
			.filter((request) => request.route === 'POST /v1/transcriptions');
		expect(creates.map((request) => request.status)).toEqual(Array(count).fill(201));
		const billed = emulator.ledger().slice(ledgerBefore);
		expect(sorted(billed.map((entry) => String(entry.client_reference_id)))).toEqual(
			sorted(Array.from({ length: count }, (_, index) => `caller-${index}`)),
		);

		// Both workers took part.
		const started = cluster.startedPerWorker().map((total, slot) => total - startedBefore[slot]);
		expect(started.every((jobs) => jobs > 0)).toBe(true);
		expect(started.reduce((sum, jobs) => sum + jobs, 0)).toBeGreaterThanOrEqual(count);
	});

	test("a transcription waiting for Soniox's call holds no worker: the worker is killed, the call resumes it on a worker", async () => {
		const audio = await startAudioServer(CALLBACK_TEXTS);
		const timing = emulator.config.transcription;
		// Long enough to kill the worker while Soniox is still transcribing.
		emulator.config.transcription = {
			queuedMs: 500,
			processingBaseMs: 12_000,
			processingPerAudioSecondMs: 0,
		};
		try {
			const earlier = await executionIds(cluster.main, CALLBACK_WAIT.id);
			const ledgerBefore = emulator.ledger().length;
			// A 404 starts nothing: the main may still be registering the webhook of the activation.
			const response = await until(
				'the webhook to be registered',
				async () => {
					const answer = await cluster.main.webhook('soniox/queue-callback-wait', {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify({
							urls: Object.keys(CALLBACK_TEXTS).map((path) => audio.base + path),
						}),
					});
					return answer.status === 404 ? undefined : answer;
				},
				30_000,
			);
			expect(response.status).toBe(200);
			const waitingId = await executionWith(cluster.main, CALLBACK_WAIT.id, 'waiting', earlier);
			expect(await callbackTranscriptions(emulator, waitingId)).toHaveLength(2);

			// The worker that put it to wait dies; the waiting execution is only in the database.
			const slot = await cluster.restartWorkerOf(waitingId, 'kill');
			expect(cluster.workers[slot].running()).toBe(true);

			const doneId = await executionWith(
				cluster.main,
				CALLBACK_WAIT.id,
				'success',
				earlier,
				150_000,
			);
			expect(doneId).toBe(waitingId);
			const run = await cluster.main.execution(doneId);
			const output = run.runData.Transcribe[0].data!.main[0];
			expect(output.map((item) => item.json.text)).toEqual(Object.values(CALLBACK_TEXTS));
			for (const item of output) {
				expect(item.json.cleanup).toEqual({ transcription: 'deleted' });
			}
			// Two transcriptions, each billed once, none left at Soniox.
			expect(emulator.ledger().length - ledgerBefore).toBe(2);
			expect(await callbackTranscriptions(emulator, doneId)).toEqual([]);
		} finally {
			emulator.config.transcription = timing;
			await audio.close();
		}
	});

	test('the ledger gets back, by its reconcile, the entries of a killed worker: each once, exact', async () => {
		// The trigger has filled the ledger with everything so far.
		await until('a full ledger', async () =>
			(await ledgerRows().catch(() => -1)) === emulator.ledger().length ? true : undefined,
		);

		// The ledger's insert will wait on this lock, so its worker is killed mid-execution.
		const lock = await cluster.postgres.lockTable('soniox_usage_ledger', LEDGER_DB);
		let lost!: ReturnType<Emulator['insertUsage']>;
		try {
			const kinds = ['transcribe_async', 'transcribe_websocket', 'tts_rest'] as const;
			lost = emulator.insertUsage(
				Array.from({ length: 74 }, (_, index) => ({
					endTime: Date.now() - index,
					clientReferenceId: index % 9 === 0 ? null : `tenant-${index % 7}`,
					kind: kinds[index % 3],
					inputAudioDurationMs: (index + 1) * 7_919,
					outputAudioDurationMs: (index + 1) * 1_013,
				})),
			);
			const blockedInsert = async () => {
				const rows = await ledgerQuery(
					// The statement's text starts with the CREATE TABLE (pg_stat_activity keeps 1 kB).
					`SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'
					 AND pid <> pg_backend_pid() AND query LIKE '%soniox_usage_ledger%'`,
				);
				return rows.length ? rows : undefined;
			};
			await until('the ledger insert waiting on the lock', blockedInsert);
			const running = await until('a running ledger execution', async () =>
				(await cluster.main.executions(LEDGER.id)).find(
					(execution) => execution.status === 'running',
				),
			);
			const slot = await until('its worker', async () => cluster.workerOf(running.id));
			// The other trigger's posts of these entries are done before the kill.
			await receiver.waitFor('/entries', emulator.ledger().length, 150_000);

			await cluster.killWorker(slot);
			await until('the dead worker query to end', async () =>
				(await blockedInsert()) ? undefined : true,
			);
		} finally {
			await lock.release();
		}
		const uuids = lost.map((entry) => `'${entry.uuid}'`).join(',');
		expect(
			await ledgerQuery(`SELECT count(*) FROM soniox_usage_ledger WHERE uuid IN (${uuids})`),
		).toEqual([['0']]);

		// The killed worker comes back; the reconcile ("Run now") restores exactly the lost ones.
		await cluster.startWorker(cluster.workers.findIndex((worker) => !worker.running()));
		const run = await cluster.n8n.execute(LEDGER.id);
		expect(run.error).toBeUndefined();
		expect(N8nInstance.items(run, 'Save to ledger')).toEqual([
			{ entries: emulator.ledger().length, inserted: lost.length },
		]);

		const all = emulator.ledger();
		expect(
			await ledgerQuery(
				'SELECT count(*), count(DISTINCT uuid), sum(cost_usd) FROM soniox_usage_ledger',
			),
		).toEqual([[String(all.length), String(all.length), exactSum(all.map((e) => e.cost_usd))]]);
		expect(
			(await ledgerQuery('SELECT uuid FROM soniox_usage_ledger ORDER BY uuid')).flat(),
		).toEqual(sorted(ledgerUuids()));

		// The README's invoice SQL (the example's sticky note shows the same), run as if it were
		// next month: this month's lines, exact.
		const sticky = LEDGER.nodes.find((node) => node.type === 'n8n-nodes-base.stickyNote');
		expect(sticky?.parameters.content).toContain(readmeInvoiceSql());
		const nextMonth = utcMonthStart(Date.now(), -1);
		const invoiceSql = readmeInvoiceSql().replaceAll(
			'now()',
			`timestamptz '${new Date(nextMonth + 3_600_000).toISOString()}'`,
		);
		const thisMonth = all.filter(
			(entry) => Date.parse(entry.end_time) >= utcMonthStart(nextMonth, 1),
		);
		const customers = sorted([
			...new Set(thisMonth.map((e) => e.client_reference_id || '(untagged)')),
		]);
		expect(await ledgerQuery(invoiceSql)).toEqual(
			customers.map((customer) => {
				const entries = thisMonth.filter(
					(e) => (e.client_reference_id || '(untagged)') === customer,
				);
				const audioMs = entries.reduce((sum, e) => sum + e.input_audio_duration_ms, 0);
				// Minutes to 2 decimals, half away from zero as PostgreSQL rounds, in integers.
				const hundredths = Math.floor((audioMs + 300) / 600);
				return [
					customer,
					String(entries.length),
					`${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`,
					exactSum(entries.map((e) => e.cost_usd)),
				];
			}),
		);
	});

	// Last: every poll of the whole file, over a main restart and a killed worker.
	test('the trigger delivered every entry of the run exactly once', async () => {
		expect(sorted(postedUuids())).toEqual(sorted(ledgerUuids()));
	});
});

/** The invoice query of examples/README.md (the first ```sql block of the ledger section). */
function readmeInvoiceSql(): string {
	const readme = readFileSync(join(__dirname, '../../examples/README.md'), 'utf8');
	const section = readme.slice(readme.indexOf('## Usage ledger in PostgreSQL'));
	const match = /```sql\n([\s\S]*?)```/.exec(section);
	if (!match) throw new Error('examples/README.md has no invoice SQL in its ledger section');
	return match[1];
}
