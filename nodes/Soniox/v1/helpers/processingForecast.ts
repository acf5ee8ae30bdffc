// How long Soniox takes to process a job, learnt from jobs seen finishing: waitForTranscription
// checks near the forecast end instead of at a fixed pace.

export interface ProcessingSample {
	audioMs: number;
	processingMs: number;
	/** Checks only bracket a job's start and end: imprecise samples weigh less. */
	weight: number;
}

/**
 * Recent finished jobs per model, bounded in both directions: the newest `samplesPerModel`
 * jobs of each model, and the `models` used most recently (a model named by an expression
 * cannot grow it without end).
 */
export class ProcessingForecast {
	private readonly jobs = new Map<string, ProcessingSample[]>();

	constructor(
		private readonly models = 32,
		private readonly samplesPerModel = 16,
	) {}

	remember(model: string, sample: ProcessingSample) {
		const samples = this.jobs.get(model) ?? [];
		samples.push(sample);
		if (samples.length > this.samplesPerModel) samples.shift();
		// Re-inserted last: the Map's first key is the model used least recently.
		this.jobs.delete(model);
		this.jobs.set(model, samples);
		if (this.jobs.size > this.models) this.jobs.delete(this.jobs.keys().next().value as string);
	}

	/** How many models it holds samples for. */
	get size() {
		return this.jobs.size;
	}

	/**
	 * Processing time as fixed + per-audio-ms cost, fitted by weighted least squares to the jobs
	 * of this model seen finishing; undefined before the first.
	 */
	forecastMs(model: string, audioMs: number): number | undefined {
		const samples = this.jobs.get(model) ?? [];
		if (samples.length === 0) return undefined;
		const sum = (term: (sample: ProcessingSample) => number) =>
			samples.reduce((total, sample) => total + sample.weight * term(sample), 0);
		const weights = sum(() => 1);
		const meanAudio = sum((s) => s.audioMs) / weights;
		const meanProcessing = sum((s) => s.processingMs) / weights;
		if (samples.every((s) => s.audioMs === samples[0].audioMs)) {
			return meanAudio > 0 ? (meanProcessing / meanAudio) * audioMs : meanProcessing;
		}
		const spread = sum((s) => (s.audioMs - meanAudio) ** 2);
		const perAudioMs = Math.max(
			0,
			sum((s) => (s.audioMs - meanAudio) * (s.processingMs - meanProcessing)) / spread,
		);
		return Math.max(0, meanProcessing - perAudioMs * meanAudio) + perAudioMs * audioMs;
	}
}

/**
 * The one forecast of the n8n process: every workflow and execution that waits for a
 * transcription shares what the others learnt. It holds only durations, never IDs or content.
 */
export const processingForecast = new ProcessingForecast();
