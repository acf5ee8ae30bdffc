// The Soniox emulator: start one on loopback and talk to it like to Soniox.
// See README.md beside this file for what it serves and how to steer it.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { EmulatorConfig, EmulatorContext, UsageEntry } from './context';
import type { FaultApi } from './faults';
import {
	insertUsage,
	insertUsagePattern,
	seedUsage,
	type SeedOptions,
	type UsageInsert,
	type UsagePattern,
} from './seed';
import type { ContractViolation } from './contract/monitor';
import type { OrganizationSettings, SeededUsage } from './organization';
import { organizationSettingsProblems, seededUsageProblems } from './organizationControl';
import { createEmulatorServer } from './server';
import { EmulatorState, type RequestRecord } from './state';

export type { FaultApi, FaultSpec, HttpFaultSpec, WebSocketFaultSpec } from './faults';
export type { EmulatorConfig, EmulatorContext, LedgerInput, UsageEntry } from './context';
export type { RequestRecord } from './state';
export type { ContractViolation } from './contract/monitor';
export type { SeedOptions, UsageInsert } from './seed';
export type { OrganizationSettings, SeededUsage } from './organization';
export { DEFAULT_PROJECT_ID } from './organization';
export { makeWav } from './audio';

export const DEFAULT_API_KEY = 'soniox-emulator-key';
export const DEFAULT_ORGANIZATION_API_KEY = 'snx_org_emulator-organization-key';

export interface EmulatorOptions extends Partial<
	Omit<EmulatorConfig, 'transcription' | 'concurrency'>
> {
	port?: number;
	host?: string;
	/** Default seed of seedUsage (and of `--seed-usage` in the CLI). */
	seed?: number;
	transcription?: Partial<EmulatorConfig['transcription']>;
	concurrency?: Partial<EmulatorConfig['concurrency']>;
}

export interface Emulator {
	/** REST base URL (paths are /v1/...). */
	baseUrl: string;
	urls: { api: string; sttWebSocket: string; ttsRest: string; ttsWebSocket: string };
	apiKey: string;
	/** The key of the Organization API (/v1/organization/...). */
	organizationApiKey: string;
	/** The organization's budget, balance and other projects (as POST /_emulator/organization/...). */
	organization: {
		configure(settings: OrganizationSettings): void;
		addProject(name: string, id?: string): { id: string; name: string; created_at: string };
		addUsage(usage: SeededUsage): void;
	};
	ctx: EmulatorContext;
	/** The live config: change it at run time. */
	config: EmulatorConfig;
	/** Every recorded usage entry, visible yet or not, in (end_time, uuid) order. */
	ledger(): UsageEntry[];
	/** Every request served (never a key or a header). */
	requests(): RequestRecord[];
	/**
	 * What broke Soniox's OpenAPI document since the start (or the last reset): requests
	 * refused by the spec's request schema, and the emulator's own responses that do not
	 * validate. A test that expects a clean run asserts this is empty.
	 */
	contractViolations(): ContractViolation[];
	/** Arm faults in-process (the same as POST /_emulator/faults). */
	faults: FaultApi;
	seedUsage(options: SeedOptions): Promise<number>;
	insertUsage(entries: UsageInsert[]): UsageEntry[];
	/** Normal traffic or an anomaly on demand (README: Control endpoint). */
	insertUsagePattern(pattern: UsagePattern): UsageEntry[];
	reset(): void;
	close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const {
		port = 0,
		host = '127.0.0.1',
		seed,
		transcription,
		concurrency,
		storageDir,
		...rest
	} = options;
	if (rest.apiKeys !== undefined && rest.apiKeys.length === 0) {
		throw new TypeError('apiKeys needs at least one key.');
	}
	const config: EmulatorConfig = {
		apiKeys: [DEFAULT_API_KEY],
		organizationApiKeys: [DEFAULT_ORGANIZATION_API_KEY],
		ingestionLagMs: 0,
		clockOffsetMs: 0,
		realtimeMaxSpeedup: 0,
		maxUploadBytes: 1024 * 1024 * 1024,
		...rest,
		// Always a fresh folder of our own (inside the given one, if any): it is removed on close.
		storageDir: mkdtempSync(join(storageDir ?? tmpdir(), 'soniox-emulator-')),
		transcription: {
			queuedMs: 50,
			processingBaseMs: 100,
			processingPerAudioSecondMs: 0,
			...transcription,
		},
		concurrency: { transcribe: 10, tts: 5, ...concurrency },
	};
	const state = new EmulatorState(config, seed);
	const { server, destroyUpgradedSockets } = createEmulatorServer(state);
	// Clients keep connections alive between calls; closing idle ones after Node's default 5 s
	// races with a client that reuses one, which real APIs behind load balancers rarely do.
	server.keepAliveTimeout = 65_000;
	server.headersTimeout = 66_000;
	try {
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, host, resolve);
		});
	} catch (error) {
		state.close();
		throw error;
	}
	const address = server.address() as AddressInfo;
	const authority = `${host.includes(':') ? `[${host}]` : host}:${address.port}`;
	const baseUrl = `http://${authority}`;

	return {
		baseUrl,
		urls: {
			api: baseUrl,
			sttWebSocket: `ws://${authority}/transcribe-websocket`,
			ttsRest: baseUrl,
			ttsWebSocket: `ws://${authority}/tts-websocket`,
		},
		apiKey: config.apiKeys[0],
		organizationApiKey: config.organizationApiKeys?.[0] ?? DEFAULT_ORGANIZATION_API_KEY,
		organization: {
			configure: (settings) => {
				const problems = organizationSettingsProblems(settings as Record<string, unknown>);
				if (problems.length > 0) throw new TypeError(problems.join('; '));
				state.organization.configure(settings);
			},
			addProject: (name, id) => state.organization.addProject(name, id ?? randomUUID()),
			addUsage: (usage) => {
				const problems = seededUsageProblems(state, usage);
				if (problems.length > 0) throw new TypeError(problems.join('; '));
				state.organization.addUsage(usage);
			},
		},
		ctx: state,
		config,
		ledger: () => state.ledger.entries(),
		requests: () => [...state.requestLog],
		contractViolations: () => state.contract.violations(),
		faults: {
			arm: (spec) => state.faults.arm(spec),
			clear: () => state.faults.clear(),
			armed: () => state.faults.armed(),
		},
		seedUsage: (seed) => seedUsage(state, seed),
		insertUsage: (entries) => insertUsage(state, entries),
		insertUsagePattern: (pattern) => insertUsagePattern(state, pattern),
		reset: () => state.reset(),
		close: async () => {
			destroyUpgradedSockets();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
			state.close();
		},
	};
}
