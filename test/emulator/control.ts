// The control endpoint, outside /v1: tests and benchmarks arm faults, change the config,
// seed usage and read what happened. Documented in README.md beside this file.
import type { LedgerInput } from './context';
import type { FaultSpec } from './faults';
import { readJson, reply, type Router } from './http';
import { toUsageEntry } from './ledger';
import type { SeedOptions } from './seed';
import { insertUsage, seedUsage } from './seed';
import type { EmulatorState } from './state';

export const CONTROL_PREFIX = '/_emulator';

const ADJUSTABLE = [
	'ingestionLagMs',
	'clockOffsetMs',
	'realtimeMaxSpeedup',
	'realtimeIdleTimeoutMs',
	'maxUploadBytes',
] as const;

export function registerControlRoutes(router: Router, state: EmulatorState) {
	router.add('POST', `${CONTROL_PREFIX}/faults`, async ({ req }) => {
		state.faults.arm((await readJson(req)) as unknown as FaultSpec);
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

	router.add('GET', `${CONTROL_PREFIX}/ledger`, () => ({
		entries: state.ledger.all().map(toUsageEntry),
	}));

	router.add('GET', `${CONTROL_PREFIX}/requests`, () => ({ requests: state.requestLog }));

	router.add('PATCH', `${CONTROL_PREFIX}/config`, async ({ req }) => {
		const body = await readJson(req);
		for (const name of ADJUSTABLE) {
			if (typeof body[name] === 'number') state.config[name] = body[name] as number;
		}
		if (body.transcription && typeof body.transcription === 'object') {
			Object.assign(state.config.transcription, body.transcription);
		}
		if (body.concurrency && typeof body.concurrency === 'object') {
			Object.assign(state.config.concurrency, body.concurrency);
		}
		return state.config;
	});

	router.add('POST', `${CONTROL_PREFIX}/usage/seed`, async ({ req }) => ({
		inserted: await seedUsage(state, (await readJson(req)) as unknown as SeedOptions),
	}));

	router.add('POST', `${CONTROL_PREFIX}/usage/entries`, async ({ req }) => {
		const { entries } = (await readJson(req)) as {
			entries: Array<Partial<LedgerInput> & { endTime: number; visibleAt?: number }>;
		};
		return { entries: insertUsage(state, entries) };
	});
}
