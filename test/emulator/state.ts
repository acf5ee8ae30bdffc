// One emulator's state and its EmulatorContext: the clock, keys, ledger, faults, stores,
// real-time slots and the request log, all reset together.
import { mkdirSync, rmSync } from 'node:fs';

import sttModelData from './data/stt-models.json';
import ttsModelData from './data/tts-models.json';
import { KeyStore } from './auth';
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
import { Ledger, toUsageEntry } from './ledger';
import type { StoredFile, StoredVoice, Transcription } from './records';

export interface RequestRecord {
	method: string;
	path: string;
	/** The route's pattern, e.g. "GET /v1/files/:id", or the path for unknown routes. */
	route: string;
	/** The query string's parameters (never a header, so never a key). */
	query: Record<string, string>;
	status: number;
	at: string;
	durationMs: number;
}

export class EmulatorState implements EmulatorContext {
	readonly keys: KeyStore;

	readonly ledger = new Ledger();

	readonly faults = new Faults();

	readonly files = new Collection<StoredFile>();

	readonly transcriptions = new Collection<Transcription>();

	readonly voices = new Collection<StoredVoice>();

	readonly requestLog: RequestRecord[] = [];

	private readonly slots = { transcribe: 0, tts: 0 };

	private readonly timers = new Set<NodeJS.Timeout>();

	constructor(readonly config: EmulatorConfig) {
		this.keys = new KeyStore(config, () => this.now());
		mkdirSync(config.storageDir, { recursive: true });
	}

	now() {
		return Date.now() + this.config.clockOffsetMs;
	}

	authenticate(key: string | undefined, surface: AuthSurface): AuthOutcome {
		return this.keys.authenticate(key, surface);
	}

	recordUsage(input: LedgerInput): UsageEntry {
		const entry = this.ledger.add({
			...input,
			visibleAt: input.endTime + this.config.ingestionLagMs,
		});
		return toUsageEntry(entry);
	}

	takeWebSocketFault(path: '/transcribe-websocket' | '/tts-websocket'): WebSocketFault | undefined {
		return this.faults.takeWebSocket(path);
	}

	acquireSlot(kind: 'transcribe' | 'tts') {
		if (this.slots[kind] >= this.config.concurrency[kind]) return undefined;
		this.slots[kind]++;
		let released = false;
		return () => {
			if (released) return;
			released = true;
			this.slots[kind]--;
		};
	}

	slotsInUse(kind: 'transcribe' | 'tts') {
		return this.slots[kind];
	}

	sttModels(): SttModel[] {
		return sttModelData.models as SttModel[];
	}

	ttsModels(): TtsModel[] {
		return ttsModelData.models as TtsModel[];
	}

	clonedVoiceStatus(voiceId: string, model: string) {
		const voice = this.voices.get(voiceId);
		return voice?.models.find((entry) => entry.model === model)?.status;
	}

	/** A timer that dies with the emulator (lifecycle steps, webhooks). */
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

	reset() {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		this.keys.reset();
		this.ledger.clear();
		this.faults.clear();
		this.files.clear();
		this.transcriptions.clear();
		this.voices.clear();
		this.requestLog.length = 0;
		rmSync(this.config.storageDir, { recursive: true, force: true });
		mkdirSync(this.config.storageDir, { recursive: true });
	}

	close() {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		rmSync(this.config.storageDir, { recursive: true, force: true });
	}
}
