// Peak retained memory (heap plus buffers) while a step runs. Each sample collects garbage
// first, and a full collection blocks the event loop for as long as the heap is large: samples
// are spaced so collecting takes at most a tenth of the time, or a big heap would starve the
// very transfer being measured.
const GC_SHARE = 0.1;

export interface MemoryWatch {
	/** Stops sampling; the peak growth in bytes over the start, and how many samples it took. */
	stop(): { peakBytes: number; samples: number };
}

export function watchRetainedMemory(intervalMs = 250): MemoryWatch {
	const { gc } = global as { gc?: (options?: { type: 'major' | 'minor' }) => void };
	if (!gc)
		throw new Error(
			'Run with node --expose-gc (npm test does): retained memory is measured after GC',
		);
	// `external` already includes `arrayBuffers`. A collection frees buffers on a background
	// thread after it ends, which on a busy machine lags behind and leaves garbage counted (a
	// streamed upload holding 4 MB read up to 49 MB so). Any collection first waits for the
	// previous one's buffers to be freed: a quick one of the young generation does.
	const retained = () => {
		gc();
		gc({ type: 'minor' });
		const memory = process.memoryUsage();
		return memory.heapUsed + memory.external;
	};
	const base = retained();
	let peak = 0;
	let samples = 0;
	let timer: NodeJS.Timeout | undefined;
	const sample = () => {
		const started = performance.now();
		peak = Math.max(peak, retained() - base);
		samples++;
		const took = performance.now() - started;
		timer = setTimeout(sample, Math.max(intervalMs, took / GC_SHARE));
	};
	timer = setTimeout(sample, intervalMs);
	return {
		stop() {
			clearTimeout(timer);
			return { peakBytes: peak, samples };
		},
	};
}
