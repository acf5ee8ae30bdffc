// Runs our nodes the way n8n does: a real Workflow executed by n8n-core's WorkflowExecute,
// with n8n's own HTTP helpers, credential resolution and binary data service. Only the
// credential store and the node registry are ours.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type {
	IBinaryData,
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IRun,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	INode,
} from 'n8n-workflow';
import { createRunExecutionData, NodeHelpers, Workflow } from 'n8n-workflow';

import { SonioxOrganizationApi } from '../../credentials/SonioxOrganizationApi.credentials';
import { SonioxSuiteApi } from '../../credentials/SonioxSuiteApi.credentials';
import { Soniox } from '../../nodes/Soniox/Soniox.node';
import { SonioxTrigger } from '../../nodes/Soniox/SonioxTrigger.node';
import { HarnessCredentialsHelper } from './credentials';

export const PACKAGE = 'n8n-nodes-soniox-suite';
export const SONIOX_NODE = `${PACKAGE}.soniox`;
export const SONIOX_TRIGGER = `${PACKAGE}.sonioxTrigger`;

// n8n-core reads its instance folder and binary data mode from the environment once.
process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'soniox-harness-'));
process.env.N8N_BINARY_DATA_STORAGE_PATH ??= join(process.env.N8N_USER_FOLDER, 'binaryData');
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';

// Imported after the environment is set, because importing n8n-core reads it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const core = require('n8n-core') as typeof import('n8n-core');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Container } = require('@n8n/di') as typeof import('@n8n/di');

const nodeTypes: Record<string, INodeType | IVersionedNodeType> = {
	[SONIOX_NODE]: new Soniox(),
	[SONIOX_TRIGGER]: new SonioxTrigger(),
};

/** Registers another node type (e.g. the trigger) under its full name. */
export function registerNodeType(name: string, type: INodeType | IVersionedNodeType) {
	nodeTypes[`${PACKAGE}.${name}`] = type;
}

export const registry: INodeTypes = {
	getByName: (name) => nodeTypes[name],
	getByNameAndVersion: (name, version) =>
		NodeHelpers.getVersionedNodeType(nodeTypes[name], version),
	getKnownTypes: () => ({}),
};

let binaryDataReady: Promise<void> | undefined;

/**
 * Binary data goes through n8n's BinaryDataService. Mode 'filesystem' stores it on disk the way
 * n8n does with N8N_DEFAULT_BINARY_DATA_MODE=filesystem; choose it once per test file, before
 * the first run.
 */
export function useBinaryDataMode(mode: 'default' | 'filesystem') {
	if (binaryDataReady) throw new Error('Choose the binary data mode before the first run');
	process.env.N8N_DEFAULT_BINARY_DATA_MODE = mode;
}

async function initBinaryData() {
	binaryDataReady ??= Container.get(core.BinaryDataService).init();
	await binaryDataReady;
}

export interface RunNodeOptions {
	parameters: INodeParameters;
	credentials?: ICredentialDataDecryptedObject;
	/** The Soniox Organization API credential (the Organization resource). */
	organizationCredentials?: ICredentialDataDecryptedObject;
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	nodeType?: string;
	typeVersion?: number;
}

export interface NodeRun {
	/** Items of the node's first output. */
	items: INodeExecutionData[];
	/** The node's error, when the run failed. */
	error?: Error & { description?: string; httpCode?: string; context?: IDataObject };
	run: IRun;
}

const NODE_NAME = 'Soniox';

/** Both Soniox credentials, as a node that has each set; the node picks one per resource. */
export const NODE_CREDENTIALS = {
	sonioxSuiteApi: { id: '1', name: 'Soniox account' },
	sonioxOrganizationApi: { id: '2', name: 'Soniox organization' },
};

/**
 * Starts the node in a one-node workflow through n8n-core's WorkflowExecute. `execution` is
 * n8n's cancelable run (its cancel() is what Stop does); `finished` settles with the run once
 * the workflowExecuteAfter hook has fired.
 */
export function startExecution(options: RunNodeOptions) {
	const node: INode = {
		id: 'soniox-node',
		name: NODE_NAME,
		type: options.nodeType ?? SONIOX_NODE,
		typeVersion: options.typeVersion ?? 1,
		position: [0, 0],
		parameters: options.parameters,
		credentials: NODE_CREDENTIALS,
		...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	};
	const workflow = new Workflow({
		id: 'harness',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: registry,
		settings: { binaryMode: 'separate' },
	});

	const hooks = new core.ExecutionLifecycleHooks('manual', 'harness-execution', {
		id: 'harness',
		name: 'harness',
		nodes: [node],
		connections: {},
		active: false,
		settings: {},
		createdAt: new Date(),
		updatedAt: new Date(),
		isArchived: false,
		activeVersionId: null,
	} as never);
	let resolveFinished: (run: IRun) => void = () => {};
	const finished = new Promise<IRun>((resolve) => (resolveFinished = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => resolveFinished(run));

	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{ node, data: { main: [options.items ?? [{ json: {} }]] }, source: null },
			],
		},
	});
	const execute = new core.WorkflowExecute(
		additionalDataFor(options.credentials ?? {}, hooks, options.organizationCredentials),
		'manual',
		runExecutionData,
	);
	return { execution: execute.processRunExecutionData(workflow), finished };
}

export async function runNode(options: RunNodeOptions): Promise<NodeRun> {
	await initBinaryData();
	const { execution, finished } = startExecution(options);
	await execution;
	const run = await finished;
	const taskData = run.data.resultData.runData[NODE_NAME]?.[0];
	return {
		items: taskData?.data?.main?.[0] ?? [],
		error: (taskData?.error ?? run.data.resultData.error) as NodeRun['error'],
		run,
	};
}

/** What n8n hands every node execution: hooks, credential resolution, URLs. */
export function additionalDataFor(
	credentials: ICredentialDataDecryptedObject,
	hooks?: InstanceType<typeof core.ExecutionLifecycleHooks>,
	organizationCredentials: ICredentialDataDecryptedObject = {},
): IWorkflowExecuteAdditionalData {
	const credentialsHelper = new HarnessCredentialsHelper(
		{ sonioxSuiteApi: new SonioxSuiteApi(), sonioxOrganizationApi: new SonioxOrganizationApi() },
		{ sonioxSuiteApi: credentials, sonioxOrganizationApi: organizationCredentials },
	);
	return {
		hooks,
		credentialsHelper,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		userId: 'harness-user',
		variables: {},
		executeWorkflow: async () => {
			throw new Error('Sub-workflows are not available in the harness');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		setExecutionStatus: () => {},
		sendDataToUI: () => {},
		startRunnerTask: async () => {
			throw new Error('Task runners are not available in the harness');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}

/**
 * Puts data into n8n's binary store as an upstream node would (base64 in the item in default
 * mode, a file on disk in filesystem mode) and returns the item's binary entry.
 */
export async function storeBinary(
	data: Buffer | NodeJS.ReadableStream,
	fileName: string,
	mimeType: string,
): Promise<IBinaryData> {
	await initBinaryData();
	const service = Container.get(core.BinaryDataService);
	return await service.store(
		{ type: 'execution', workflowId: 'harness', executionId: 'harness-execution' },
		data as Buffer,
		{ data: '', mimeType, fileName, fileExtension: fileName.split('.').pop() },
	);
}

/** Reads a binary property of an output item through n8n's binary data helpers. */
export async function readBinary(item: INodeExecutionData, property = 'data'): Promise<Buffer> {
	const binary = item.binary?.[property];
	if (!binary) throw new Error(`The item has no binary property "${property}"`);
	if (binary.id) return await Container.get(core.BinaryDataService).getAsBuffer(binary);
	return Buffer.from(binary.data, 'base64');
}

/** Credentials that point every Soniox URL at a local emulator. */
export function emulatorCredentials(emulator: {
	apiKey: string;
	urls: { api: string; sttWebSocket: string; ttsRest: string; ttsWebSocket: string };
}): ICredentialDataDecryptedObject {
	return {
		apiKey: emulator.apiKey,
		region: 'custom',
		baseDomain: 'soniox.invalid',
		restUrl: emulator.urls.api,
		sttWebSocketUrl: emulator.urls.sttWebSocket,
		ttsRestUrl: emulator.urls.ttsRest,
		ttsWebSocketUrl: emulator.urls.ttsWebSocket,
	};
}

/** The organization credential pointed at a local emulator, with its organization key. */
export function emulatorOrganizationCredentials(emulator: {
	organizationApiKey: string;
	urls: { api: string };
}): ICredentialDataDecryptedObject {
	return {
		apiKey: emulator.organizationApiKey,
		region: 'custom',
		baseDomain: 'soniox.invalid',
		restUrl: emulator.urls.api,
	};
}

export { core };

/**
 * Every request the node sent conformed to Soniox's published OpenAPI document (the emulator
 * checks each one, and refuses what the spec refuses). For the node test files' afterEach.
 */
export function expectRequestsToConform(emulator: {
	contractViolations(): Array<{ method: string; path: string; problem: string }>;
}) {
	const sent = emulator.contractViolations().filter((v) => v.problem.startsWith('request '));
	expect(sent).toEqual([]);
}

/** The most of these requests the emulator was serving at one time. */
export function mostInFlight(requests: ReadonlyArray<{ at: string; durationMs: number }>) {
	const edges = requests.flatMap((request) => {
		const start = Date.parse(request.at);
		return [
			{ at: start, step: 1 },
			{ at: start + request.durationMs, step: -1 },
		];
	});
	edges.sort((a, b) => a.at - b.at || a.step - b.step);
	let open = 0;
	let most = 0;
	for (const { step } of edges) most = Math.max(most, (open += step));
	return most;
}
