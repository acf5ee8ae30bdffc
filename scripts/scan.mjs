// `npm run scan`: n8n's community package scan, run offline. The published scanner fetches the
// package and its provenance-attested source from the internet; here it lints the same two
// legs locally with the scanner's own rule set (inline eslint-disable comments are ignored):
// the source (package.json, nodes/, credentials/) and the compiled files of the packed tarball.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(command, args, cwd) {
	const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
	if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`);
	return result.stdout;
}

const work = mkdtempSync(join(tmpdir(), 'soniox-scan-'));
run('npm', ['pack', '--silent', '--pack-destination', work], root);
const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
const unpacked = join(work, 'package');
run('tar', ['-xzf', tarball], work);

const legs = [
	['source', await analyzePackage(root, SOURCE_FILE_PATTERNS)],
	['tarball', await analyzePackage(unpacked, ['**/*.js', 'package.json'])],
];
let passed = true;
for (const [leg, result] of legs) {
	console.log(
		`${result.passed ? 'passed' : 'FAILED'}: ${leg}${result.message ? ` (${result.message})` : ''}`,
	);
	if (result.details) console.log(result.details);
	passed &&= result.passed;
}
process.exit(passed ? 0 : 1);
