// Timing and peak memory of one step, with garbage collected before it starts. Peak memory
// counts garbage not yet collected; `retained` collects before every sample instead (slower,
// so its run is not timed), which is what a step holds on to.
export interface Measurement {
	ms: number;
	peakMemoryMb: number;
}

export async function measure(
	step: () => Promise<unknown>,
	{ retained = false } = {},
): Promise<Measurement> {
	const gc = (global as { gc?: (options?: { type: 'major' | 'minor' }) => void }).gc;
	if (retained && !gc) throw new Error('Measuring retained memory needs node --expose-gc');
	gc?.();
	gc?.({ type: 'minor' });
	const base = process.memoryUsage();
	// `external` already includes `arrayBuffers`.
	const used = (m: NodeJS.MemoryUsage) => m.heapUsed + m.external;
	let peak = 0;
	const sampler = setInterval(
		() => {
			// A collection frees buffers on a background thread, after it ends; the next one
			// (of the young generation: quick) waits for them.
			if (retained) {
				gc?.();
				gc?.({ type: 'minor' });
			}
			peak = Math.max(peak, used(process.memoryUsage()) - used(base));
		},
		retained ? 100 : 10,
	);
	const started = performance.now();
	await step();
	const ms = performance.now() - started;
	clearInterval(sampler);
	peak = Math.max(peak, used(process.memoryUsage()) - used(base));
	return { ms, peakMemoryMb: peak / 1024 / 1024 };
}

export function report(name: string, ours: Measurement, baseline: Measurement, target: string) {
	const ratio = ours.ms / baseline.ms;
	console.log(
		`| ${name} | ${ours.ms.toFixed(0)} ms | ${baseline.ms.toFixed(0)} ms | ${ratio.toFixed(2)} | ${ours.peakMemoryMb.toFixed(1)} MB | ${baseline.peakMemoryMb.toFixed(1)} MB | ${target} |`,
	);
}
