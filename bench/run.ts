// `npm run bench [-- name ...]`: every benchmark (or those whose name contains one of the given
// words) runs its baseline in the same process and prints ours / baseline. Results are copied
// into bench/README.md with the date and machine.
import { cpus, totalmem } from 'node:os';

import * as aggregate from './aggregate.bench';
import * as databaseMode from './database-mode.bench';
import * as synthesize from './synthesize.bench';
import * as transcribeCallback from './transcribe-callback.bench';
import * as transcribeWait from './transcribe-wait.bench';
import * as triggerPoll from './trigger-poll.bench';
import * as upload from './upload.bench';

const benchmarks: Array<{ name: string; run: () => Promise<void> }> = [
	{ name: 'trigger-poll', run: triggerPoll.run },
	{ name: 'aggregate', run: aggregate.run },
	{ name: 'upload', run: upload.run },
	{ name: 'database-mode', run: databaseMode.run },
	{ name: 'synthesize', run: synthesize.run },
	{ name: 'transcribe-wait', run: transcribeWait.run },
	{ name: 'transcribe-callback', run: transcribeCallback.run },
];

async function main() {
	const wanted = process.argv.slice(2);
	const chosen = benchmarks.filter(
		({ name }) => wanted.length === 0 || wanted.some((word) => name.includes(word)),
	);
	if (chosen.length === 0)
		throw new Error(
			`No benchmark matches ${wanted.join(', ')}; there are: ${benchmarks.map(({ name }) => name).join(', ')}`,
		);
	console.log(
		`${new Date().toISOString().slice(0, 10)} · Node.js ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'} · ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
	);
	console.log(
		'| Benchmark | Ours | Baseline | Ratio | Our peak memory | Baseline peak memory | Target |',
	);
	console.log('|---|---|---|---|---|---|---|');
	for (const benchmark of chosen) await benchmark.run();
}

void main().then(() => process.exit(0));
