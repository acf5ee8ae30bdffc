// `npm test`: builds the package, then runs every jest suite on Node.js 24 (the runtime of
// n8n 2.x, with a global WebSocket), fetching that runtime into the cache on first use.
// Extra arguments go to jest, e.g. `npm test -- test/emulator`.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { node24 } from './lib/runtime.mjs';

const require = createRequire(import.meta.url);

function run(command, args) {
	const { status } = spawnSync(command, args, { stdio: 'inherit' });
	if (status !== 0) process.exit(status ?? 1);
}

run('npm', ['run', '--silent', 'build']);
run(node24(), [require.resolve('jest/bin/jest.js'), ...process.argv.slice(2)]);
