// `npm run bench`: the benchmarks under bench/ on Node.js 24, with garbage collection exposed
// so peak memory measures what is retained.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { node24 } from './lib/runtime.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const { status } = spawnSync(node24(), ['--expose-gc', '--max-old-space-size=8192', tsx, join(root, 'bench', 'run.ts')], { stdio: 'inherit', cwd: root });
process.exit(status ?? 1);
