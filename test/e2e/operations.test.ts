// Every operation of the Soniox node, run from workflows by `n8n execute` in a real n8n with
// the packed package, against the emulator. The list of operations comes from the built
// package itself, so a new operation fails this suite until a workflow here runs it.
import { join, resolve } from 'node:path';

import { makeWav, startEmulator, type Emulator } from '../emulator';
import {
	graphWorkflow,
	N8nInstance,
	sonioxCredential,
	type WorkflowNode,
	type WorkflowRun,
} from './n8n';
import { emulatorOrganizationCredentials } from '../harness';
import { emulatorCredentialData } from './workflows';

jest.setTimeout(600_000);

const ROOT = resolve(__dirname, '../..');
const CREDENTIAL = sonioxCredential({}, 'soniox-ops-credential', 'Soniox (emulator)');
const ORGANIZATION = { id: 'soniox-ops-organization', name: 'Soniox organization (emulator)' };
const SONIOX = 'n8n-nodes-soniox-suite.soniox';
const SPOKEN = 'Good morning. This call is recorded for quality.';

let emulator: Emulator;
let n8n: N8nInstance;
const runs = new Map<string, WorkflowRun>();
const workflows: Array<ReturnType<typeof graphWorkflow>> = [];

/** A Soniox node; `resource.operation` (and the mode, where there is one) come first. */
function soniox(
	name: string,
	parameters: Record<string, unknown>,
	settings: Partial<WorkflowNode> = {},
): WorkflowNode {
	return {
		name,
		type: SONIOX,
		typeVersion: 1,
		parameters,
		credentials: { sonioxSuiteApi: { id: CREDENTIAL.id, name: CREDENTIAL.name } },
		...settings,
	};
}

const once = { executeOnce: true };
const first = (node: string, field = 'id') => `={{ $('${node}').first().json.${field} }}`;

/** The fixture audio as a binary field "data", via a Set node and Convert to File. */
function audioNodes(): WorkflowNode[] {
	const wav = makeWav({ text: SPOKEN, durationMs: 4000, sampleRate: 8000 }).toString('base64');
	return [
		{
			name: 'Fixture',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			parameters: {
				assignments: { assignments: [{ id: 'wav', name: 'wav', value: wav, type: 'string' }] },
				options: {},
			},
		},
		{
			name: 'Audio file',
			type: 'n8n-nodes-base.convertToFile',
			typeVersion: 1.1,
			parameters: {
				operation: 'toBinary',
				sourceProperty: 'wav',
				binaryPropertyName: 'data',
				options: { fileName: 'call.wav', mimeType: 'audio/wav' },
			},
		},
	];
}

function defineWorkflows() {
	// Files, async and real-time transcription, cloned voices: all start from one audio file.
	workflows.push(
		graphWorkflow(
			'opsAudio',
			[
				...audioNodes(),
				soniox('Transcribe (real-time)', {
					resource: 'transcription',
					operation: 'transcribeRealTime',
					realtimeModel: 'stt-rt-v5',
					sendingPace: 'fast',
					clientReferenceId: 'ops-realtime',
				}),
				soniox('Transcribe (async, binary)', {
					resource: 'transcription',
					operation: 'transcribe',
					audioSource: 'binary',
					clientReferenceId: 'ops-async',
					options: { enableSpeakerDiarization: true },
					outputFormat: 'segments',
					cleanup: ['file', 'transcription'],
				}),
				soniox('Upload file', {
					resource: 'file',
					operation: 'upload',
					fileName: 'renamed.wav',
					clientReferenceId: 'ops-file',
				}),
				soniox('Get file', { resource: 'file', operation: 'get', fileId: '={{ $json.id }}' }),
				soniox('Get many files', { resource: 'file', operation: 'getMany', returnAll: true }),
				soniox(
					'Transcribe uploaded file',
					{
						resource: 'transcription',
						operation: 'transcribe',
						audioSource: 'fileId',
						fileId: first('Upload file'),
						outputFormat: 'text',
						// Kept, for the Get, Get Transcript and Delete nodes after it.
						cleanup: [],
					},
					once,
				),
				soniox('Get transcription', {
					resource: 'transcription',
					operation: 'get',
					transcriptionId: '={{ $json.id }}',
				}),
				soniox('Get transcript', {
					resource: 'transcription',
					operation: 'getTranscript',
					transcriptionId: '={{ $json.id }}',
					outputFormat: 'vtt',
				}),
				soniox(
					'Get many transcriptions',
					{ resource: 'transcription', operation: 'getMany', returnAll: false, limit: 10 },
					once,
				),
				soniox(
					'Delete transcription',
					{
						resource: 'transcription',
						operation: 'delete',
						transcriptionId: first('Transcribe uploaded file'),
					},
					once,
				),
				soniox(
					'Delete file',
					{ resource: 'file', operation: 'delete', fileId: first('Upload file') },
					once,
				),
				soniox('Create voice', { resource: 'voice', operation: 'create', name: 'Ops voice' }),
				soniox('Get voice', { resource: 'voice', operation: 'get', voiceId: '={{ $json.id }}' }),
				soniox('Get many voices', { resource: 'voice', operation: 'getMany', returnAll: true }),
				soniox(
					'Recompute voice',
					{ resource: 'voice', operation: 'recompute', voiceId: first('Create voice') },
					once,
				),
				soniox('Count voices', { resource: 'voice', operation: 'count' }, once),
				soniox('Count files', { resource: 'file', operation: 'count' }, once),
				soniox('Count transcriptions', { resource: 'transcription', operation: 'count' }, once),
				soniox(
					'Shared voices',
					{
						resource: 'voice',
						operation: 'getManyShared',
						model: 'tts-rt-v2',
						limit: 5,
						filters: { gender: 'female' },
					},
					once,
				),
				soniox(
					'Delete voice',
					{ resource: 'voice', operation: 'delete', voiceId: first('Create voice') },
					once,
				),
			],
			[
				['Start', 'Fixture'],
				['Fixture', 'Audio file'],
				['Audio file', 'Transcribe (real-time)'],
				['Audio file', 'Transcribe (async, binary)'],
				['Audio file', 'Upload file'],
				['Upload file', 'Get file'],
				['Get file', 'Get many files'],
				['Get many files', 'Transcribe uploaded file'],
				['Transcribe uploaded file', 'Get transcription'],
				['Get transcription', 'Get transcript'],
				['Get transcript', 'Get many transcriptions'],
				['Get many transcriptions', 'Delete transcription'],
				['Delete transcription', 'Delete file'],
				['Audio file', 'Create voice'],
				['Create voice', 'Get voice'],
				['Get voice', 'Get many voices'],
				['Get many voices', 'Recompute voice'],
				['Recompute voice', 'Count voices'],
				['Count voices', 'Count files'],
				['Count files', 'Count transcriptions'],
				['Count transcriptions', 'Shared voices'],
				['Shared voices', 'Delete voice'],
			],
		),
	);

	// Text-to-speech in both modes; the synthesized speech is then transcribed back.
	workflows.push(
		graphWorkflow(
			'opsSpeech',
			[
				soniox('Synthesize (REST)', {
					resource: 'speech',
					operation: 'synthesize',
					text: 'Your order has shipped.',
					audioFormat: 'wav',
					clientReferenceId: 'ops-tts-rest',
				}),
				soniox('Synthesize (real-time)', {
					resource: 'speech',
					operation: 'synthesizeRealTime',
					text: 'Thank you for calling.',
					audioFormat: 'wav',
					binaryPropertyName: 'speech',
					clientReferenceId: 'ops-tts-realtime',
				}),
			],
			[
				['Start', 'Synthesize (REST)'],
				['Start', 'Synthesize (real-time)'],
			],
		),
	);

	// The Organization API, with the organization credential.
	const organization = (name: string, operation: string) =>
		soniox(
			name,
			{ resource: 'organization', operation },
			{ credentials: { sonioxOrganizationApi: ORGANIZATION } },
		);
	workflows.push(
		graphWorkflow(
			'opsOrganization',
			[
				organization('Monthly usage', 'getMonthlyUsage'),
				organization('Balance', 'getBalance'),
				organization('Limits', 'getLimits'),
				organization('Profile', 'getProfile'),
				organization('Projects', 'getProjects'),
			],
			['Monthly usage', 'Balance', 'Limits', 'Profile', 'Projects'].map((name) => ['Start', name]),
		),
	);

	// Account, models, keys and usage need no input.
	const hour = 3600_000;
	workflows.push(
		graphWorkflow(
			'opsAccount',
			[
				soniox('Concurrency limits', { resource: 'account', operation: 'getConcurrencyLimits' }),
				soniox('Streams history', {
					resource: 'account',
					operation: 'getStreamsHistory',
					kind: 'stt',
					startTime: new Date(Date.now() - 24 * hour).toISOString(),
					endTime: new Date(Date.now() + hour).toISOString(),
					periodSec: 3600,
				}),
				soniox('STT models', {
					resource: 'model',
					operation: 'getMany',
					modelType: 'stt',
					returnAll: true,
				}),
				soniox('TTS models', {
					resource: 'model',
					operation: 'getMany',
					modelType: 'tts',
					returnAll: true,
				}),
				soniox('Temporary key', {
					resource: 'temporaryKey',
					operation: 'create',
					usageType: 'tts_rt',
					expiresInSeconds: 120,
					clientReferenceId: 'ops-key',
				}),
				soniox('Usage logs', {
					resource: 'usage',
					operation: 'getLogs',
					timeRange: 'last24Hours',
					returnAll: true,
				}),
				soniox('Usage summary', { resource: 'usage', operation: 'getSummary', output: 'raw' }),
				soniox('Find a customer', {
					resource: 'usage',
					operation: 'findEntries',
					findBy: 'clientReferenceId',
					clientReferenceId: 'acme',
					around: new Date(Date.now() - 45 * 60_000).toISOString(),
					withinMinutes: 30,
					returnAll: true,
				}),
				soniox('Usage per customer', {
					resource: 'usage',
					operation: 'aggregate',
					timeRange: 'last24Hours',
					groupBy: ['client_reference_id'],
				}),
			],
			[
				['Start', 'Concurrency limits'],
				['Start', 'Streams history'],
				['Start', 'STT models'],
				['Start', 'TTS models'],
				['Start', 'Temporary key'],
				['Start', 'Usage logs'],
				['Start', 'Usage summary'],
				['Start', 'Find a customer'],
				['Start', 'Usage per customer'],
			],
		),
	);
}

beforeAll(async () => {
	[emulator, n8n] = await Promise.all([startEmulator(), N8nInstance.create()]);
	emulator.insertUsage([
		{ endTime: Date.now() - 3600_000, clientReferenceId: 'acme', inputAudioDurationMs: 90_000 },
		{ endTime: Date.now() - 1800_000, clientReferenceId: 'acme', inputAudioDurationMs: 30_000 },
		{ endTime: Date.now() - 600_000, clientReferenceId: 'globex', inputAudioDurationMs: 60_000 },
	]);
	await n8n.importCredentials([
		{ ...CREDENTIAL, data: emulatorCredentialData(emulator) },
		{
			...ORGANIZATION,
			type: 'sonioxOrganizationApi',
			data: emulatorOrganizationCredentials(emulator),
		},
	]);
	defineWorkflows();
	await n8n.importWorkflow(workflows);
	// The runs in parallel: each CLI call spends most of its time starting n8n.
	await Promise.all(
		workflows.map(async (workflow) => runs.set(workflow.id, await n8n.execute(workflow.id))),
	);
});

afterAll(async () => {
	await emulator?.close();
	n8n?.remove();
});

function items(workflowId: string, node: string) {
	return N8nInstance.items(runs.get(workflowId)!, node);
}

test('every workflow runs to success', () => {
	for (const workflow of workflows) {
		const run = runs.get(workflow.id)!;
		const failed = Object.entries(run.runData)
			.filter(([, nodeRuns]) => nodeRuns.some((nodeRun) => nodeRun.error))
			.map(([name, nodeRuns]) => `${name}: ${nodeRuns.find((r) => r.error)?.error?.message}`);
		expect({ workflow: workflow.id, failed, error: run.error?.message }).toEqual({
			workflow: workflow.id,
			failed: [],
			error: undefined,
		});
	}
});

test('every operation of the node ran', async () => {
	const { resources } = (await import(join(ROOT, 'dist/nodes/Soniox/v1/actions/resources.js'))) as {
		resources: Record<string, { operations: Record<string, unknown> }>;
	};
	const expected = Object.entries(resources).flatMap(([resource, module]) =>
		Object.keys(module.operations).map((operation) => `${resource}.${operation}`),
	);

	const ran = new Set<string>();
	for (const workflow of workflows) {
		const run = runs.get(workflow.id)!;
		for (const node of workflow.nodes.filter((candidate) => candidate.type === SONIOX)) {
			const nodeRuns = run.runData[node.name] ?? [];
			if (nodeRuns.length === 0 || nodeRuns.some((nodeRun) => nodeRun.error)) continue;
			const { resource, operation } = node.parameters as Record<string, string>;
			ran.add(`${resource}.${operation}`);
		}
	}
	expect(expected.filter((operation) => !ran.has(operation))).toEqual([]);
});

test('files and transcriptions: upload, get, list, transcribe, transcript, delete', () => {
	const [upload] = items('opsAudio', 'Upload file');
	expect(upload).toMatchObject({ filename: 'renamed.wav', client_reference_id: 'ops-file' });
	expect(items('opsAudio', 'Get file')).toEqual([expect.objectContaining({ id: upload.id })]);
	expect(items('opsAudio', 'Get many files').map((file) => file.id)).toContain(upload.id);

	const [transcribed] = items('opsAudio', 'Transcribe uploaded file');
	expect(String(transcribed.text).trim()).toBe(SPOKEN);
	expect(items('opsAudio', 'Get transcription')).toEqual([
		expect.objectContaining({ id: transcribed.id, status: 'completed', file_id: upload.id }),
	]);
	const [transcript] = items('opsAudio', 'Get transcript');
	expect(String(transcript.text).trim()).toBe(SPOKEN);
	const vtt = runs.get('opsAudio')!.runData['Get transcript'][0].data!.main[0][0].binary!;
	expect(Object.values(vtt)[0]).toMatchObject({ mimeType: 'text/vtt' });
	expect(items('opsAudio', 'Get many transcriptions').map((t) => t.id)).toContain(transcribed.id);

	const deleted = emulator
		.requests()
		.filter((request) => request.method === 'DELETE')
		.map((request) => request.path);
	expect(deleted).toEqual(
		expect.arrayContaining([`/v1/transcriptions/${transcribed.id}`, `/v1/files/${upload.id}`]),
	);
});

test('transcription from the binary field, async with speakers and real-time', () => {
	const [async] = items('opsAudio', 'Transcribe (async, binary)');
	expect(String(async.text).trim()).toBe(SPOKEN);
	const segments = async.segments as Array<{ speaker?: string; text: string }>;
	expect(segments.map((segment) => segment.speaker)).toEqual(['1', '2']);

	const [realtime] = items('opsAudio', 'Transcribe (real-time)');
	expect(String(realtime.text).trim()).toBe(SPOKEN);

	const billed = emulator.ledger().map((entry) => entry.client_reference_id);
	expect(billed).toEqual(expect.arrayContaining(['ops-async', 'ops-realtime']));
});

test('cloned voices: create, get, list, delete', () => {
	const [voice] = items('opsAudio', 'Create voice');
	expect(voice).toMatchObject({ name: 'Ops voice' });
	expect(items('opsAudio', 'Get voice')).toEqual([expect.objectContaining({ id: voice.id })]);
	expect(items('opsAudio', 'Get many voices').map((entry) => entry.id)).toContain(voice.id);
	expect(emulator.requests().map((request) => `${request.method} ${request.path}`)).toContain(
		`DELETE /v1/voices/${voice.id}`,
	);
});

test('speech in both modes comes back as audio, billed per customer', () => {
	for (const [node, field, customer] of [
		['Synthesize (REST)', 'data', 'ops-tts-rest'],
		['Synthesize (real-time)', 'speech', 'ops-tts-realtime'],
	]) {
		const output = runs.get('opsSpeech')!.runData[node][0].data!.main[0][0];
		expect(output.binary?.[field]).toMatchObject({ mimeType: expect.stringMatching(/wav/) });
		expect(output.json).toMatchObject({ client_reference_id: customer });
	}
	// Both logged as API requests of a TTS model: Soniox's log does not tell REST from WebSocket.
	const logged = emulator
		.ledger()
		.filter((entry) => entry.client_reference_id.startsWith('ops-tts'))
		.map((entry) => `${entry.client_reference_id} ${entry.request_scope} ${entry.model}`)
		.sort();
	expect(logged).toEqual(['ops-tts-realtime api tts-rt-v2', 'ops-tts-rest api tts-rt-v2']);
});

test('account, models, temporary keys and usage', () => {
	expect(items('opsAccount', 'Concurrency limits')[0]).toHaveProperty('project');
	expect(items('opsAccount', 'Streams history')[0]).toMatchObject({ kind: 'stt' });
	expect(items('opsAccount', 'STT models').map((model) => model.id)).toContain('stt-async-v5');
	expect(items('opsAccount', 'TTS models').map((model) => model.id)).toContain('tts-rt-v2');
	expect(items('opsAccount', 'Temporary key')[0]).toMatchObject({
		api_key: expect.stringMatching(/^snx_temp_/),
		usage_type: 'tts_rt',
		client_reference_id: 'ops-key',
	});
	const seeded = emulator
		.ledger()
		.filter((entry) => ['acme', 'globex'].includes(entry.client_reference_id));
	expect(items('opsAccount', 'Usage logs').map((entry) => entry.uuid)).toEqual(
		expect.arrayContaining(seeded.map((entry) => entry.uuid)),
	);
	expect(items('opsAccount', 'Usage summary')[0]).toHaveProperty('total');
	const perCustomer = new Map(
		items('opsAccount', 'Usage per customer').map((row) => [row.client_reference_id, row]),
	);
	expect(perCustomer.get('acme')).toMatchObject({ request_count: 2 });
	expect(perCustomer.get('globex')).toMatchObject({ request_count: 1 });
});
