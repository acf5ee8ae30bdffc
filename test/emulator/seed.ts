// Synthetic usage history for benchmarks and tests: a million entries in a few seconds,
// deterministic for a given seed, and precise single entries for trigger tests.
import type { LedgerInput, RequestScope, UsageEntry } from './context';
import { toUsageEntry, type StoredEntry } from './ledger';
import type { EmulatorState } from './state';
import { audioTokensForDuration } from './tokens';

export interface SeedOptions {
	count: number;
	/** Distinct client_reference_ids, named customer_0001 …; default 100. */
	clients?: number;
	/** Window of the entries' end times (epoch ms or ISO); default the last 7 days. */
	start?: number | string;
	end?: number | string;
	models?: string[];
	/** Share of entries without a client_reference_id; default 0.05. */
	withoutClientShare?: number;
	seed?: number;
}

/** A small fast PRNG (mulberry32), so a seed always gives the same history. */
function random(seed: number) {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const DEFAULT_MODELS = ['stt-async-v5', 'stt-rt-v5', 'tts-rt-v2'];

function scopeOf(model: string, next: () => number): RequestScope {
	if (model.startsWith('tts')) return next() < 0.5 ? 'tts_rest' : 'tts_websocket';
	return model.includes('-rt-') ? 'transcribe_websocket' : 'transcribe_async';
}

const toMs = (value: number | string | undefined, fallback: number) =>
	value === undefined ? fallback : typeof value === 'number' ? value : Date.parse(value);

export async function seedUsage(state: EmulatorState, options: SeedOptions): Promise<number> {
	const next = random(options.seed ?? 1);
	const now = state.now();
	const start = toMs(options.start, now - 7 * 86_400_000);
	const end = toMs(options.end, now);
	const clients = Array.from(
		{ length: options.clients ?? 100 },
		(_, index) => `customer_${String(index + 1).padStart(4, '0')}`,
	);
	const models = options.models ?? DEFAULT_MODELS;
	const withoutClient = options.withoutClientShare ?? 0.05;
	const hex = () =>
		Math.floor(next() * 0x100000000)
			.toString(16)
			.padStart(8, '0');
	const entries: StoredEntry[] = new Array(options.count);
	for (let index = 0; index < options.count; index++) {
		const model = models[Math.floor(next() * models.length)];
		const scope = scopeOf(model, next);
		const endMs = start + Math.floor(next() * (end - start));
		const seconds = 5 + Math.floor(next() * 600);
		const tts = scope.startsWith('tts');
		const a = hex();
		const b = hex();
		const c = hex();
		const d = hex();
		entries[index] = {
			uuid: `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-a${c.slice(1, 4)}-${c.slice(4)}${d}`,
			scope,
			clientReferenceId: next() < withoutClient ? '' : clients[Math.floor(next() * clients.length)],
			model,
			startMs: endMs - seconds * 1000,
			endMs,
			visibleAt: endMs + state.config.ingestionLagMs,
			inputTextTokens: tts ? 20 + Math.floor(next() * 400) : 0,
			inputAudioTokens: tts ? 0 : audioTokensForDuration(seconds * 1000),
			inputAudioDurationMs: tts ? 0 : seconds * 1000,
			outputTextTokens: tts ? 0 : seconds * 3,
			outputAudioTokens: tts ? audioTokensForDuration(seconds * 1000) : 0,
			outputAudioDurationMs: tts ? seconds * 1000 : 0,
		};
	}
	state.ledger.addMany(entries);
	return options.count;
}

export type UsageInsert = Partial<LedgerInput> & { endTime: number; visibleAt?: number };

export function insertUsage(state: EmulatorState, inserts: UsageInsert[]): UsageEntry[] {
	return inserts.map((insert) => {
		const durationMs = insert.inputAudioDurationMs ?? 60_000;
		const entry = state.ledger.add({
			requestScope: insert.requestScope ?? 'transcribe_async',
			model: insert.model ?? 'stt-async-v5',
			startTime: insert.startTime ?? insert.endTime - durationMs,
			endTime: insert.endTime,
			clientReferenceId: insert.clientReferenceId ?? null,
			inputTextTokens: insert.inputTextTokens ?? 0,
			inputAudioTokens: insert.inputAudioTokens ?? audioTokensForDuration(durationMs),
			inputAudioDurationMs: durationMs,
			outputTextTokens: insert.outputTextTokens ?? Math.round(durationMs / 300),
			outputAudioTokens: insert.outputAudioTokens ?? 0,
			outputAudioDurationMs: insert.outputAudioDurationMs ?? 0,
			visibleAt: insert.visibleAt ?? insert.endTime + state.config.ingestionLagMs,
		});
		return toUsageEntry(entry);
	});
}
