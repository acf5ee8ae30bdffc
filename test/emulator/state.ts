// One emulator's state and its EmulatorContext: the clock, keys, ledger, faults, stores,
// real-time slots and the request log, all reset together.
import { mkdirSync, rmSync } from 'node:fs';

import sttModelData from './data/stt-models.json';
import ttsModelData from './data/tts-models.json';
import { KeyStore } from './auth';
import { ContractMonitor } from './contract/monitor';
import { Collection } from './collection';
import type {
	AuthOutcome,
	AuthSurface,
	EmulatorConfig,
	EmulatorContext,
	LedgerInput,
	SttModel,
	TtsModel,
	UsageEntry,
	WebSocketFault,
} from './context';
import { Faults } from './faults';
import { Ledger } from './ledger';
import { Organization } from './organization';
import type { StoredFile, StoredVoice, Transcription } from './records';
import { StreamSlots } from './streams';

export interface RequestRecord {
	method: string;
	path: string;
	/** The route's pattern, e.g. "GET /v1/files/:id", or the path for unknown routes. */
	route: string;
	/** The query string's parameters, secrets redacted (never a header, so never a key). */
	query: Record<string, string>;
	status: number;
	at: string;
	durationMs: number;
}

/** Requests remembered; the oldest are dropped beyond this (long benchmark runs). */
const MAX_REQUEST_RECORDS = 100_000;

export class EmulatorState implements EmulatorContext {
	readonly keys: KeyStore;

	readonly ledger = new Ledger();

	readonly organization = new Organization(this.ledger, () => this.now());

	readonly faults = new Faults();

	readonly files = new Collection<StoredFile>('files');

	readonly transcriptions = new Collection<Transcription>('transcriptions');

	readonly voices = new Collection<StoredVoice>('voices');

	readonly requestLog: RequestRecord[] = [];

	/** Requests refused and responses sent that break Soniox's OpenAPI document. */
	readonly contract = new ContractMonitor();

	readonly slots: StreamSlots;

	/** Bumped by reset(): work started before a reset must not touch the state after it. */
	generation = 0;

	private readonly timers = new Set<NodeJS.Timeout>();

	constructor(
		readonly config: EmulatorConfig,
		/** Default seed of seedUsage (the `seed` option). */
		readonly seed?: number,
	) {
		this.keys = new KeyStore(config, () => this.now());
		this.slots = new StreamSlots(
			(kind) => this.config.concurrency[kind],
			() => this.now(),
		);
		mkdirSync(config.storageDir, { recursive: true });
	}

	now() {
		return Date.now() + this.config.clockOffsetMs;
	}

	authenticate(key: string | undefined, surface: AuthSurface): AuthOutcome {
		return this.keys.authenticate(key, surface);
	}

	recordUsage(input: LedgerInput): UsageEntry {
		const row = this.ledger.add({
			...input,
			visibleAt: input.endTime + this.config.ingestionLagMs,
		});
		return this.ledger.entry(row);
	}

	takeWebSocketFault(path: '/transcribe-websocket' | '/tts-websocket'): WebSocketFault | undefined {
		return this.faults.takeWebSocket(path);
	}

	acquireSlot(kind: 'transcribe' | 'tts') {
		return this.slots.acquire(kind);
	}

	slotsInUse(kind: 'transcribe' | 'tts') {
		return this.slots.inUse(kind);
	}

	checkContractRequest(method: string, path: string, body: unknown) {
		return this.contract.checkRequest(method, path, new URLSearchParams(), body);
	}

	sttModels(): SttModel[] {
		return sttModelData.models as SttModel[];
	}

	ttsModels(): TtsModel[] {
		return ttsModelData.models as TtsModel[];
	}

	clonedVoiceStatus(voiceId: string, model: string) {
		const voice = this.voices.get(voiceId);
		if (!voice) return undefined;
		const target = this.ttsModels().find((entry) => entry.id === model)?.aliased_model_id ?? model;
		return voice.models.find((entry) => entry.model === target)?.status ?? 'not_computed';
	}

	/** Whether a cloned voice with this id exists in the project (any state). */
	isClonedVoice(voiceId: string) {
		return this.voices.get(voiceId) !== undefined;
	}

	logRequest(record: RequestRecord) {
		this.requestLog.push(record);
		if (this.requestLog.length > MAX_REQUEST_RECORDS) {
			this.requestLog.splice(0, this.requestLog.length - MAX_REQUEST_RECORDS);
		}
	}

	/** A timer that dies with the emulator or its next reset (lifecycle steps, webhooks). */
	later(ms: number, action: () => void) {
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			action();
		}, ms);
		this.timers.add(timer);
		return timer;
	}

	cancel(timer: NodeJS.Timeout | undefined) {
		if (!timer) return;
		clearTimeout(timer);
		this.timers.delete(timer);
	}

	private clearTimers() {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
	}

	reset() {
		this.generation++;
		this.clearTimers();
		this.keys.reset();
		this.ledger.clear();
		this.organization.reset();
		this.faults.clear();
		this.files.clear();
		this.transcriptions.clear();
		this.voices.clear();
		this.slots.forgetHistory();
		this.requestLog.length = 0;
		this.contract.clear();
		rmSync(this.config.storageDir, { recursive: true, force: true });
		mkdirSync(this.config.storageDir, { recursive: true });
	}

	close() {
		this.generation++;
		this.clearTimers();
		rmSync(this.config.storageDir, { recursive: true, force: true });
	}
}
