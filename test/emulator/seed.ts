// Synthetic usage history for benchmarks and tests: a million entries in a few seconds,
// deterministic for a given seed, and precise single entries for trigger tests.
import type { LedgerInput, RequestScope, UsageEntry, UsageKind } from './context';
import { checkRow, USAGE_KINDS, type LedgerRowInput } from './ledger';
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
	/** Default: the emulator's `seed` option, else 1. */
	seed?: number;
}

export const MAX_SEED_COUNT = 10_000_000;

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

const toMs = (value: number | string | undefined, fallback: number) =>
	value === undefined ? fallback : typeof value === 'number' ? value : Date.parse(value);

function writeUint32(bytes: Uint8Array, at: number, value: number) {
	bytes[at] = value >>> 24;
	bytes[at + 1] = (value >>> 16) & 0xff;
	bytes[at + 2] = (value >>> 8) & 0xff;
	bytes[at + 3] = value & 0xff;
}

/** A v4-shaped uuid from four random words (the layout earlier seeds produced as text). */
function fillUuid(bytes: Uint8Array, a: number, b: number, c: number, d: number) {
	writeUint32(bytes, 0, a);
	bytes[4] = b >>> 24;
	bytes[5] = (b >>> 16) & 0xff;
	bytes[6] = 0x40 | ((b >>> 8) & 0x0f);
	bytes[7] = b & 0xff;
	bytes[8] = 0xa0 | ((c >>> 24) & 0x0f);
	bytes[9] = (c >>> 16) & 0xff;
	bytes[10] = (c >>> 8) & 0xff;
	bytes[11] = c & 0xff;
	writeUint32(bytes, 12, d);
}

export function validateSeedOptions(options: SeedOptions) {
	const problems: string[] = [];
	if (!Number.isInteger(options.count) || options.count < 0 || options.count > MAX_SEED_COUNT)
		problems.push(`count must be an integer from 0 to ${MAX_SEED_COUNT}`);
	if (options.clients !== undefined && (!Number.isInteger(options.clients) || options.clients < 1))
		problems.push('clients must be a positive integer');
	if (
		options.models !== undefined &&
		(!Array.isArray(options.models) || options.models.length === 0)
	)
		problems.push('models must be a non-empty list');
	for (const name of ['start', 'end'] as const) {
		const value = options[name];
		if (value !== undefined && !Number.isFinite(toMs(value, 0)))
			problems.push(`${name} must be epoch milliseconds or an ISO date`);
	}
	return problems;
}

export async function seedUsage(state: EmulatorState, options: SeedOptions): Promise<number> {
	const problems = validateSeedOptions(options);
	if (problems.length > 0) throw new RangeError(problems.join('; '));
	const next = random(options.seed ?? state.seed ?? 1);
	const now = state.now();
	const start = toMs(options.start, now - 7 * 86_400_000);
	const end = toMs(options.end, now);
	const clients = Array.from(
		{ length: options.clients ?? 100 },
		(_, index) => `customer_${String(index + 1).padStart(4, '0')}`,
	);
	const models = options.models ?? DEFAULT_MODELS;
	const withoutClient = options.withoutClientShare ?? 0.05;
	const word = () => Math.floor(next() * 0x100000000) >>> 0;
	const lagMs = state.config.ingestionLagMs;
	const uuidBytes = new Uint8Array(16);
	// One draft reused for every row: the ledger copies what it needs into its columns.
	const draft: LedgerRowInput = {
		kind: 'transcribe_async',
		model: '',
		startTime: 0,
		endTime: 0,
		visibleAt: 0,
		clientReferenceId: null,
		inputTextTokens: 0,
		inputAudioTokens: 0,
		inputAudioDurationMs: 0,
		outputTextTokens: 0,
		outputAudioTokens: 0,
		outputAudioDurationMs: 0,
		uuidBytes,
	};
	const ledger = state.ledger;
	const firstRow = ledger.size;
	ledger.reserve(options.count);
	for (let index = 0; index < options.count; index++) {
		const model = models[Math.floor(next() * models.length)];
		const tts = model.startsWith('tts');
		draft.kind = tts
			? next() < 0.5
				? 'tts_rest'
				: 'tts_websocket'
			: model.includes('-rt-')
				? 'transcribe_websocket'
				: 'transcribe_async';
		const endMs = start + Math.floor(next() * (end - start));
		const seconds = 5 + Math.floor(next() * 600);
		const a = word();
		const b = word();
		const c = word();
		const d = word();
		fillUuid(uuidBytes, a, b, c, d);
		draft.model = model;
		draft.clientReferenceId =
			next() < withoutClient ? null : clients[Math.floor(next() * clients.length)];
		draft.startTime = endMs - seconds * 1000;
		draft.endTime = endMs;
		draft.visibleAt = endMs + lagMs;
		const audioTokens = audioTokensForDuration(seconds * 1000);
		draft.inputTextTokens = tts ? 20 + Math.floor(next() * 400) : 0;
		draft.inputAudioTokens = tts ? 0 : audioTokens;
		draft.inputAudioDurationMs = tts ? 0 : seconds * 1000;
		draft.outputTextTokens = tts ? 0 : seconds * 3;
		draft.outputAudioTokens = tts ? audioTokens : 0;
		draft.outputAudioDurationMs = tts ? seconds * 1000 : 0;
		ledger.append(draft);
	}
	ledger.placeRowsFrom(firstRow);
	return options.count;
}

/**
 * A precise entry. `kind` says which of the four billable requests it records (the model and
 * counts follow from it unless given); `requestScope` is the served value, `api` by default.
 * An older kind name in `requestScope` is still read as the kind.
 */
export type UsageInsert = Partial<Omit<LedgerInput, 'requestScope'>> & {
	endTime: number;
	visibleAt?: number;
	requestScope?: RequestScope | UsageKind;
};

/** The model and counts each kind has when an insert does not say (60 s of audio). */
function kindDefaults(kind: UsageKind, durationMs: number) {
	const tts = kind === 'tts_rest' || kind === 'tts_websocket';
	const tokens = audioTokensForDuration(durationMs);
	return {
		model: tts ? 'tts-rt-v2' : kind === 'transcribe_websocket' ? 'stt-rt-v5' : 'stt-async-v5',
		inputTextTokens: tts ? Math.round(durationMs / 200) : 0,
		inputAudioTokens: tts ? 0 : tokens,
		inputAudioDurationMs: tts ? 0 : durationMs,
		outputTextTokens: tts ? 0 : Math.round(durationMs / 300),
		outputAudioTokens: tts ? tokens : 0,
		outputAudioDurationMs: tts ? durationMs : 0,
	};
}

/** Precise entries; every count not given follows from the audio duration (default 60 s). */
export function insertUsage(state: EmulatorState, inserts: UsageInsert[]): UsageEntry[] {
	const inputs = inserts.map((insert): LedgerRowInput => {
		const legacyKind = USAGE_KINDS.find((kind) => kind === insert.requestScope);
		const kind = insert.kind ?? legacyKind ?? 'transcribe_async';
		const tts = kind === 'tts_rest' || kind === 'tts_websocket';
		const durationMs = (tts ? insert.outputAudioDurationMs : insert.inputAudioDurationMs) ?? 60_000;
		const defaults = kindDefaults(kind, durationMs);
		return {
			kind,
			requestScope: legacyKind ? 'api' : ((insert.requestScope as RequestScope) ?? 'api'),
			model: insert.model ?? defaults.model,
			startTime: insert.startTime ?? insert.endTime - durationMs,
			endTime: insert.endTime,
			clientReferenceId: insert.clientReferenceId ?? null,
			inputTextTokens: insert.inputTextTokens ?? defaults.inputTextTokens,
			inputAudioTokens: insert.inputAudioTokens ?? defaults.inputAudioTokens,
			inputAudioDurationMs: insert.inputAudioDurationMs ?? defaults.inputAudioDurationMs,
			outputTextTokens: insert.outputTextTokens ?? defaults.outputTextTokens,
			outputAudioTokens: insert.outputAudioTokens ?? defaults.outputAudioTokens,
			outputAudioDurationMs: insert.outputAudioDurationMs ?? defaults.outputAudioDurationMs,
			visibleAt: insert.visibleAt ?? insert.endTime + state.config.ingestionLagMs,
		};
	});
	// All or nothing: check every entry before the first is stored.
	inputs.forEach(checkRow);
	return inputs.map((input) => state.ledger.entry(state.ledger.add(input)));
}

/**
 * Usage with a shape, for the trigger's anomaly alerts: `normal` traffic (each client one
 * request every `everyMs`, audio 50–70 s), and on demand a `spike` (one client's requests with
 * 20 minutes of audio each), a `newClientReferenceId` or `untagged` burst (requests of normal
 * size) and a `loop` (many 5-second requests within `spreadMs`).
 */
export interface UsagePattern {
	pattern: 'normal' | 'spike' | 'newClientReferenceId' | 'untagged' | 'loop';
	/** normal: the clients; the others: one client (none for untagged). */
	clients?: string[];
	clientReferenceId?: string;
	/** normal: the time span (epoch ms); the others: when the burst ends. */
	start?: number;
	end?: number;
	at?: number;
	everyMs?: number;
	requests?: number;
	spreadMs?: number;
	audioMs?: number;
	/** When every entry becomes visible (default: its end time + the ingestion lag). */
	visibleAt?: number;
}

const PATTERNS = ['normal', 'spike', 'newClientReferenceId', 'untagged', 'loop'] as const;
const MAX_PATTERN_ENTRIES = 1_000_000;

export function usagePatternProblems(body: UsagePattern): string[] {
	const problems: string[] = [];
	if (!PATTERNS.includes(body.pattern))
		problems.push(`pattern must be one of ${PATTERNS.join(', ')}`);
	for (const name of [
		'start',
		'end',
		'at',
		'everyMs',
		'requests',
		'spreadMs',
		'audioMs',
	] as const) {
		const value = body[name];
		if (value !== undefined && (!Number.isFinite(value) || value < 0))
			problems.push(`${name} must be a non-negative number`);
	}
	if (body.pattern === 'normal') {
		if (!Array.isArray(body.clients) || body.clients.length === 0)
			problems.push('clients must be a non-empty list of client reference IDs');
		if (body.start === undefined || body.end === undefined || body.end < body.start)
			problems.push('start and end must span the normal traffic');
		if (body.everyMs !== undefined && body.everyMs < 1000)
			problems.push('everyMs must be at least 1000');
		const each = ((body.end ?? 0) - (body.start ?? 0)) / (body.everyMs ?? 60_000);
		if (each * (body.clients?.length ?? 0) > MAX_PATTERN_ENTRIES)
			problems.push(`normal traffic may make at most ${MAX_PATTERN_ENTRIES} entries`);
	} else {
		const needsId = body.pattern !== 'untagged';
		if (needsId && (typeof body.clientReferenceId !== 'string' || body.clientReferenceId === ''))
			problems.push('clientReferenceId must be the client reference ID of the burst');
		if ((body.requests ?? 0) > MAX_PATTERN_ENTRIES)
			problems.push(`requests may be at most ${MAX_PATTERN_ENTRIES}`);
	}
	return problems;
}

/** The entries of a pattern, inserted; deterministic for the same body. */
export function insertUsagePattern(state: EmulatorState, body: UsagePattern): UsageEntry[] {
	const problems = usagePatternProblems(body);
	if (problems.length > 0) throw new RangeError(problems.join('; '));
	const inserts: UsageInsert[] = [];
	if (body.pattern === 'normal') {
		const every = body.everyMs ?? 60_000;
		body.clients!.forEach((client, index) => {
			let step = index;
			for (let at = body.end! - ((index * 997) % every); at >= body.start!; at -= every) {
				const audio = 50_000 + ((step++ * 7919) % 21) * 1000;
				inserts.push({
					endTime: at,
					clientReferenceId: client,
					inputAudioDurationMs: audio,
					visibleAt: body.visibleAt,
				});
			}
		});
	} else {
		const at = body.at ?? state.now();
		const loop = body.pattern === 'loop';
		const requests = body.requests ?? (loop ? 300 : 25);
		const spread = body.spreadMs ?? (loop ? 60_000 : 5 * 60_000);
		const audio = body.audioMs ?? (body.pattern === 'spike' ? 20 * 60_000 : loop ? 5_000 : 60_000);
		const clientReferenceId = body.pattern === 'untagged' ? null : body.clientReferenceId!;
		for (let index = 0; index < requests; index++) {
			const endTime = at - Math.floor((index * spread) / Math.max(requests, 1));
			inserts.push({
				endTime,
				clientReferenceId,
				inputAudioDurationMs: audio,
				visibleAt: body.visibleAt,
			});
		}
	}
	return insertUsage(state, inserts);
}
