// Timing and peak memory of one step, with garbage collected before it starts.
export interface Measurement {
	ms: number;
	peakMemoryMb: number;
}

export async function measure(step: () => Promise<unknown>): Promise<Measurement> {
	const gc = (global as { gc?: () => void }).gc;
	gc?.();
	const base = process.memoryUsage();
	const used = (m: NodeJS.MemoryUsage) => m.heapUsed + m.external + m.arrayBuffers;
	let peak = 0;
	const sampler = setInterval(() => {
		peak = Math.max(peak, used(process.memoryUsage()) - used(base));
	}, 10);
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
