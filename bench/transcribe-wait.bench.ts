// Transcribe with "Wait for Completion": the delay between the emulator completing a job and the
// node returning, over 50 jobs of 5 s to 5 min of audio, and the status checks made, vs the SDK's
// transcribe({ wait: true }) polling once a second. Target: p50 under 300 ms with fewer checks.
// Both sides transcribe the same uploaded file at the same moment, a few jobs in flight each.
import { SonioxNodeClient } from '@soniox/node';

import { makeWav, type RequestRecord, type UsageEntry } from '../test/emulator';
import { emulatorCredentials, runNode } from '../test/harness';
import { startEmulatorProcess, type EmulatorProcess } from './emulatorProcess';

const JOBS = 50;
const IN_FLIGHT = 8;
/** Audio lengths spread evenly on a log scale: as many 5–40 s clips as 40 s–5 min recordings. */
const AUDIO_SECONDS = { min: 5, max: 300 };
/** 5 s of audio → 0.6 s of processing, 5 min → 18.3 s, after 0.3 s in the queue. */
export const TIMING = { queuedMs: 300, processingBaseMs: 300, processingPerAudioSecondMs: 60 };
/** Each job's pace varies by up to ±20%, so the node's forecast is never exact. */
export const PACE_JITTER = 0.2;

/**
 * The same jobs on every run: lengths at even steps of the log scale, in a scrambled order
 * (17 is prime to the count unless it divides it), paces from the golden-ratio sequence.
 */
export function jobSchedule(count: number, { min, max }: { min: number; max: number }) {
	return Array.from({ length: count }, (_, index) => {
		const step = (((index * 17) % count) + 0.5) / count;
		const spread = 2 * ((index * 0.618034) % 1) - 1;
		return {
			audioSeconds: Math.round(min * (max / min) ** step),
			pace: TIMING.processingPerAudioSecondMs * (1 + PACE_JITTER * spread),
		};
	});
}

interface Side {
	name: string;
	transcribe(fileId: string, reference: string): Promise<string>;
}

/** Each job's audio uploaded once (8 kHz WAV, its text "job <index>"); the file IDs in job order. */
export async function uploadJobAudio(
	client: SonioxNodeClient,
	jobs: ReadonlyArray<{ audioSeconds: number }>,
) {
	const fileIds: string[] = [];
	for (const [index, job] of jobs.entries()) {
		const wav = makeWav({
			text: `job ${index}`,
			durationMs: job.audioSeconds * 1000,
			sampleRate: 8000,
		});
		fileIds.push((await client.files.upload(wav, { filename: `job-${index}.wav` })).id);
	}
	return fileIds;
}

export interface Finished {
	id: string;
	reference: string;
	returnedAt: number;
}

export async function run() {
	const emulator = await startEmulatorProcess();
	await emulator.control('PATCH', '/config', { transcription: TIMING });
	const jobs = jobSchedule(JOBS, AUDIO_SECONDS);

	const client = new SonioxNodeClient({ api_key: emulator.apiKey, base_url: emulator.baseUrl });
	const fileIds = await uploadJobAudio(client, jobs);

	const ours: Side = {
		name: 'ours',
		async transcribe(fileId, reference) {
			const { items, error } = await runNode({
				parameters: {
					resource: 'transcription',
					operation: 'transcribe',
					audioSource: 'fileId',
					fileId,
					clientReferenceId: reference,
				},
				credentials: emulatorCredentials(emulator),
			});
			if (error) throw error;
			return String(items[0].json.id);
		},
	};
	const sdk: Side = {
		name: 'sdk',
		async transcribe(fileId, reference) {
			const result = await client.stt.transcribe({
				model: 'stt-async-v5',
				file_id: fileId,
				client_reference_id: reference,
				wait: true,
				wait_options: { interval_ms: 1000 },
			});
			return result.id;
		},
	};

	const finished = new Map<Side, Finished[]>([
		[ours, []],
		[sdk, []],
	]);
	const started = Date.now();
	let next = 0;
	const worker = async () => {
		for (let index = next++; index < JOBS; index = next++) {
			// Another job still queued may take this pace instead: only the spread matters.
			await emulator.control('PATCH', '/config', {
				transcription: { processingPerAudioSecondMs: jobs[index].pace },
			});
			await Promise.all(
				[ours, sdk].map(async (side) => {
					const reference = `wait-${side.name}-${index}`;
					const id = await side.transcribe(fileIds[index], reference);
					finished.get(side)!.push({ id, reference, returnedAt: Date.now() });
				}),
			);
		}
	};
	await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
	const seconds = (Date.now() - started) / 1000;

	const [ourResult, sdkResult] = await Promise.all(
		[ours, sdk].map((side) => outcome(emulator, finished.get(side)!)),
	);
	const shown = (result: Outcome) =>
		`p50 ${result.p50.toFixed(0)} ms, p95 ${result.p95.toFixed(0)} ms, ${result.checks} checks`;
	console.log(
		`| Transcribe and wait, ${JOBS} jobs (delay after completion; status checks) | ${shown(ourResult)} | ${shown(sdkResult)} | ${(ourResult.p50 / sdkResult.p50).toFixed(2)} | — | — | p50 < 300 ms, fewer checks |`,
	);
	console.log(
		`  transcribe-wait: ${AUDIO_SECONDS.min}–${AUDIO_SECONDS.max} s of audio, pace ±${PACE_JITTER * 100}%, ${IN_FLIGHT} in flight per side, ${seconds.toFixed(0)} s; max delay ours ${ourResult.max.toFixed(0)} ms, SDK ${sdkResult.max.toFixed(0)} ms`,
	);
	await emulator.close();
}

export interface Outcome {
	p50: number;
	p95: number;
	max: number;
	checks: number;
}

/** Delays from the emulator's usage ledger (end time = completion), checks from its request log. */
export async function outcome(emulator: EmulatorProcess, runs: Finished[]): Promise<Outcome> {
	const { entries } = await emulator.control<{ entries: UsageEntry[] }>('GET', '/ledger');
	const { requests } = await emulator.control<{ requests: RequestRecord[] }>('GET', '/requests');
	const completedAt = new Map(
		entries.map((entry) => [entry.client_reference_id, Date.parse(entry.end_time)]),
	);
	const delays = runs
		.map((run) => run.returnedAt - completedAt.get(run.reference)!)
		.sort((a, b) => a - b);
	const ids = new Set(runs.map((run) => run.id));
	const checks = requests.filter(
		(request) =>
			request.route === 'GET /v1/transcriptions/:id' && ids.has(request.path.split('/').pop()!),
	).length;
	const quantile = (q: number) =>
		delays[Math.min(delays.length - 1, Math.floor(q * delays.length))];
	return { p50: quantile(0.5), p95: quantile(0.95), max: delays[delays.length - 1], checks };
}
