// `npm run bench`: the benchmarks under bench/ on Node.js 24, with garbage collection exposed
// so peak memory measures what is retained.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { node24 } from './lib/runtime.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// tsx as a loader in this one process: its CLI would start a second Node.js without these flags.
const flags = ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx'];
const { status } = spawnSync(
	node24(),
	[...flags, join(root, 'bench', 'run.ts'), ...process.argv.slice(2)],
	{ stdio: 'inherit', cwd: root },
);
process.exit(status ?? 1);
