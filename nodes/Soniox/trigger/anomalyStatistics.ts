// How far a window's usage stands from a customer's normal: a factor over the mean of the
// baseline windows, or a robust score (median and MAD), which one earlier spike cannot drag.

export type SpikeMethod = 'factor' | 'robustScore';

/** The MAD of normally distributed values times this estimates their standard deviation. */
const MAD_TO_SIGMA = 1.4826;
/**
 * A baseline that barely varies has a MAD near 0, which would make a 1% rise a huge score: the
 * scale is never below this share of the median.
 */
const MIN_SCALE_OF_MEDIAN = 0.1;

export function mean(values: readonly number[]): number {
	return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

export function median(values: readonly number[]): number {
	if (values.length === 0) return 0;
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The median absolute deviation from the median. */
export function medianAbsoluteDeviation(values: readonly number[]): number {
	const center = median(values);
	return median(values.map((value) => Math.abs(value - center)));
}

export interface Jump {
	/** What the observed value is compared with: the mean (factor) or the median (score). */
	baseline: number;
	/** observed ÷ mean, or the robust score; Infinity when the baseline gives no scale (all 0). */
	value: number;
}

/** How far `observed` jumped from `history` by the method. */
export function jumpOf(method: SpikeMethod, observed: number, history: readonly number[]): Jump {
	if (method === 'factor') {
		const baseline = mean(history);
		return { baseline, value: baseline > 0 ? observed / baseline : observed > 0 ? Infinity : 0 };
	}
	const baseline = median(history);
	const scale = Math.max(
		MAD_TO_SIGMA * medianAbsoluteDeviation(history),
		MIN_SCALE_OF_MEDIAN * baseline,
	);
	if (scale > 0) return { baseline, value: (observed - baseline) / scale };
	return { baseline, value: observed > baseline ? Infinity : 0 };
}
