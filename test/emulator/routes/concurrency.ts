// GET /v1/concurrency-limits (live slot counts, caps from the config) and
// GET /v1/concurrent-streams-history (per-period samples of the same slots).
import { invalid, problem, type ValidationProblem } from '../errors';
import { requireRestAuth, type Router } from '../http';
import type { EmulatorState } from '../state';
import { periodsIn } from '../streams';
import { parseTimestamp } from '../validation';

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
		const start = parseTimestamp(query.get('start_time'));
		const end = parseTimestamp(query.get('end_time'));
		const period = Number(query.get('period_sec'));
		const kind = query.get('kind');
		const problems: ValidationProblem[] = [];
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
		if (problems.length === 0 && periodsIn(start, end, period).count > MAX_ENTRIES) {
			problems.push(
				problem('query.payload', `The request would return more than ${MAX_ENTRIES} entries.`),
			);
		}
		if (problems.length > 0) throw invalid(...problems);
		return {
			kind,
			entries: state.slots.history(kind === 'stt' ? 'transcribe' : 'tts', start, end, period),
		};
	});
}
