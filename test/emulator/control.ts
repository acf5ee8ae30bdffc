// The control endpoint, outside /v1: tests and benchmarks arm faults, change the config,
// seed usage and read what happened. No key needed. Documented in README.md beside this file.
import { invalid, problem } from './errors';
import { faultSpecProblems, type FaultSpec } from './faults';
import { intParam, readJson, reply, type Router } from './http';
import { registerOrganizationControl } from './organizationControl';
import {
	insertUsage,
	insertUsagePattern,
	seedUsage,
	usagePatternProblems,
	validateSeedOptions,
	type SeedOptions,
	type UsageInsert,
	type UsagePattern,
} from './seed';
import type { EmulatorState } from './state';

export const CONTROL_PREFIX = '/_emulator';

/** Config fields that may change at run time, all non-negative numbers. */
const ADJUSTABLE = [
	'ingestionLagMs',
	'clockOffsetMs',
	'realtimeMaxSpeedup',
	'realtimeIdleTimeoutMs',
	'maxUploadBytes',
] as const;
const TIMING = ['queuedMs', 'processingBaseMs', 'processingPerAudioSecondMs'] as const;
const CONCURRENCY = ['transcribe', 'tts'] as const;

const controlProblem = (message: string) => problem('body', message);

function numberProblems(
	body: Record<string, unknown>,
	names: readonly string[],
	prefix: string,
	allowNegative: (name: string) => boolean = () => false,
) {
	return names
		.filter((name) => body[name] !== undefined)
		.filter((name) => {
			const value = body[name];
			return (
				typeof value !== 'number' || !Number.isFinite(value) || (!allowNegative(name) && value < 0)
			);
		})
		.map((name) =>
			controlProblem(
				`${prefix}${name} must be a${allowNegative(name) ? '' : ' non-negative'} number`,
			),
		);
}

/** The config as the control endpoint shows it: keys are never sent back. */
function shownConfig(state: EmulatorState) {
	return { ...state.config, apiKeys: state.config.apiKeys.map(() => '[redacted]') };
}

export function registerControlRoutes(router: Router, state: EmulatorState) {
	registerOrganizationControl(router, state, CONTROL_PREFIX);

	router.add('GET', `${CONTROL_PREFIX}/faults`, () => ({ faults: state.faults.armed() }));

	router.add('GET', `${CONTROL_PREFIX}/contract-violations`, () => ({
		violations: state.contract.violations(),
	}));

	router.add('POST', `${CONTROL_PREFIX}/faults`, async ({ req }) => {
		const body = await readJson(req);
		const problems = faultSpecProblems(body);
		if (problems.length > 0) throw invalid(...problems.map(controlProblem));
		state.faults.arm(body as unknown as FaultSpec);
		return reply(204);
	});

	router.add('DELETE', `${CONTROL_PREFIX}/faults`, () => {
		state.faults.clear();
		return reply(204);
	});

	router.add('POST', `${CONTROL_PREFIX}/reset`, () => {
		state.reset();
		return reply(204);
	});

	router.add('GET', `${CONTROL_PREFIX}/ledger`, ({ query }) => {
		const offset = intParam(query, 'offset', 0, Number.MAX_SAFE_INTEGER, 0);
		const limit = intParam(query, 'limit', 1, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
		const entries = state.ledger.entries(offset, limit);
		return { total: state.ledger.size, entries };
	});

	router.add('GET', `${CONTROL_PREFIX}/requests`, () => ({ requests: state.requestLog }));

	router.add('GET', `${CONTROL_PREFIX}/config`, () => shownConfig(state));

	router.add('PATCH', `${CONTROL_PREFIX}/config`, async ({ req }) => {
		const body = await readJson(req);
		const transcription = (body.transcription ?? {}) as Record<string, unknown>;
		const concurrency = (body.concurrency ?? {}) as Record<string, unknown>;
		const problems = [
			...numberProblems(body, ADJUSTABLE, '', (name) => name === 'clockOffsetMs'),
			...numberProblems(transcription, TIMING, 'transcription.'),
			...numberProblems(concurrency, CONCURRENCY, 'concurrency.'),
		];
		if (body.apiKeys !== undefined) {
			const keys = body.apiKeys;
			if (
				!Array.isArray(keys) ||
				keys.length === 0 ||
				!keys.every((key) => typeof key === 'string' && key !== '')
			)
				problems.push(controlProblem('apiKeys must be a non-empty list of strings'));
		}
		if (problems.length > 0) throw invalid(...problems);
		for (const name of ADJUSTABLE) {
			if (body[name] !== undefined) state.config[name] = body[name] as number;
		}
		for (const name of TIMING) {
			if (transcription[name] !== undefined)
				state.config.transcription[name] = transcription[name] as number;
		}
		for (const name of CONCURRENCY) {
			if (concurrency[name] !== undefined)
				state.config.concurrency[name] = concurrency[name] as number;
		}
		if (body.apiKeys !== undefined) state.config.apiKeys = body.apiKeys as string[];
		return shownConfig(state);
	});

	router.add('POST', `${CONTROL_PREFIX}/usage/seed`, async ({ req }) => {
		const options = (await readJson(req)) as unknown as SeedOptions;
		const problems = validateSeedOptions(options);
		if (problems.length > 0) throw invalid(...problems.map(controlProblem));
		return { inserted: await seedUsage(state, options) };
	});

	router.add('POST', `${CONTROL_PREFIX}/usage/entries`, async ({ req }) => {
		const { entries } = (await readJson(req)) as { entries?: UsageInsert[] };
		if (!Array.isArray(entries) || !entries.every((entry) => Number.isFinite(entry?.endTime))) {
			throw invalid(controlProblem('entries must be a list of objects with a numeric endTime'));
		}
		try {
			return { entries: insertUsage(state, entries) };
		} catch (error) {
			throw invalid(controlProblem((error as Error).message));
		}
	});

	router.add('POST', `${CONTROL_PREFIX}/usage/pattern`, async ({ req }) => {
		const body = (await readJson(req)) as unknown as UsagePattern;
		const problems = usagePatternProblems(body);
		if (problems.length > 0) throw invalid(...problems.map(controlProblem));
		return { entries: insertUsagePattern(state, body) };
	});
}
