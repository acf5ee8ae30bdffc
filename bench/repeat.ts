// Several alternating runs of ours and the baseline, so that noise from other work on the
// machine hits both sides alike.
import { measure, type Measurement } from './measure';

export interface Side {
	run(): Promise<unknown>;
	/** Checks and cleans up after a run, outside the measurement. */
	after?(): Promise<unknown>;
}

/**
 * The median time and the highest peak memory of each side over `times` runs. Ours first runs
 * once unmeasured, so n8n loading its modules on first use is not counted; curl starts afresh
 * every run anyway.
 */
export async function compareRuns(times: number, ours: Side, baseline: Side) {
	await ours.run();
	await ours.after?.();
	const runs = { ours: [] as Measurement[], baseline: [] as Measurement[] };
	for (let i = 0; i < times; i++) {
		runs.baseline.push(await measure(() => baseline.run()));
		await baseline.after?.();
		runs.ours.push(await measure(() => ours.run()));
		await ours.after?.();
	}
	return { ours: summarize(runs.ours), baseline: summarize(runs.baseline), runs };
}

function summarize(runs: Measurement[]): Measurement {
	const times = runs.map((run) => run.ms).sort((a, b) => a - b);
	return {
		ms: times[Math.floor(times.length / 2)],
		peakMemoryMb: Math.max(...runs.map((run) => run.peakMemoryMb)),
	};
}
