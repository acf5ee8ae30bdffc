// A throwaway real n8n: its own user folder, our packed tarball installed as a community
// package (without peer dependencies, as n8n installs them), and the n8n CLI to import
// credentials and workflows and to execute them.
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const ROOT = resolve(__dirname, '../..');

/** Paths from scripts/lib/runtime.mjs, which installs Node.js 24 and n8n into the cache. */
function runtimePath(what: 'node' | 'n8n'): string {
	const result = spawnSync(process.execPath, [join(ROOT, 'scripts/lib/runtime.mjs'), what], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	if (result.status !== 0) throw new Error(`Could not prepare the ${what} runtime`);
	return result.stdout.trim();
}

const runtime = {
	node24: () => (runtimePaths.node ??= runtimePath('node')),
	n8nBinary: () => (runtimePaths.n8n ??= runtimePath('n8n')),
};
const runtimePaths: { node?: string; n8n?: string } = {};

let packedTarball: string | undefined;

/** `npm pack` of the built package (npm test builds before running jest). */
export function packTarball(): string {
	if (packedTarball) return packedTarball;
	const destination = mkdtempSync(join(tmpdir(), 'soniox-pack-'));
	const result = spawnSync('npm', ['pack', '--silent', '--pack-destination', destination], {
		cwd: ROOT,
		encoding: 'utf8',
	});
	if (result.status !== 0) throw new Error(`npm pack failed: ${result.stderr}`);
	const file = readdirSync(destination).find((name) => name.endsWith('.tgz'));
	if (!file) throw new Error('npm pack produced no tarball');
	packedTarball = join(destination, file);
	return packedTarball;
}

export interface WorkflowRun {
	status?: string;
	runData: Record<
		string,
		Array<{
			data?: { main: Array<Array<{ json: Record<string, unknown> }>> };
			error?: { message: string };
		}>
	>;
	error?: { message: string };
}

export class N8nInstance {
	private constructor(readonly userFolder: string) {}

	/** A fresh n8n user folder with the packed package installed as a community node. */
	static async create(): Promise<N8nInstance> {
		const userFolder = mkdtempSync(join(tmpdir(), 'soniox-n8n-'));
		const nodesDir = join(userFolder, '.n8n', 'nodes');
		mkdirSync(nodesDir, { recursive: true });
		writeFileSync(join(nodesDir, 'package.json'), '{"name":"installed-nodes","private":true}\n');
		await execFileAsync(
			'npm',
			[
				'install',
				'--omit=peer',
				'--legacy-peer-deps',
				'--ignore-scripts',
				'--no-audit',
				'--no-fund',
				packTarball(),
			],
			{ cwd: nodesDir },
		);
		return new N8nInstance(userFolder);
	}

	env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
		const { NODE_OPTIONS: _ignored, ...inherited } = process.env;
		return {
			...inherited,
			N8N_USER_FOLDER: this.userFolder,
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_RUNNERS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_LOG_LEVEL: 'warn',
			N8N_ENCRYPTION_KEY: 'soniox-suite-e2e-encryption-key',
			DB_SQLITE_POOL_SIZE: '1',
			...extra,
		};
	}

	/** Runs the n8n CLI with Node.js 24; resolves with its stdout. */
	async cli(args: string[], extraEnv: Record<string, string> = {}): Promise<string> {
		try {
			const { stdout } = await execFileAsync(runtime.node24(), [runtime.n8nBinary(), ...args], {
				env: this.env(extraEnv),
				maxBuffer: 64 * 1024 * 1024,
				timeout: 240_000,
			});
			return stdout;
		} catch (error) {
			const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
			throw new Error(`n8n ${args[0]} failed:\n${stderr.slice(-3000)}\n${stdout.slice(-2000)}`);
		}
	}

	private writeInput(name: string, value: unknown): string {
		const file = join(this.userFolder, name);
		writeFileSync(file, JSON.stringify(value, null, 2));
		return file;
	}

	async importCredentials(credentials: object[]) {
		await this.cli([
			'import:credentials',
			`--input=${this.writeInput('credentials.json', credentials)}`,
		]);
	}

	async importWorkflow(workflow: { id: string }) {
		await this.cli([
			'import:workflow',
			`--input=${this.writeInput(`${workflow.id}.json`, workflow)}`,
		]);
	}

	/** `n8n execute --id … --rawOutput`, parsed. */
	async execute(workflowId: string): Promise<WorkflowRun> {
		const stdout = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput']);
		// Log lines may come first; the run itself is the JSON document starting on its own line.
		const start = stdout.search(/^\{$/m);
		if (start < 0) throw new Error(`n8n execute printed no run data:\n${stdout.slice(0, 2000)}`);
		const parsed = JSON.parse(stdout.slice(start)) as {
			status?: string;
			data: { resultData: { runData: WorkflowRun['runData']; error?: { message: string } } };
		};
		return {
			status: parsed.status,
			runData: parsed.data.resultData.runData,
			error: parsed.data.resultData.error,
		};
	}

	/** Output items of one node in a run. */
	static items(run: WorkflowRun, nodeName: string) {
		return run.runData[nodeName]?.[0]?.data?.main?.[0]?.map((item) => item.json) ?? [];
	}

	remove() {
		rmSync(this.userFolder, { recursive: true, force: true });
	}
}

/** The Soniox credential as `n8n import:credentials` takes it (n8n encrypts it on import). */
export function sonioxCredential(data: Record<string, unknown>, id = 'soniox-e2e-credential') {
	return { id, name: 'Soniox (emulator)', type: 'sonioxApi', data };
}

/** A manual-trigger workflow whose trigger feeds the given nodes in a chain. */
export function chainWorkflow(
	id: string,
	nodes: Array<{
		name: string;
		type: string;
		parameters: Record<string, unknown>;
		typeVersion?: number;
		credentials?: Record<string, { id: string; name: string }>;
	}>,
) {
	const all = [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
		...nodes,
	].map((node, index) => ({
		typeVersion: 1,
		...node,
		id: `${id}-${index}`,
		position: [index * 220, 0],
	}));
	const connections: Record<string, unknown> = {};
	for (let index = 0; index < all.length - 1; index++) {
		connections[all[index].name] = {
			main: [[{ node: all[index + 1].name, type: 'main', index: 0 }]],
		};
	}
	return { id, name: id, active: false, nodes: all, connections, settings: {} };
}
