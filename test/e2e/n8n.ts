// A real n8n for the end-to-end tests and for `npm start`: its own user folder, our packed
// tarball installed as a community package (without peer dependencies, as n8n installs
// them), the n8n CLI to import credentials and workflows and to execute them, and
// `n8n start` as a server with an owner account, its REST API and its webhooks.
import { randomUUID } from 'node:crypto';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
	closeSync,
	createWriteStream,
	existsSync,
	mkdirSync,
	mkdtempSync,
	openSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const ROOT = resolve(__dirname, '../..');
const PACKAGE_NAME = 'n8n-nodes-soniox-suite';

/** The newest n8n 1.x (as in scripts/lib/runtime.mjs, which npm test installs first); override with N8N_1_VERSION. */
export const N8N_1_VERSION = process.env.N8N_1_VERSION || '1.123.81';

/** Paths from scripts/lib/runtime.mjs, which installs Node.js and n8n into the cache. */
function runtimePath(what: 'node' | 'n8n', n8nVersion?: string): string {
	const args = [join(ROOT, 'scripts/lib/runtime.mjs'), what, ...(n8nVersion ? [n8nVersion] : [])];
	const result = spawnSync(process.execPath, args, {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	if (result.status !== 0) throw new Error(`Could not prepare the ${what} runtime`);
	return result.stdout.trim();
}

const runtimePaths = new Map<string, string>();
function cachedRuntimePath(what: 'node' | 'n8n', n8nVersion?: string): string {
	const key = `${what}@${n8nVersion ?? 'default'}`;
	if (!runtimePaths.has(key)) runtimePaths.set(key, runtimePath(what, n8nVersion));
	return runtimePaths.get(key)!;
}

let packedTarball: string | undefined;

/** `npm pack` of the built package (npm test and npm start build before this runs). */
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

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
	return await new Promise((resolvePort, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolvePort(port));
		});
	});
}

export interface NodeRun {
	data?: {
		main: Array<Array<{ json: Record<string, unknown>; binary?: Record<string, unknown> }>>;
	};
	error?: { message: string; description?: string };
	executionStatus?: string;
}

export interface WorkflowRun {
	status?: string;
	runData: Record<string, NodeRun[]>;
	lastNodeExecuted?: string;
	error?: { message: string; description?: string; node?: { name: string } };
}

export interface N8nInstanceOptions {
	/**
	 * A user folder to keep (npm start): created when missing, the package reinstalled from a
	 * fresh tarball every time. Without it, a throwaway folder under the system temp folder.
	 */
	userFolder?: string;
	/** Another n8n version than the default of scripts/lib/runtime.mjs (compatibility tests). */
	n8nVersion?: string;
	/**
	 * Encrypts credentials in the database. null: n8n's own, created in the user folder on
	 * first start and kept there (npm start). Default: a fixed key for throwaway folders.
	 */
	encryptionKey?: string | null;
	/**
	 * Environment for every process of this instance (CLI, server, workers): e.g. queue mode's
	 * database and Redis, so a main and its workers share one configuration.
	 */
	env?: Record<string, string>;
}

export interface Owner {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

export class N8nInstance {
	private constructor(
		readonly userFolder: string,
		private readonly options: N8nInstanceOptions,
		private readonly throwaway: boolean,
	) {}

	/** An n8n user folder with the packed package installed as a community node. */
	static async create(options: N8nInstanceOptions = {}): Promise<N8nInstance> {
		const throwaway = !options.userFolder;
		const userFolder = options.userFolder ?? mkdtempSync(join(tmpdir(), 'soniox-n8n-'));
		const instance = new N8nInstance(userFolder, options, throwaway);
		await instance.installPackage();
		return instance;
	}

	/** (Re)installs the freshly packed tarball into <userFolder>/.n8n/nodes, as n8n does. */
	async installPackage(tarball = packTarball()) {
		const nodesDir = join(this.userFolder, '.n8n', 'nodes');
		mkdirSync(nodesDir, { recursive: true });
		if (!existsSync(join(nodesDir, 'package.json'))) {
			writeFileSync(join(nodesDir, 'package.json'), '{"name":"installed-nodes","private":true}\n');
		}
		// Same name and version as last time but other contents: remove it so npm installs anew.
		rmSync(join(nodesDir, 'node_modules', PACKAGE_NAME), { recursive: true, force: true });
		await execFileAsync(
			'npm',
			[
				'install',
				'--omit=peer',
				'--legacy-peer-deps',
				'--ignore-scripts',
				'--no-audit',
				'--no-fund',
				tarball,
			],
			{ cwd: nodesDir },
		);
	}

	/** The Node.js binary that runs this n8n (Node.js 24 for n8n 2.x). */
	nodeBinary(): string {
		return cachedRuntimePath('node', this.options.n8nVersion);
	}

	n8nBinary(): string {
		return cachedRuntimePath('n8n', this.options.n8nVersion);
	}

	env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
		const { NODE_OPTIONS: _ignored, ...inherited } = process.env;
		return {
			...inherited,
			// n8n starts its task runner with the `node` found on PATH: the same Node.js.
			PATH: `${dirname(this.nodeBinary())}${delimiter}${process.env.PATH ?? ''}`,
			// Jest sets NODE_ENV=test, in which n8n logs nothing, not even the CLI's results.
			NODE_ENV: 'production',
			N8N_USER_FOLDER: this.userFolder,
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			// n8n reaches out to its own servers unless told not to (n8n 1.x knows no such module).
			N8N_VERIFIED_PACKAGES_ENABLED: 'false',
			...(this.options.n8nVersion?.startsWith('1.')
				? {}
				: { N8N_DISABLED_MODULES: 'mcp-registry' }),
			N8N_LOG_LEVEL: 'warn',
			...(this.options.encryptionKey === null
				? {}
				: { N8N_ENCRYPTION_KEY: this.options.encryptionKey ?? 'soniox-suite-e2e-encryption-key' }),
			DB_SQLITE_POOL_SIZE: '1',
			...this.options.env,
			...extra,
		};
	}

	/** Runs the n8n CLI; resolves with its stdout, rejects with its output on failure. */
	async cli(args: string[], extraEnv: Record<string, string> = {}): Promise<string> {
		const result = await this.runCli(args, extraEnv);
		if (result.code !== 0) {
			throw new Error(
				`n8n ${args[0]} failed:\n${result.stderr.slice(-3000)}\n${result.stdout.slice(-4000)}`,
			);
		}
		return result.stdout;
	}

	/**
	 * Runs the CLI with its output in files, not pipes: n8n exits as soon as it is done, and a
	 * pipe loses what was not read by then (a long run printed by `execute`), a file nothing.
	 */
	private async runCli(args: string[], extraEnv: Record<string, string>) {
		const dir = mkdtempSync(join(tmpdir(), 'soniox-cli-'));
		const [outFile, errFile] = [join(dir, 'stdout'), join(dir, 'stderr')];
		const [out, err] = [openSync(outFile, 'w'), openSync(errFile, 'w')];
		try {
			const env = this.env({
				// A CLI command beside a running server must not take the server's runner port.
				N8N_RUNNERS_BROKER_PORT: String(await freePort()),
				...extraEnv,
			});
			const child = spawn(this.nodeBinary(), [this.n8nBinary(), ...args], {
				env,
				stdio: ['ignore', out, err],
			});
			const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
			const code = await new Promise<number>((resolveCode) => {
				child.on('error', () => resolveCode(1));
				child.on('exit', (exitCode) => resolveCode(exitCode ?? 1));
			});
			clearTimeout(timer);
			return { code, stdout: readFileSync(outFile, 'utf8'), stderr: readFileSync(errFile, 'utf8') };
		} finally {
			closeSync(out);
			closeSync(err);
			rmSync(dir, { recursive: true, force: true });
		}
	}

	private writeInput(name: string, value: unknown): string {
		const dir = join(this.userFolder, 'imports');
		mkdirSync(dir, { recursive: true });
		const file = join(dir, name);
		writeFileSync(file, JSON.stringify(value, null, 2));
		return file;
	}

	/** `n8n import:credentials`: an existing credential with the same id is replaced. */
	async importCredentials(credentials: object[]) {
		// The input holds API keys in plain text: it lives only as long as the import.
		const input = this.writeInput('credentials.json', credentials);
		try {
			await this.cli(['import:credentials', `--input=${input}`]);
		} finally {
			rmSync(input, { force: true });
		}
	}

	/** `n8n import:workflow` of one workflow, or of several in one CLI call. */
	async importWorkflow(workflow: { id: string } | Array<{ id: string }>) {
		const many = Array.isArray(workflow);
		const name = many ? 'workflows.json' : `${workflow.id}.json`;
		await this.cli(['import:workflow', `--input=${this.writeInput(name, workflow)}`]);
	}

	/** `n8n publish:workflow`: the workflow is active from the next `n8n start` on. */
	async publishWorkflow(workflowId: string) {
		await this.cli(['publish:workflow', `--id=${workflowId}`]);
	}

	/** `n8n execute --id … --rawOutput`, parsed. A failed run resolves too, with its error. */
	async execute(workflowId: string): Promise<WorkflowRun> {
		// The CLI prints the run through its logger, at level info.
		const args = ['execute', `--id=${workflowId}`, '--rawOutput'];
		const { stdout, stderr } = await this.runCli(args, { N8N_LOG_LEVEL: 'info' });
		const parsed = parseRun(stdout);
		if (!parsed) {
			throw new Error(
				`n8n execute printed no run data:\n${stderr.slice(-3000)}\n${stdout.slice(-3000)}`,
			);
		}
		return parsed;
	}

	/** Output items of one node in a run (first run of the node, first output). */
	static items(run: WorkflowRun, nodeName: string, output = 0) {
		return run.runData[nodeName]?.[0]?.data?.main?.[output]?.map((item) => item.json) ?? [];
	}

	/** `n8n start` on this user folder; resolves once the server answers its readiness probe. */
	async start(
		options: { port?: number; env?: Record<string, string>; logFile?: string } = {},
	): Promise<N8nServer> {
		const port = options.port ?? (await freePort());
		const env = this.env({
			N8N_PORT: String(port),
			N8N_HOST: 'localhost',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			N8N_EDITOR_BASE_URL: `http://localhost:${port}`,
			WEBHOOK_URL: `http://localhost:${port}/`,
			N8N_SECURE_COOKIE: 'false',
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			N8N_LOG_LEVEL: 'info',
			...options.env,
		});
		const child = this.spawnGuarded('start', env, options.logFile);
		const server = new N8nServer(child, `http://localhost:${port}`);
		await server.waitUntilReady();
		return server;
	}

	/**
	 * `n8n worker` on this user folder (queue mode: give the instance the database and Redis in
	 * `env`); resolves once the worker's health check says it reaches both.
	 */
	async worker(
		options: { concurrency?: number; env?: Record<string, string>; logFile?: string } = {},
	): Promise<N8nWorker> {
		const healthPort = await freePort();
		const env = this.env({
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(healthPort),
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			N8N_LOG_LEVEL: 'info',
			...options.env,
		});
		const args = [
			'worker',
			...(options.concurrency ? [`--concurrency=${options.concurrency}`] : []),
		];
		const worker = new N8nWorker(this.spawnGuarded(args, env, options.logFile), healthPort);
		await worker.waitUntilReady();
		return worker;
	}

	/** An n8n command through scripts/lib/child-guard.mjs: n8n stops when this process dies. */
	private spawnGuarded(command: string | string[], env: NodeJS.ProcessEnv, logFile?: string) {
		const guard = join(ROOT, 'scripts/lib/child-guard.mjs');
		const args = [guard, this.nodeBinary(), this.n8nBinary(), ...[command].flat()];
		const child = spawn(this.nodeBinary(), args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
		if (logFile) {
			const log = createWriteStream(logFile, { flags: 'a' });
			child.stdout?.pipe(log, { end: false });
			child.stderr?.pipe(log, { end: false });
		}
		return child;
	}

	remove() {
		if (this.throwaway) rmSync(this.userFolder, { recursive: true, force: true });
	}
}

function parseRun(text: string): WorkflowRun | undefined {
	// Log lines may come before and after; the run is pretty-printed JSON, from a line "{" to
	// the first line "}".
	const start = text.search(/^\{$/m);
	if (start < 0) return undefined;
	const end = text.slice(start).search(/^\}$/m);
	if (end < 0) return undefined;
	// Every line inside is indented: a line that is not is the logger's, written in between.
	const json = text
		.slice(start, start + end + 1)
		.split('\n')
		.filter((line, index, lines) => index === 0 || index === lines.length - 1 || /^\s/.test(line))
		.join('\n');
	let parsed: {
		status?: string;
		data: {
			resultData: {
				runData: WorkflowRun['runData'];
				lastNodeExecuted?: string;
				error?: WorkflowRun['error'];
			};
		};
	};
	try {
		parsed = JSON.parse(json);
	} catch {
		return undefined;
	}
	return {
		status: parsed.status,
		runData: parsed.data.resultData.runData,
		lastNodeExecuted: parsed.data.resultData.lastNodeExecuted,
		error: parsed.data.resultData.error,
	};
}

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	mode: string;
	status: string;
	startedAt: string;
}

/** Servers still running when this process exits are stopped (their guards stop n8n). */
const runningServers = new Set<ChildProcess>();
process.once('exit', () => {
	for (const child of runningServers) child.kill('SIGTERM');
});

/** A running n8n command (`n8n start`, `n8n worker`) through its guard: its log, stop, kill. */
export class N8nProcess {
	private output = '';
	protected exited: Promise<number | null>;

	constructor(
		/** The guard process that runs n8n (scripts/lib/child-guard.mjs). */
		readonly process: ChildProcess,
	) {
		const keep = (chunk: Buffer) => {
			this.output = (this.output + chunk.toString()).slice(-200_000);
		};
		process.stdout?.on('data', keep);
		process.stderr?.on('data', keep);
		runningServers.add(process);
		this.exited = new Promise((resolveExit) =>
			process.once('exit', (code) => {
				runningServers.delete(process);
				resolveExit(code);
			}),
		);
	}

	/** What n8n printed so far (the last 200 kB). */
	log(): string {
		return this.output;
	}

	running(): boolean {
		return this.process.exitCode === null && this.process.signalCode === null;
	}

	/** Stops n8n: its guard sends SIGTERM, and SIGKILL if n8n takes longer than 15 s. */
	async stop(graceMs = 30_000) {
		if (!this.running()) return;
		this.process.kill('SIGTERM');
		this.process.stdin?.end();
		const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
		await this.exited;
		clearTimeout(timer);
	}

	/** A crash: SIGKILL to n8n and its task runner at once (no shutdown), through the guard. */
	async kill() {
		if (!this.running()) return;
		this.process.kill('SIGUSR2');
		await this.exited;
	}

	/** Polls `ready` until it resolves true; fails early with the log if n8n exits. */
	protected async waitFor(what: string, ready: () => Promise<boolean>, timeoutMs: number) {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (!this.running()) {
				throw new Error(`n8n exited while ${what}:\n${this.output.slice(-4000)}`);
			}
			try {
				if (await ready()) return;
			} catch {
				// not listening yet
			}
			await new Promise((wake) => setTimeout(wake, 500));
		}
		throw new Error(`n8n was not ${what} in ${timeoutMs} ms:\n${this.output.slice(-4000)}`);
	}
}

/** A running `n8n worker` (queue mode), with its health check on `healthPort`. */
export class N8nWorker extends N8nProcess {
	constructor(
		process: ChildProcess,
		readonly healthPort: number,
	) {
		super(process);
	}

	/** Ready once the worker reaches its database and Redis (its /healthz/readiness). */
	async waitUntilReady(timeoutMs = 180_000) {
		const url = `http://127.0.0.1:${this.healthPort}/healthz/readiness`;
		await this.waitFor('ready as a worker', async () => (await fetch(url)).ok, timeoutMs);
	}
}

/** A running `n8n start`: its REST API (as the owner), its webhooks, its log. */
export class N8nServer extends N8nProcess {
	private cookie = '';

	constructor(
		process: ChildProcess,
		readonly url: string,
	) {
		super(process);
	}

	async waitUntilReady(timeoutMs = 180_000) {
		// The editor's REST API comes up with the last routes; wait for it too.
		await this.waitFor(
			'ready',
			async () =>
				(await fetch(`${this.url}/healthz/readiness`)).ok &&
				(await fetch(`${this.url}/rest/settings`)).ok,
			timeoutMs,
		);
	}

	/** Creates the owner account on a new instance; on one that has it already, logs in. */
	async setupOwner(owner: Owner) {
		const response = await fetch(`${this.url}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(owner),
		});
		if (response.ok) {
			this.keepCookie(response);
			return;
		}
		const body = await response.text();
		if (response.status === 400 && /already/i.test(body)) {
			await this.login(owner.email, owner.password);
			return;
		}
		throw new Error(`owner setup failed: ${response.status} ${body}`);
	}

	async login(email: string, password: string) {
		const response = await fetch(`${this.url}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ emailOrLdapLoginId: email, password }),
		});
		if (!response.ok) throw new Error(`login failed: ${response.status} ${await response.text()}`);
		this.keepCookie(response);
	}

	/** The owner's session cookie (`n8n-auth=…`), e.g. for a browser. */
	authCookie(): string {
		return this.cookie;
	}

	private keepCookie(response: Response) {
		const cookie = response.headers
			.getSetCookie()
			.find((value) => value.startsWith('n8n-auth='))
			?.split(';')[0];
		if (cookie) this.cookie = cookie;
	}

	/** The editor's internal REST API as the logged-in owner; resolves with `data`. */
	async rest<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await fetch(`${this.url}/rest${path}`, {
			method,
			headers: {
				cookie: this.cookie,
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`${method} /rest${path}: ${response.status} ${text}`);
		const parsed = text ? JSON.parse(text) : {};
		return (parsed && typeof parsed === 'object' && 'data' in parsed ? parsed.data : parsed) as T;
	}

	/** Finished and running executions of a workflow, newest first. */
	async executions(workflowId: string): Promise<ExecutionSummary[]> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const data = await this.rest<{ results: ExecutionSummary[] }>(
			'GET',
			`/executions?filter=${filter}&limit=100`,
		);
		return data.results;
	}

	/** One execution with its run data, unflattened from n8n's storage format. */
	async execution(id: string): Promise<WorkflowRun> {
		const data = await this.rest<{ status: string; data: string }>('GET', `/executions/${id}`);
		const run = unflattenExecutionData(data.data) as {
			resultData: { runData: WorkflowRun['runData']; error?: WorkflowRun['error'] };
		};
		return { status: data.status, runData: run.resultData.runData, error: run.resultData.error };
	}

	/** Activates (publishes) a workflow on the running instance. */
	async activate(workflowId: string) {
		const workflow = await this.rest<{ versionId: string }>('GET', `/workflows/${workflowId}`);
		await this.rest('POST', `/workflows/${workflowId}/activate`, {
			versionId: workflow.versionId,
		});
	}

	/** A request to a production webhook of an active workflow: `<url>/webhook/<path>`. */
	async webhook(path: string, init: RequestInit = {}): Promise<Response> {
		return await fetch(`${this.url}/webhook/${path.replace(/^\//, '')}`, init);
	}
}

/**
 * n8n stores execution data "flattened" (the format of the `flatted` package): an array
 * whose first element is the root, where every string that is a number refers to another
 * element. Strings are stored as elements of their own, so a plain string is never an index.
 */
export function unflattenExecutionData(serialized: string): unknown {
	const table = JSON.parse(serialized) as unknown[];
	const resolved = new Map<number, unknown>();
	const revive = (index: number): unknown => {
		if (resolved.has(index)) return resolved.get(index);
		const value = table[index];
		if (Array.isArray(value)) {
			const out: unknown[] = [];
			resolved.set(index, out);
			for (const entry of value) out.push(reviveValue(entry));
			return out;
		}
		if (value && typeof value === 'object') {
			const out: Record<string, unknown> = {};
			resolved.set(index, out);
			for (const [key, entry] of Object.entries(value)) out[key] = reviveValue(entry);
			return out;
		}
		resolved.set(index, value);
		return value;
	};
	const reviveValue = (entry: unknown) =>
		typeof entry === 'string' ? revive(Number(entry)) : entry;
	return revive(0);
}

/** The Soniox credential as `n8n import:credentials` takes it (n8n encrypts it on import). */
export function sonioxCredential(
	data: Record<string, unknown>,
	id = 'soniox-e2e-credential',
	name = 'Soniox (emulator)',
) {
	return { id, name, type: 'sonioxSuiteApi', data };
}

export interface WorkflowNode {
	name: string;
	type: string;
	parameters: Record<string, unknown>;
	typeVersion?: number;
	credentials?: Record<string, { id: string; name: string }>;
	[extra: string]: unknown;
}

const MANUAL_START: WorkflowNode = {
	name: 'Start',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	parameters: {},
};

/** A Webhook trigger for POST requests to `path`, answered as soon as they arrive. */
export function webhookTrigger(name: string, path: string): WorkflowNode {
	return {
		name,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
	};
}

/** A manual-trigger workflow whose trigger feeds the given nodes in a chain. */
export function chainWorkflow(id: string, nodes: WorkflowNode[]) {
	const all = [MANUAL_START, ...nodes].map((node, index) => ({
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

/**
 * A workflow of any shape: `edges` are [from, to] node names, from the trigger (a manual one
 * named "Start" unless `trigger` is given); a node with several successors feeds all of them.
 * Nodes are laid out in columns.
 */
export function graphWorkflow(
	id: string,
	nodes: WorkflowNode[],
	edges: Array<[string, string]>,
	trigger: WorkflowNode = MANUAL_START,
) {
	const all: WorkflowNode[] = [trigger, ...nodes];
	const depth = new Map<string, number>([[trigger.name, 0]]);
	for (let pass = 0; pass < all.length; pass++) {
		for (const [from, to] of edges) {
			const next = (depth.get(from) ?? 0) + 1;
			if (next > (depth.get(to) ?? 0)) depth.set(to, next);
		}
	}
	const rows = new Map<number, number>();
	const laidOut = all.map((node, index) => {
		const column = depth.get(node.name) ?? 0;
		const row = rows.get(column) ?? 0;
		rows.set(column, row + 1);
		return {
			typeVersion: 1,
			...node,
			id: `${id}-${index}`,
			position: [column * 220, row * 160],
		};
	});
	const connections: Record<string, { main: Array<Array<Record<string, unknown>>> }> = {};
	for (const [from, to] of edges) {
		if (!all.some((node) => node.name === from) || !all.some((node) => node.name === to)) {
			throw new Error(`${id}: edge ${from} → ${to} names a missing node`);
		}
		connections[from] ??= { main: [[]] };
		connections[from].main[0].push({ node: to, type: 'main', index: 0 });
	}
	return { id, name: id, active: false, nodes: laidOut, connections, settings: {} };
}

export interface ExampleWorkflow {
	id: string;
	name: string;
	nodes: Array<WorkflowNode & { id: string }>;
	connections: Record<string, unknown>;
	[extra: string]: unknown;
}

/** The example workflows shipped in examples/, by file name. */
export function exampleWorkflow(file: string): ExampleWorkflow {
	return JSON.parse(readFileSync(join(ROOT, 'examples', file), 'utf8')) as ExampleWorkflow;
}

export function exampleFiles(): string[] {
	return readdirSync(join(ROOT, 'examples'))
		.filter((name) => name.endsWith('.json'))
		.sort();
}

/** A copy of a workflow with one node's parameters changed (e.g. a URL pointed at a test receiver). */
export function withParameters(
	workflow: ExampleWorkflow,
	nodeName: string,
	change: (parameters: Record<string, unknown>) => void,
): ExampleWorkflow {
	const copy = structuredClone(workflow);
	const node = copy.nodes.find((candidate) => candidate.name === nodeName);
	if (!node) throw new Error(`${workflow.name} has no node "${nodeName}"`);
	change(node.parameters);
	return copy;
}
