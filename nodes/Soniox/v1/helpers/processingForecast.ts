// How long Soniox takes to process a job, learnt from jobs this n8n process watched finish:
// waitForTranscription checks near the forecast end instead of at a fixed pace.

export interface ProcessingSample {
	audioMs: number;
	processingMs: number;
	/** Checks only bracket a job's start and end: imprecise samples weigh less. */
	weight: number;
}

const SAMPLES_KEPT = 16;
/** Recent finished jobs per model, kept for the life of the n8n process. */
const finishedJobs = new Map<string, ProcessingSample[]>();

export function rememberProcessing(model: string, sample: ProcessingSample) {
	const samples = finishedJobs.get(model) ?? [];
	samples.push(sample);
	if (samples.length > SAMPLES_KEPT) samples.shift();
	finishedJobs.set(model, samples);
}

/**
 * Processing time as fixed + per-audio-ms cost, fitted by weighted least squares to the jobs of
 * this model seen finishing; undefined before the first.
 */
export function forecastProcessingMs(model: string, audioMs: number): number | undefined {
	const samples = finishedJobs.get(model) ?? [];
	if (samples.length === 0) return undefined;
	const sum = (term: (sample: ProcessingSample) => number) =>
		samples.reduce((total, sample) => total + sample.weight * term(sample), 0);
	const weights = sum(() => 1);
	const meanAudio = sum((s) => s.audioMs) / weights;
	const meanProcessing = sum((s) => s.processingMs) / weights;
	if (samples.every((s) => s.audioMs === samples[0].audioMs))
		return (meanProcessing / meanAudio) * audioMs;
	const spread = sum((s) => (s.audioMs - meanAudio) ** 2);
	const perAudioMs = Math.max(
		0,
		sum((s) => (s.audioMs - meanAudio) * (s.processingMs - meanProcessing)) / spread,
	);
	return Math.max(0, meanProcessing - perAudioMs * meanAudio) + perAudioMs * audioMs;
}
