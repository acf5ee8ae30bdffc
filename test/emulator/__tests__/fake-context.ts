// Temporary: a minimal EmulatorContext and server for testing the TTS route and the real-time
// handlers before the real emulator (startEmulator) exists. Delete once tests switch over.

import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type {
	AuthOutcome,
	AuthSurface,
	EmulatorConfig,
	EmulatorContext,
	LedgerInput,
	SttModel,
	TtsModel,
	UsageEntry,
	UsageKind,
	WebSocketFault,
} from '../context';
import { handleUpgrade } from '../realtime';
import { ttsRoute } from '../routes/tts';

export const API_KEY = 'test-api-key-0123456789';

interface TempKey {
	usageType: 'transcribe_websocket' | 'tts_rt';
	clientReferenceId: string | null;
	maxSessionMs?: number;
}

export interface FakeContext extends EmulatorContext {
	/** What recordUsage wrote, each with the kind it was written for. */
	ledger: FakeUsageEntry[];
	faults: Map<string, WebSocketFault[]>;
	slotsInUse: { transcribe: number; tts: number };
	addTempKey(key: TempKey): string;
}

const languages = [
	{ code: 'en', name: 'English' },
	{ code: 'de', name: 'German' },
	{ code: 'fr', name: 'French' },
	{ code: 'es', name: 'Spanish' },
];

const sttModel = (
	id: string,
	mode: 'real_time' | 'async',
	alias: string | null = null,
): SttModel => ({
	id,
	aliased_model_id: alias,
	name: id,
	context_version: 2,
	transcription_mode: mode,
	languages,
	supports_language_hints_strict: true,
	supports_max_endpoint_delay: mode === 'real_time',
	translation_targets: [],
	two_way_translation_pairs: [],
	one_way_translation: 'all_languages',
	two_way_translation: 'all_languages',
});

const ttsModelV2: TtsModel = {
	id: 'tts-rt-v2',
	aliased_model_id: null,
	name: 'Text-to-Speech Real-time v2',
	languages,
	voices: [
		{ id: 'Adrian', description: 'Calm', gender: 'male' },
		{ id: 'Nora', description: 'Bright', gender: 'female' },
	],
	supports_voice_cloning: true,
	voice_cloning_max_audio_duration_ms: 20000,
	supports_speed_adjustment: true,
	speed_min: 0.7,
	speed_max: 1.3,
	supports_silence_reduction: true,
	supports_timestamps: true,
};

export type FakeUsageEntry = UsageEntry & { kind: UsageKind };

export function fakeContext(overrides: Partial<EmulatorConfig> = {}): FakeContext {
	const config: EmulatorConfig = {
		apiKeys: [API_KEY],
		ingestionLagMs: 0,
		clockOffsetMs: 0,
		transcription: { queuedMs: 0, processingBaseMs: 0, processingPerAudioSecondMs: 0 },
		concurrency: { transcribe: 3, tts: 3 },
		realtimeMaxSpeedup: 0,
		maxUploadBytes: 1 << 30,
		storageDir: '/tmp',
		...overrides,
	};
	const tempKeys = new Map<string, TempKey>();
	const ledger: FakeUsageEntry[] = [];
	const faults = new Map<string, WebSocketFault[]>();
	const slotsInUse = { transcribe: 0, tts: 0 };
	const iso = (ms: number) => new Date(ms).toISOString();

	const authenticate = (key: string | undefined, surface: AuthSurface): AuthOutcome => {
		if (key && config.apiKeys.includes(key)) {
			return {
				ok: true,
				keyId: 'key-1',
				temporary: false,
				clientReferenceId: (requested) => requested ?? null,
			};
		}
		const temp = key ? tempKeys.get(key) : undefined;
		if (temp && temp.usageType === surface) {
			return {
				ok: true,
				keyId: 'temp-1',
				temporary: true,
				maxSessionMs: temp.maxSessionMs,
				clientReferenceId: () => temp.clientReferenceId,
			};
		}
		return {
			ok: false,
			status: 401,
			errorType: 'unauthenticated',
			message:
				key?.startsWith('snx_temp_') || key?.startsWith('temp:')
					? 'Invalid or expired temporary API key. Create a new temporary API key and retry. See https://soniox.com/docs/guides/temporary-api-keys for details.'
					: 'Incorrect API key provided. You can get an API key at https://console.soniox.com',
		};
	};

	return {
		config,
		ledger,
		faults,
		slotsInUse,
		now: () => Date.now() + config.clockOffsetMs,
		authenticate,
		addTempKey(key) {
			const id = `snx_temp_${randomUUID().replace(/-/g, '')}`;
			tempKeys.set(id, key);
			return id;
		},
		recordUsage(input: LedgerInput): UsageEntry {
			const zero = '0.0000000000';
			const entry: FakeUsageEntry = {
				uuid: randomUUID(),
				request_scope: input.requestScope ?? 'api',
				kind: input.kind,
				client_reference_id: input.clientReferenceId ?? '',
				model: input.model,
				start_time: iso(input.startTime),
				end_time: iso(input.endTime),
				input_text_tokens: input.inputTextTokens,
				input_audio_tokens: input.inputAudioTokens,
				input_audio_duration_ms: input.inputAudioDurationMs,
				output_text_tokens: input.outputTextTokens,
				output_audio_tokens: input.outputAudioTokens,
				output_audio_duration_ms: input.outputAudioDurationMs,
				cost_usd: zero,
				input_cost_usd: zero,
				input_text_cost_usd: zero,
				input_audio_cost_usd: zero,
				output_cost_usd: zero,
				output_text_cost_usd: zero,
				output_audio_cost_usd: zero,
			};
			ledger.push(entry);
			return entry;
		},
		takeWebSocketFault: (path) => faults.get(path)?.shift(),
		clonedVoiceStatus: (voiceId, model) =>
			voiceId === '7d1c1a52-2f0e-4c1b-9a57-2f3c1b0e6a11'
				? model === 'tts-rt-v2'
					? 'ready'
					: 'not_computed'
				: undefined,
		acquireSlot(kind) {
			if (slotsInUse[kind] >= config.concurrency[kind]) return undefined;
			slotsInUse[kind]++;
			let released = false;
			return () => {
				if (released) return;
				released = true;
				slotsInUse[kind]--;
			};
		},
		sttModels: () => [
			sttModel('stt-rt-v5', 'real_time'),
			sttModel('stt-rt-v4', 'real_time', 'stt-rt-v5'),
			sttModel('stt-async-v5', 'async'),
		],
		ttsModels: () => [
			ttsModelV2,
			{ ...ttsModelV2, id: 'tts-rt-v1', name: 'v1 alias', aliased_model_id: 'tts-rt-v2' },
		],
	};
}

export interface FakeServer {
	ctx: FakeContext;
	httpUrl: string;
	wsUrl: string;
	close(): Promise<void>;
}

export async function startFakeServer(
	overrides: Partial<EmulatorConfig> = {},
): Promise<FakeServer> {
	const ctx = fakeContext(overrides);
	const server: Server = createServer((req, res) => {
		if (req.url?.split('?')[0] === '/tts') {
			ttsRoute(req, res, ctx).catch(() => res.destroy());
			return;
		}
		res.writeHead(404).end();
	});
	server.on('upgrade', (req, socket, head) => {
		if (!handleUpgrade(req, socket, head, ctx)) socket.destroy();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		ctx,
		httpUrl: `http://127.0.0.1:${port}`,
		wsUrl: `ws://127.0.0.1:${port}`,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
