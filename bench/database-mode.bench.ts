// A real n8n in database binary mode (N8N_DEFAULT_BINARY_DATA_MODE=database), on SQLite, or
// on PostgreSQL when the environment names one as n8n reads it (DB_TYPE=postgresdb, DB_POSTGRESDB_*):
// a workflow reads a 200 MiB recording from disk and uploads it with File → Upload, against
// the same n8n reading it and writing it back to disk (Read/Write Files from Disk) as its own
// baseline. Each run is a fresh `n8n execute`, and its peak RSS (the kernel's high-water mark,
// polled until it exits) is the measure. Target: ours / n8n's ≤ 1.
import { spawn, spawnSync } from 'node:child_process';
import {
	createWriteStream,
	mkdtempSync,
	readFileSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';

import {
	chainWorkflow,
	freePort,
	N8nInstance,
	sonioxCredential,
	type WorkflowNode,
} from '../test/e2e/n8n';
import { emulatorCredentialData } from '../test/e2e/workflows';
import { startEmulatorProcess, type EmulatorProcess } from './emulatorProcess';

const MIB = 1024 * 1024;
const SIZE = 200 * MIB;
const RUNS = 3;
const FILE_NAME = 'long-call.wav';
const CREDENTIAL = { id: 'benchSonioxDb1', name: 'Soniox (emulator)' };

async function writeRecording(path: string) {
	const out = createWriteStream(path);
	const chunk = Buffer.alloc(MIB);
	for (let sent = 0, index = 0; sent < SIZE; sent += MIB, index++) {
		for (let i = 0; i < MIB; i += 4096) chunk.fill((index * 31 + i) % 251, i, i + 4096);
		if (!out.write(chunk)) await once(out, 'drain');
	}
	out.end();
	await once(out, 'finish');
}

const readNode = (path: string): WorkflowNode => ({
	name: 'Read recording',
	type: 'n8n-nodes-base.readWriteFile',
	typeVersion: 1.1,
	parameters: { operation: 'read', fileSelector: path, options: {} },
});

function kilobytes(pid: number | undefined, field: 'VmHWM' | 'VmRSS'): number {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
	} catch {
		return 0; // exited
	}
}

/**
 * One `n8n execute` of a workflow: the process's peak RSS (its high-water mark, polled until
 * it exits), and the peak growth from when `step` starts (n8n logs it at debug level; the
 * kernel's high-water mark is reset then, through /proc/<pid>/clear_refs), in MiB.
 */
async function executePeak(
	n8n: N8nInstance,
	workflowId: string,
	step: string,
	env: Record<string, string>,
) {
	const child = spawn(
		n8n.nodeBinary(),
		[n8n.n8nBinary(), 'execute', `--id=${workflowId}`, '--rawOutput'],
		{
			env: n8n.env({
				...env,
				N8N_LOG_LEVEL: 'debug',
				N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			}),
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	);
	let output = '';
	let peakKb = 0;
	let stepStartKb: number | undefined;
	let stepPeakKb = 0;
	const sample = () => {
		const hwm = kilobytes(child.pid, 'VmHWM');
		if (stepStartKb === undefined) peakKb = Math.max(peakKb, hwm);
		else stepPeakKb = Math.max(stepPeakKb, hwm);
	};
	const started = `Start executing node "${step}"`;
	const watch = (chunk: Buffer) => {
		const recent = output.slice(-200) + chunk.toString();
		output = (output + chunk.toString()).slice(-200_000);
		if (stepStartKb === undefined && recent.includes(started)) {
			sample();
			writeFileSync(`/proc/${child.pid}/clear_refs`, '5');
			stepStartKb = kilobytes(child.pid, 'VmRSS');
		}
	};
	child.stdout.on('data', watch);
	child.stderr.on('data', watch);
	const poll = setInterval(sample, 20);
	const startedAt = performance.now();
	const [code] = (await once(child, 'exit')) as [number | null];
	const ms = performance.now() - startedAt;
	clearInterval(poll);
	if (code !== 0 || !/"status":\s*"success"/.test(output) || stepStartKb === undefined)
		throw new Error(`n8n execute --id=${workflowId} failed (${code}):\n${output.slice(-4000)}`);
	return {
		peakMb: Math.max(peakKb, stepPeakKb) / 1024,
		stepGrowthMb: (stepPeakKb - stepStartKb) / 1024,
		ms,
	};
}

export async function run() {
	// The packed package is the built one.
	if (spawnSync('npm', ['run', '--silent', 'build'], { cwd: resolve(__dirname, '..') }).status)
		throw new Error('npm run build failed');
	const folder = mkdtempSync(join(tmpdir(), 'soniox-bench-db-'));
	const recording = join(folder, FILE_NAME);
	const written = join(folder, 'written.wav');
	let emulator: EmulatorProcess | undefined;
	let n8n: N8nInstance | undefined;
	try {
		[emulator, n8n] = await Promise.all([startEmulatorProcess(), N8nInstance.create()]);
		await writeRecording(recording);
		await n8n.importCredentials([
			sonioxCredential(emulatorCredentialData(emulator), CREDENTIAL.id, CREDENTIAL.name),
		]);
		await n8n.importWorkflow([
			chainWorkflow('benchDbOurs', [
				readNode(recording),
				{
					name: 'Upload',
					type: 'n8n-nodes-soniox-suite.soniox',
					parameters: { resource: 'file', operation: 'upload', clientReferenceId: 'bench-db' },
					credentials: { sonioxSuiteApi: CREDENTIAL },
				},
			]),
			chainWorkflow('benchDbN8n', [
				readNode(recording),
				{
					name: 'Write copy',
					type: 'n8n-nodes-base.readWriteFile',
					typeVersion: 1.1,
					parameters: {
						operation: 'write',
						fileName: written,
						dataPropertyName: 'data',
						options: {},
					},
				},
			]),
		]);
		const env = {
			N8N_DEFAULT_BINARY_DATA_MODE: 'database',
			N8N_RESTRICT_FILE_ACCESS_TO: folder,
		};
		const files = async () =>
			(
				(await (
					await fetch(`${emulator!.baseUrl}/v1/files`, {
						headers: { Authorization: `Bearer ${emulator!.apiKey}` },
					})
				).json()) as { files: Array<{ id: string; size: number; filename: string }> }
			).files;
		const ours: number[] = [];
		const baseline: number[] = [];
		const steps = { ours: [] as number[], baseline: [] as number[] };
		const times = { ours: [] as number[], baseline: [] as number[] };
		for (let i = 0; i < RUNS; i++) {
			const own = await executePeak(n8n, 'benchDbN8n', 'Write copy', env);
			if (statSync(written).size !== SIZE) throw new Error('n8n wrote a copy of another size');
			rmSync(written);
			baseline.push(own.peakMb);
			steps.baseline.push(own.stepGrowthMb);
			times.baseline.push(own.ms);

			const upload = await executePeak(n8n, 'benchDbOurs', 'Upload', env);
			const [file, ...more] = await files();
			if (more.length || file?.size !== SIZE || file.filename !== FILE_NAME)
				throw new Error(`The emulator holds ${JSON.stringify(await files())}`);
			await fetch(`${emulator.baseUrl}/v1/files/${file.id}`, {
				method: 'DELETE',
				headers: { Authorization: `Bearer ${emulator.apiKey}` },
			});
			ours.push(upload.peakMb);
			steps.ours.push(upload.stepGrowthMb);
			times.ours.push(upload.ms);
		}
		const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
		const highest = (values: number[]) => Math.max(...values);
		const file = SIZE / MIB;
		const database = process.env.DB_TYPE === 'postgresdb' ? 'PostgreSQL' : 'SQLite';
		const times2 = (mb: number) => `${(mb / file).toFixed(2)}×`;
		console.log(
			`| Database mode (${database}): 200 MiB read from disk, then File → Upload vs n8n writing it back (growth during that step) | ${highest(steps.ours).toFixed(0)} MB (${times2(highest(steps.ours))} the file) | ${highest(steps.baseline).toFixed(0)} MB (${times2(highest(steps.baseline))}) | ${(highest(steps.ours) / highest(steps.baseline)).toFixed(2)} | ${highest(ours).toFixed(0)} MB RSS | ${highest(baseline).toFixed(0)} MB RSS | ≤ 1 (step growth and process peak) |`,
		);
		console.log(
			`  database mode: process peak RSS ours / n8n's = ${(highest(ours) / highest(baseline)).toFixed(2)}; per run, ours ${ours.map((mb) => mb.toFixed(0)).join(', ')} MB, n8n's ${baseline.map((mb) => mb.toFixed(0)).join(', ')} MB; step growth ours ${steps.ours.map((mb) => mb.toFixed(0)).join(', ')} MB, n8n's ${steps.baseline.map((mb) => mb.toFixed(0)).join(', ')} MB; median run ${median(times.ours).toFixed(0)} ms vs ${median(times.baseline).toFixed(0)} ms`,
		);
	} finally {
		await emulator?.close();
		n8n?.remove();
		rmSync(folder, { recursive: true, force: true });
	}
}
