// `npm test`: builds the package, then runs every jest suite on Node.js 24 (the runtime of
// n8n 2.x, with a global WebSocket), fetching that runtime into the cache on first use.
// Extra arguments go to jest, e.g. `npm test -- test/emulator`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { N8N_1_VERSION, n8nBinary, node24 } from './lib/runtime.mjs';

const require = createRequire(import.meta.url);

function run(command, args) {
	const { status } = spawnSync(command, args, { stdio: 'inherit' });
	return status ?? 1;
}

if (run('npm', ['run', '--silent', 'build']) !== 0) process.exit(1);
// The end-to-end suites run the packed package in real n8n 2.x and 1.x: install them now,
// once, rather than inside a test's timeout.
n8nBinary();
n8nBinary(N8N_1_VERSION);

const report = join(mkdtempSync(join(tmpdir(), 'soniox-jest-')), 'report.json');
const jest = join(dirname(require.resolve('jest/package.json')), 'bin', 'jest.js');
const status = run(node24(), [
	'--expose-gc',
	jest,
	'--json',
	`--outputFile=${report}`,
	...process.argv.slice(2),
]);

// A plain closing line that any CI can read, whatever it knows of jest.
try {
	const { numPassedTests, numFailedTests, numPendingTests } = JSON.parse(
		readFileSync(report, 'utf8'),
	);
	console.log(
		`\ntests: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests} skipped`,
	);
} catch {
	console.log('\ntests: jest wrote no report');
}
process.exit(status);
