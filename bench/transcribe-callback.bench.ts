// Transcribe waiting "Until Soniox Calls Back" in a real n8n, against the same n8n polling and the
// SDK's transcribe({ wait: true }): for each, the delay between the emulator completing a job
// and the result being available, and the status checks made (GET /v1/transcriptions/{id}).
// One n8n (`n8n start`, the packed package) and the emulator in a child process reach each
// other on loopback: the emulator posts its webhook to n8n's WEBHOOK_URL. Every job runs three
// ways on the same uploaded file at the same moment, a few jobs in flight.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';

import { SonioxNodeClient } from '@soniox/node';

import type { RequestRecord, UsageEntry } from '../test/emulator';
import { callbackCredential, CREDENTIAL } from '../test/e2e/callback';
import { graphWorkflow, N8nInstance, webhookTrigger, type N8nServer } from '../test/e2e/n8n';
import { E2E_OWNER, LoopbackReceiver } from '../test/e2e/workflows';
import { startEmulatorProcess, type EmulatorProcess } from './emulatorProcess';
import {
	jobSchedule,
	outcome,
	PACE_JITTER,
	TIMING,
	type Finished,
	type Outcome,
	uploadJobAudio,
} from './transcribe-wait.bench';

const JOBS = 40;
/** Jobs in flight; each runs three ways at once, so three times as many transcriptions. */
const IN_FLIGHT = 4;
/** 5 s of audio → 0.6 s of processing, 2 min → 7.5 s (TIMING), lengths on a log scale. */
const AUDIO_SECONDS = { min: 5, max: 120 };
const MODEL = 'stt-async-v6';
const JOB_TIMEOUT_MS = 180_000;

type Mode = 'callback' | 'poll';
const WORKFLOWS: Record<Mode, { id: string; path: string }> = {
	callback: { id: 'benchTranscribeCallback', path: 'bench/transcribe-callback' },
	poll: { id: 'benchTranscribePoll', path: 'bench/transcribe-poll' },
};

/**
 * Webhook (the bench posts `{ fileId, reference }`) → Transcribe (waiting as `mode` says) →
 * HTTP Request posting the transcription's ID and the time, right after Transcribe, to the
 * receiver at `/done/<reference>`.
 */
function benchWorkflow(mode: Mode, receiverUrl: string) {
	const { id, path } = WORKFLOWS[mode];
	const jobArrives = webhookTrigger('Job arrives', path);
	const nodes = [
		{
			name: 'Transcribe',
			type: 'n8n-nodes-soniox-suite.soniox',
			credentials: { sonioxSuiteApi: { id: CREDENTIAL.id, name: CREDENTIAL.name } },
			parameters: {
				resource: 'transcription',
				operation: 'transcribe',
				audioSource: 'fileId',
				fileId: { __rl: true, mode: 'id', value: '={{ $json.body.fileId }}' },
				model: MODEL,
				clientReferenceId: '={{ $json.body.reference }}',
				waitMode: mode,
				waitTimeoutMinutes: 30,
				outputFormat: 'text',
			},
		},
		{
			name: 'Report',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			parameters: {
				method: 'POST',
				url: `=${receiverUrl}/done/{{ $json.client_reference_id }}`,
				sendBody: true,
				specifyBody: 'json',
				jsonBody: '={{ JSON.stringify({ id: $json.id, text: $json.text, at: $now.toMillis() }) }}',
				options: {},
			},
		},
	];
	const edges: Array<[string, string]> = [
		['Job arrives', 'Transcribe'],
		['Transcribe', 'Report'],
	];
	return { ...graphWorkflow(id, nodes, edges, jobArrives), settings: { executionOrder: 'v1' } };
}

interface Side {
	name: string;
	transcribe(fileId: string, reference: string): Promise<Finished & { arrivedAt?: number }>;
}

export async function run() {
	// The packed package is the built one.
	if (spawnSync('npm', ['run', '--silent', 'build'], { cwd: resolve(__dirname, '..') }).status)
		throw new Error('npm run build failed');
	let emulator: EmulatorProcess | undefined;
	let n8n: N8nInstance | undefined;
	let server: N8nServer | undefined;
	const receiver = await LoopbackReceiver.start();
	try {
		[emulator, n8n] = await Promise.all([startEmulatorProcess(), N8nInstance.create()]);
		await n8n.importCredentials([callbackCredential(emulator)]);
		await n8n.importWorkflow([
			benchWorkflow('callback', receiver.url),
			benchWorkflow('poll', receiver.url),
		]);
		for (const { id } of Object.values(WORKFLOWS)) await n8n.publishWorkflow(id);
		server = await n8n.start();
		await server.setupOwner(E2E_OWNER);
		await measure(emulator, server, receiver);
	} finally {
		await server?.stop();
		await emulator?.close();
		await receiver.close();
		n8n?.remove();
	}
}

async function measure(emulator: EmulatorProcess, server: N8nServer, receiver: LoopbackReceiver) {
	await emulator.control('PATCH', '/config', { transcription: TIMING });
	const jobs = jobSchedule(JOBS, AUDIO_SECONDS);
	const client = new SonioxNodeClient({ api_key: emulator.apiKey, base_url: emulator.baseUrl });
	const fileIds = await uploadJobAudio(client, jobs);

	const n8nSide = (mode: Mode): Side => ({
		name: mode,
		async transcribe(fileId, reference) {
			const response = await server.webhook(WORKFLOWS[mode].path, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ fileId, reference }),
			});
			if (!response.ok)
				throw new Error(`${mode} webhook: ${response.status} ${await response.text()}`);
			const [report] = await receiver
				.waitFor(`/done/${reference}`, 1, JOB_TIMEOUT_MS)
				.catch((error: Error) => {
					throw new Error(`${mode} ${reference}: ${error.message}\n${server.log().slice(-3000)}`);
				});
			const { id, text, at } = report.json as { id: string; text: string; at: number };
			if (text !== `job ${reference.split('-').pop()}`)
				throw new Error(`${mode} ${reference} reported ${JSON.stringify(report.json)}`);
			return { id, reference, returnedAt: at, arrivedAt: report.receivedAt };
		},
	});
	const callback = n8nSide('callback');
	const poll = n8nSide('poll');
	const sdk: Side = {
		name: 'sdk',
		async transcribe(fileId, reference) {
			const result = await client.stt.transcribe({
				model: MODEL,
				file_id: fileId,
				client_reference_id: reference,
				wait: true,
				wait_options: { interval_ms: 1000 },
			});
			return { id: result.id, reference, returnedAt: Date.now() };
		},
	};
	const sides = [callback, poll, sdk];

	const finished = new Map<Side, Array<Finished & { arrivedAt?: number }>>(
		sides.map((side) => [side, []]),
	);
	const load = loadavg()[0];
	const started = Date.now();
	let next = 0;
	const worker = async () => {
		for (let index = next++; index < JOBS; index = next++) {
			// Another job still queued may take this pace instead: only the spread matters.
			await emulator.control('PATCH', '/config', {
				transcription: { processingPerAudioSecondMs: jobs[index].pace },
			});
			await Promise.all(
				sides.map(async (side) => {
					const reference = `cb-${side.name}-${index}`;
					finished.get(side)!.push(await side.transcribe(fileIds[index], reference));
				}),
			);
		}
	};
	await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
	const seconds = (Date.now() - started) / 1000;

	const [callbackResult, pollResult, sdkResult] = await Promise.all(
		sides.map((side) => outcome(emulator, finished.get(side)!)),
	);
	// Resuming lists the execution's transcriptions (GET /v1/transcriptions): no other side lists.
	const { requests } = await emulator.control<{ requests: RequestRecord[] }>('GET', '/requests');
	const { entries: ledger } = await emulator.control<{ entries: UsageEntry[] }>('GET', '/ledger');
	const lists = requests.filter((request) => request.route === 'GET /v1/transcriptions').length;
	const steps = callbackSteps(requests, ledger, finished.get(callback)!);
	const executions = await Promise.all(
		Object.values(WORKFLOWS).map(async ({ id }) => await server.executions(id)),
	);
	const unsuccessful = executions.flat().filter((execution) => execution.status !== 'success');
	if (unsuccessful.length)
		throw new Error(`Executions not successful: ${JSON.stringify(unsuccessful)}`);

	const shown = (result: Outcome) =>
		`p50 ${result.p50.toFixed(0)} ms, p95 ${result.p95.toFixed(0)} ms, ${result.checks} checks (${(result.checks / JOBS).toFixed(1)} a job)`;
	const row = (label: string, result: Outcome) =>
		console.log(
			`| ${label}, ${JOBS} jobs in a real n8n (delay after completion; status checks) | ${shown(result)} | ${shown(sdkResult)} | ${(result.p50 / sdkResult.p50).toFixed(2)} (p50) | — | — | measured (issue #17) |`,
		);
	row('Transcribe, Wait Until Soniox Calls Back', callbackResult);
	row('Transcribe, Wait Poll Soniox', pollResult);
	const lag = (side: Side) => {
		const gaps = finished
			.get(side)!
			.map((run) => run.arrivedAt! - run.returnedAt)
			.sort((a, b) => a - b);
		return `${gaps[gaps.length >> 1]} ms`;
	};
	console.log(
		`  transcribe-callback: ${AUDIO_SECONDS.min}–${AUDIO_SECONDS.max} s of audio, pace ±${PACE_JITTER * 100}%, ${IN_FLIGHT} jobs in flight (×3 sides), ${seconds.toFixed(0)} s, load average ${load.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end; max delay callback ${callbackResult.max.toFixed(0)} ms, poll ${pollResult.max.toFixed(0)} ms, SDK ${sdkResult.max.toFixed(0)} ms; callback resumes also listed ${lists} pages of transcriptions (${(lists / JOBS).toFixed(1)} a job); receiver got each report (median) ${lag(callback)} (callback) / ${lag(poll)} (poll) after the workflow stamped it; where a callback's delay goes (medians): completion → n8n's first request for the call ${steps.received} ms, its requests (status, list, transcript, delete) ${steps.requests} ms, then → the stamp after Transcribe ${steps.resumed} ms`,
	);
}

/**
 * Where a callback's delay goes, from the emulator's request log (each request's arrival and
 * duration): completion → the resume webhook's first request (GET of the called transcription),
 * that → the end of its last (DELETE, the clean-up), and that → the workflow's stamp.
 */
function callbackSteps(requests: RequestRecord[], ledger: UsageEntry[], runs: Finished[]) {
	const completedAt = new Map(
		ledger.map((entry) => [entry.client_reference_id, Date.parse(entry.end_time)]),
	);
	const parts = runs.map((run) => {
		const own = requests.filter((request) => request.path.includes(run.id));
		const check = own.find((request) => request.route === 'GET /v1/transcriptions/:id');
		const cleanup = own.find((request) => request.route === 'DELETE /v1/transcriptions/:id');
		if (!check || !cleanup) throw new Error(`${run.reference}: no status check or clean-up`);
		const checkAt = Date.parse(check.at);
		const cleanedAt = Date.parse(cleanup.at) + cleanup.durationMs;
		return [
			checkAt - completedAt.get(run.reference)!,
			cleanedAt - checkAt,
			run.returnedAt - cleanedAt,
		];
	});
	const median = (index: number) =>
		Math.round(parts.map((part) => part[index]).sort((a, b) => a - b)[parts.length >> 1]);
	return { received: median(0), requests: median(1), resumed: median(2) };
}
