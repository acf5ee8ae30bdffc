// n8n in queue mode for the tests: a throwaway PostgreSQL cluster and Redis (Debian's
// packages, never downloaded ones), one main (`n8n start`) and workers (`n8n worker`) on one
// user folder with the packed package installed once, EXECUTIONS_MODE=queue, one encryption
// key, binary data in n8n's default for queue mode (the database). Every server runs through
// scripts/lib/child-guard.mjs, so it dies with the test process, however that dies.
//
//   const cluster = await QueueCluster.start({ credentials, workflows, workers: 2 });
//   await cluster.main.activate(id); await cluster.restartMain(); await cluster.killWorker(0);
//   await cluster.postgres.query('SELECT …', 'ledger'); await cluster.stop();
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { E2E_OWNER } from '../e2e/workflows';
import { freePort, N8nInstance, type N8nServer, type N8nWorker } from '../e2e/n8n';

const execFileAsync = promisify(execFile);
const GUARD = resolve(__dirname, '../../scripts/lib/child-guard.mjs');

function which(name: string): string | undefined {
	const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
	return found.status === 0 && found.stdout.trim() ? found.stdout.trim() : undefined;
}

/** The folder of PostgreSQL's server binaries: initdb on PATH, or Debian's newest version. */
export function findPostgresBin(): string | undefined {
	// A symlink on PATH (Debian links only some) leads to the folder with psql and postgres.
	const initdb = which('initdb');
	if (initdb) return resolve(realpathSync(initdb), '..');
	const root = '/usr/lib/postgresql';
	if (!existsSync(root)) return undefined;
	const versions = readdirSync(root)
		.filter((version) => existsSync(join(root, version, 'bin', 'initdb')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length ? join(root, versions[0], 'bin') : undefined;
}

/** What queue mode needs that this machine lacks (Debian: postgresql, redis-server). */
export function missingQueueServers(): string[] {
	return [
		...(findPostgresBin() ? [] : ['postgresql']),
		...(which('redis-server') ? [] : ['redis-server']),
	];
}

// CI installs both (.ci/run); elsewhere a missing server skips the queue suites, saying so.
const missing = missingQueueServers();
if (missing.length && process.env.CI) {
	throw new Error(`CI needs ${missing.join(' and ')}: apt-get install ${missing.join(' ')}`);
}
if (missing.length) {
	process.stderr.write(
		`Skipping the queue-mode tests: ${missing.join(' and ')} missing (apt-get install ${missing.join(' ')})\n`,
	);
}
export const describeQueueMode = missing.length ? describe.skip : describe;

/**
 * A server process under the guard. As root, PostgreSQL refuses to run: then it runs as the
 * `postgres` user the Debian package creates.
 */
function guarded(command: string, args: string[], asUser?: string): ChildProcess {
	const argv = asUser
		? ['setpriv', `--reuid=${asUser}`, `--regid=${asUser}`, '--init-groups', '--', command, ...args]
		: [command, ...args];
	const child = spawn(process.execPath, [GUARD, ...argv], { stdio: ['pipe', 'pipe', 'pipe'] });
	// The guard stops the server when its stdin closes (this process died); keep it open.
	return child;
}

function collect(child: ChildProcess): () => string {
	let output = '';
	const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	return () => output;
}

async function killGuarded(child: ChildProcess) {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((done) => child.once('exit', done));
	// SIGUSR2: the guard kills the server's whole process group at once.
	child.kill('SIGUSR2');
	await exited;
}

const isRoot = () => process.getuid?.() === 0;

/** A throwaway PostgreSQL cluster on a free loopback port, user `n8n` without a password. */
export class Postgres {
	private constructor(
		readonly port: number,
		private readonly dir: string,
		private readonly bin: string,
		private readonly child: ChildProcess,
	) {}

	static async start(): Promise<Postgres> {
		const bin = findPostgresBin();
		if (!bin) throw new Error('No PostgreSQL: apt-get install postgresql');
		const dir = mkdtempSync(join(tmpdir(), 'soniox-pg-'));
		const user = isRoot() ? 'postgres' : undefined;
		if (user) {
			const id = (flag: string) => Number(spawnSync('id', [flag, user]).stdout.toString().trim());
			chownSync(dir, id('-u'), id('-g'));
		}
		const data = join(dir, 'data');
		const initdb = [
			join(bin, 'initdb'),
			'-D',
			data,
			'-U',
			'n8n',
			'-A',
			'trust',
			'-E',
			'UTF8',
			'--no-locale',
		];
		const init = spawnSync(
			user ? 'setpriv' : initdb[0],
			[
				...(user ? [`--reuid=${user}`, `--regid=${user}`, '--init-groups', '--', initdb[0]] : []),
				...initdb.slice(1),
				'--no-sync',
			],
			{ encoding: 'utf8' },
		);
		if (init.status !== 0) throw new Error(`initdb failed:\n${init.stderr}${init.stdout}`);
		const port = await freePort();
		const child = guarded(
			join(bin, 'postgres'),
			[
				'-D',
				data,
				'-p',
				String(port),
				'-c',
				'listen_addresses=127.0.0.1',
				'-c',
				`unix_socket_directories=${dir}`,
				'-c',
				'fsync=off',
				'-c',
				'synchronous_commit=off',
				'-c',
				'full_page_writes=off',
				'-c',
				'max_connections=200',
				// A query whose client died (a killed worker) ends within a second, even while
				// it waits for a lock, instead of running on for nobody.
				'-c',
				'client_connection_check_interval=1000',
			],
			user,
		);
		const output = collect(child);
		const postgres = new Postgres(port, dir, bin, child);
		const deadline = Date.now() + 60_000;
		let problem = '';
		while (Date.now() < deadline) {
			if (child.exitCode !== null) throw new Error(`postgres exited:\n${output()}`);
			try {
				await postgres.query('SELECT 1');
				break;
			} catch (error) {
				problem = (error as Error).message;
				await new Promise((wake) => setTimeout(wake, 250));
			}
		}
		try {
			await postgres.query('CREATE DATABASE n8n');
			return postgres;
		} catch (error) {
			await postgres.stop();
			throw new Error(`postgres did not start: ${problem} ${error}\n${output()}`);
		}
	}

	private psqlArgs(database: string) {
		return ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'n8n', '-d', database];
	}

	/** One SQL text through psql; resolves with its rows, columns split by tabs. */
	async query(sql: string, database = 'postgres'): Promise<string[][]> {
		const { stdout } = await execFileAsync(
			join(this.bin, 'psql'),
			[...this.psqlArgs(database), '-X', '-At', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', sql],
			{ maxBuffer: 64 * 1024 * 1024 },
		);
		return stdout
			.split('\n')
			.filter((line) => line !== '')
			.map((line) => line.split('\t'));
	}

	/**
	 * An open session that holds a table's ACCESS EXCLUSIVE lock until `release()`: whoever
	 * writes to the table meanwhile waits.
	 */
	async lockTable(table: string, database: string): Promise<{ release: () => Promise<void> }> {
		const psql = spawn(join(this.bin, 'psql'), [...this.psqlArgs(database), '-X', '-At'], {
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		const output = collect(psql);
		psql.stdin!.write(`BEGIN;\nLOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE;\nSELECT 'locked';\n`);
		const deadline = Date.now() + 30_000;
		while (!output().includes('locked')) {
			if (psql.exitCode !== null || Date.now() > deadline) {
				throw new Error(`could not lock ${table}: ${output()}`);
			}
			await new Promise((wake) => setTimeout(wake, 100));
		}
		return {
			release: async () => {
				const exited = new Promise((done) => psql.once('exit', done));
				psql.stdin!.end('COMMIT;\n');
				await exited;
			},
		};
	}

	/** A credential of n8n's Postgres node for `database` on this cluster. */
	credential(id: string, name: string, database: string) {
		return {
			id,
			name,
			type: 'postgres',
			data: {
				host: '127.0.0.1',
				port: this.port,
				database,
				user: 'n8n',
				password: '',
				ssl: 'disable',
			},
		};
	}

	async stop() {
		await killGuarded(this.child);
		rmSync(this.dir, { recursive: true, force: true });
	}
}

/** A throwaway Redis on a free loopback port, nothing written to disk. */
export class Redis {
	private constructor(
		readonly port: number,
		private readonly dir: string,
		private readonly child: ChildProcess,
	) {}

	static async start(): Promise<Redis> {
		const port = await freePort();
		const dir = mkdtempSync(join(tmpdir(), 'soniox-redis-'));
		const child = guarded('redis-server', [
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir,
		]);
		const output = collect(child);
		const deadline = Date.now() + 30_000;
		while (!/Ready to accept connections/.test(output())) {
			if (child.exitCode !== null || Date.now() > deadline) {
				await killGuarded(child);
				throw new Error(`redis-server did not start:\n${output()}`);
			}
			await new Promise((wake) => setTimeout(wake, 100));
		}
		return new Redis(port, dir, child);
	}

	async stop() {
		await killGuarded(this.child);
		rmSync(this.dir, { recursive: true, force: true });
	}
}

export interface QueueClusterOptions {
	/**
	 * `n8n import:credentials` input (the Soniox credential pointed at the emulator, …), or a
	 * function of the cluster's PostgreSQL for credentials that point at it.
	 */
	credentials?: object[] | ((postgres: Postgres) => object[]);
	/** Imported before n8n starts (activate them with `cluster.main.activate(id)`). */
	workflows?: Array<{ id: string }>;
	/** How many `n8n worker` processes (default 2). */
	workers?: number;
	/** Jobs one worker runs at once (n8n's default is 10). */
	concurrency?: number;
	/** More databases to create on the cluster, e.g. for a Postgres node's credential. */
	databases?: string[];
}

/** One main and its workers in queue mode, with their PostgreSQL and Redis. */
export class QueueCluster {
	/** The workers by slot: a killed or stopped worker's slot holds it until it is restarted. */
	readonly workers: N8nWorker[] = [];
	private mainPort = 0;

	private constructor(
		readonly n8n: N8nInstance,
		readonly postgres: Postgres,
		readonly redis: Redis,
		private readonly concurrency: number | undefined,
		public main: N8nServer,
	) {}

	static async start(options: QueueClusterOptions = {}): Promise<QueueCluster> {
		const servers = await Promise.allSettled([Postgres.start(), Redis.start()]);
		const [postgres, redis] = servers.map((server) =>
			server.status === 'fulfilled' ? server.value : undefined,
		) as [Postgres | undefined, Redis | undefined];
		if (!postgres || !redis) {
			await Promise.all([postgres?.stop(), redis?.stop()]);
			const failed = servers.find((server) => server.status === 'rejected');
			throw (failed as PromiseRejectedResult).reason;
		}
		try {
			for (const database of options.databases ?? []) {
				await postgres.query(`CREATE DATABASE ${database}`);
			}
			const mainPort = await freePort();
			const n8n = await N8nInstance.create({
				env: {
					EXECUTIONS_MODE: 'queue',
					// Workers build resume URLs (a wait until Soniox calls back): they must name the main.
					WEBHOOK_URL: `http://localhost:${mainPort}/`,
					QUEUE_BULL_REDIS_HOST: '127.0.0.1',
					QUEUE_BULL_REDIS_PORT: String(redis.port),
					DB_TYPE: 'postgresdb',
					DB_POSTGRESDB_HOST: '127.0.0.1',
					DB_POSTGRESDB_PORT: String(postgres.port),
					DB_POSTGRESDB_DATABASE: 'n8n',
					DB_POSTGRESDB_USER: 'n8n',
					DB_POSTGRESDB_PASSWORD: '',
					// A restart in a test need not wait n8n's default 30 s for running work.
					N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
				},
			});
			// The first CLI call creates n8n's tables; everything after it finds them.
			const credentials =
				typeof options.credentials === 'function'
					? options.credentials(postgres)
					: (options.credentials ?? []);
			if (credentials.length) await n8n.importCredentials(credentials);
			if (options.workflows?.length) await n8n.importWorkflow(options.workflows);
			const count = options.workers ?? 2;
			const [main, ...workers] = await Promise.all([
				n8n.start({ port: mainPort }),
				...Array.from({ length: count }, () => n8n.worker({ concurrency: options.concurrency })),
			]);
			const cluster = new QueueCluster(n8n, postgres, redis, options.concurrency, main);
			cluster.mainPort = mainPort;
			cluster.workers.push(...workers);
			await main.setupOwner(E2E_OWNER);
			return cluster;
		} catch (error) {
			await Promise.all([postgres.stop(), redis.stop()]);
			throw error;
		}
	}

	/** Stops the main gracefully (SIGTERM) and starts it again on the same port, logged in. */
	async restartMain(between?: () => Promise<void> | void) {
		await this.main.stop();
		await between?.();
		await this.startMain();
	}

	/** Starts the main again after `main.stop()` or `main.kill()` (same port, same webhooks). */
	async startMain() {
		if (this.main.running()) throw new Error('the main is still running');
		this.main = await this.n8n.start({ port: this.mainPort });
		await this.main.login(E2E_OWNER.email, E2E_OWNER.password);
	}

	/** Starts a worker in `slot` (replacing one that was stopped or killed there). */
	async startWorker(slot: number): Promise<N8nWorker> {
		if (this.workers[slot]?.running()) throw new Error(`worker ${slot} is still running`);
		this.workers[slot] = await this.n8n.worker({ concurrency: this.concurrency });
		return this.workers[slot];
	}

	/** A crash of one worker: SIGKILL to it and its task runner, no shutdown. */
	async killWorker(slot: number) {
		await this.workers[slot].kill();
	}

	/** `kill` (a crash, default) or `stop` (a deploy: SIGTERM) one worker, then start a new one. */
	async restartWorker(slot: number, how: 'kill' | 'stop' = 'kill') {
		await (how === 'kill' ? this.workers[slot].kill() : this.workers[slot].stop());
		return await this.startWorker(slot);
	}

	/** The slot of the worker that started an execution (from its log), if any did. */
	workerOf(executionId: string): number | undefined {
		const started = new RegExp(`Worker started execution ${executionId} \\(`);
		const slot = this.workers.findIndex((worker) => started.test(worker.log()));
		return slot < 0 ? undefined : slot;
	}

	/** How many executions each worker started so far (its current process only). */
	startedPerWorker(): number[] {
		return this.workers.map(
			(worker) => worker.log().match(/Worker started execution \d+ \(/g)?.length ?? 0,
		);
	}

	/**
	 * For an execution that is running or waiting (e.g. for a webhook callback): restarts the
	 * worker that ran it, `kill` (a crash) or `stop` (a deploy), and resolves with its slot.
	 */
	async restartWorkerOf(executionId: string, how: 'kill' | 'stop' = 'kill'): Promise<number> {
		const slot = this.workerOf(executionId);
		if (slot === undefined) {
			throw new Error(`no worker started execution ${executionId}:\n${this.logs()}`);
		}
		await this.restartWorker(slot, how);
		return slot;
	}

	/** The ends of every process's log, for a failure message. */
	logs(): string {
		return [
			`main:\n${this.main.log().slice(-3000)}`,
			...this.workers.map((worker, slot) => `worker ${slot}:\n${worker.log().slice(-3000)}`),
		].join('\n');
	}

	async stop() {
		await Promise.all([this.main.stop(), ...this.workers.map((worker) => worker.stop())]);
		await Promise.all([this.postgres.stop(), this.redis.stop()]);
		this.n8n.remove();
	}
}
