// The machine's load while a benchmark runs: the 1-minute load average when it starts and
// ends, beside the number of cores, so a row measured on a busy machine says so.
import { cpus, loadavg } from 'node:os';

export function loadNote(): () => string {
	const before = loadavg()[0];
	return () =>
		`${before.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end, on ${cpus().length} cores`;
}
