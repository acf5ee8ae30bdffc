// `npm run bench`: every benchmark runs its baseline in the same process and prints ours /
// baseline. Results are copied into bench/README.md with the date and machine.
import { cpus, totalmem } from 'node:os';

import * as aggregate from './aggregate.bench';
import * as triggerPoll from './trigger-poll.bench';

async function main() {
	console.log(
		`${new Date().toISOString().slice(0, 10)} · Node.js ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'} · ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
	);
	console.log(
		'| Benchmark | Ours | Baseline | Ratio | Our peak memory | Baseline peak memory | Target |',
	);
	console.log('|---|---|---|---|---|---|---|');
	await triggerPoll.run();
	await aggregate.run();
}

void main().then(() => process.exit(0));
