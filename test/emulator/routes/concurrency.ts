import { invalid, problem } from '../errors';
import { requireRestAuth, type Router } from '../http';
import type { EmulatorState } from '../state';

const PERIODS = [60, 3600, 86400];
const MAX_ENTRIES = 20_000;

export function registerConcurrencyRoutes(router: Router, state: EmulatorState) {
	router.add('GET', '/v1/concurrency-limits', ({ req }) => {
		requireRestAuth(state, req);
		const current = {
			transcribe_concurrent: state.slotsInUse('transcribe'),
			tts_concurrent: state.slotsInUse('tts'),
		};
		const limits = {
			transcribe_concurrent: state.config.concurrency.transcribe,
			tts_concurrent: state.config.concurrency.tts,
		};
		return {
			project: { current, limits: { transcribe_concurrent: null, tts_concurrent: null } },
			organization: { current, limits },
		};
	});

	router.add('GET', '/v1/concurrent-streams-history', ({ req, query }) => {
		requireRestAuth(state, req);
		const start = Date.parse(query.get('start_time') ?? '');
		const end = Date.parse(query.get('end_time') ?? '');
		const period = Number(query.get('period_sec'));
		const kind = query.get('kind');
		const problems = [];
		if (Number.isNaN(start))
			problems.push(
				problem('query.start_time', 'Input should be a valid datetime', 'datetime_parsing'),
			);
		if (Number.isNaN(end))
			problems.push(
				problem('query.end_time', 'Input should be a valid datetime', 'datetime_parsing'),
			);
		if (!PERIODS.includes(period))
			problems.push(problem('query.period_sec', 'Input should be 60, 3600 or 86400', 'enum'));
		if (kind !== 'stt' && kind !== 'tts')
			problems.push(problem('query.kind', "Input should be 'stt' or 'tts'", 'enum'));
		if (problems.length === 0 && end <= start)
			problems.push(problem('query.payload', 'end_time must be after start_time.'));
		if (problems.length === 0 && period === 60 && end - start > 7 * 86_400_000) {
			problems.push(
				problem('query.payload', 'The window must not exceed 7 days when period_sec is 60.'),
			);
		}
		const first = Math.floor(start / (period * 1000)) * period * 1000;
		const count = Math.ceil((end - first) / (period * 1000));
		if (problems.length === 0 && count > MAX_ENTRIES) {
			problems.push(
				problem('query.payload', `The request would return more than ${MAX_ENTRIES} entries.`),
			);
		}
		if (problems.length > 0) throw invalid(...problems);
		// Idle history: every period present, all zeros (the emulator keeps no samples).
		const entries = Array.from({ length: count }, (_, index) => ({
			period_start: new Date(first + index * period * 1000).toISOString(),
			period_sec: period,
			sample_min: 0,
			sample_max: 0,
			sample_sum: 0,
			sample_count: 0,
			total_count: 0,
		}));
		return { kind, entries };
	});
}
