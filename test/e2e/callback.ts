// What the suites of Soniox's calls into a real n8n share: the audio the emulator fetches, the
// workflows (Transcribe waiting for the call, the Soniox Transcription Trigger), the credential
// with its webhook secret, and waiting for an execution of a workflow to reach a status.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { makeWav, type Emulator } from '../emulator';
import { graphWorkflow, sonioxCredential, webhookTrigger, type N8nServer } from './n8n';
import { emulatorCredentialData } from './workflows';

export const SECRET_HEADER = 'X-Soniox-Webhook-Secret';
export const SECRET = 'callback-e2e-secret-0123456789abcdef';
export const CREDENTIAL = sonioxCredential({}, 'soniox-callback-credential', 'Soniox (callback)');
const CREDENTIALS = { sonioxSuiteApi: { id: CREDENTIAL.id, name: CREDENTIAL.name } };

/** The credential, pointed at the emulator (in this process or a child), with the webhook secret. */
export function callbackCredential(emulator: Pick<Emulator, 'apiKey' | 'urls'>) {
	return {
		...CREDENTIAL,
		data: {
			...emulatorCredentialData(emulator),
			webhookHeaderName: SECRET_HEADER,
			webhookSecret: SECRET,
		},
	};
}

/** A loopback server of WAVs whose transcript is the text; any other path is a 404. */
export async function startAudioServer(texts: Record<string, string>) {
	const server: Server = createServer((req, res) => {
		const text = texts[req.url ?? ''];
		if (!text) return void res.writeHead(404).end();
		const wav = makeWav({ text, durationMs: 3000 });
		res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': wav.length }).end(wav);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		close: async () => await new Promise((resolve) => server.close(resolve)),
	};
}

/** Webhook `path` → Split Out (one item per audio URL) → Transcribe, waiting for Soniox's call. */
export function callbackWorkflow(id: string, path: string, timeoutMinutes: number) {
	const audioArrives = webhookTrigger('Audio arrives', path);
	const nodes = [
		{
			name: 'One item per URL',
			type: 'n8n-nodes-base.splitOut',
			parameters: { fieldToSplitOut: 'body.urls', options: { destinationFieldName: 'url' } },
		},
		{
			name: 'Transcribe',
			type: 'n8n-nodes-soniox-suite.soniox',
			credentials: CREDENTIALS,
			parameters: {
				resource: 'transcription',
				operation: 'transcribe',
				audioSource: 'url',
				audioUrl: '={{ $json.url }}',
				waitMode: 'callback',
				waitTimeoutMinutes: timeoutMinutes,
				outputFormat: 'text',
			},
		},
	];
	const edges: Array<[string, string]> = [
		['Audio arrives', 'One item per URL'],
		['One item per URL', 'Transcribe'],
	];
	return { ...graphWorkflow(id, nodes, edges, audioArrives), settings: { executionOrder: 'v1' } };
}

/** The Soniox Transcription Trigger alone, listening on its webhook ID. */
export function triggerWorkflow(
	id: string,
	webhookId: string,
	parameters: Record<string, unknown>,
) {
	const trigger = {
		name: 'Transcription ended',
		type: 'n8n-nodes-soniox-suite.sonioxTranscriptionTrigger',
		webhookId,
		credentials: CREDENTIALS,
		parameters,
	};
	return { ...graphWorkflow(id, [], [], trigger), settings: { executionOrder: 'v1' } };
}

/**
 * Posts audio URLs (paths on the audio server at `audioBase`) to the webhook `path` of a
 * callback workflow; resolves with the IDs of the workflow's executions before this one.
 */
export async function startCallbackRun(
	server: N8nServer,
	audioBase: string,
	workflowId: string,
	path: string,
	paths: string[],
) {
	const earlier = await executionIds(server, workflowId);
	const response = await server.webhook(path, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ urls: paths.map((audioPath) => `${audioBase}${audioPath}`) }),
	});
	expect(response.status).toBe(200);
	return earlier;
}

/** The output items of a node in a finished execution. */
export async function nodeOutput(server: N8nServer, executionId: string, nodeName: string) {
	const run = await server.execution(executionId);
	return run.runData[nodeName][0].data!.main[0] as Array<{
		json: Record<string, unknown>;
		pairedItem?: unknown;
	}>;
}

export const pause = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

/**
 * The newest execution of the workflow not in `after` once it has the status, checked every
 * half second.
 */
export async function executionWith(
	server: N8nServer,
	workflowId: string,
	status: string,
	after: Set<string>,
	timeoutMs = 120_000,
) {
	const deadline = Date.now() + timeoutMs;
	let seen = '';
	while (Date.now() < deadline) {
		const newest = (await server.executions(workflowId)).find((e) => !after.has(e.id));
		seen = newest?.status ?? 'none';
		if (newest && newest.status === status) return newest.id;
		await pause(500);
	}
	throw new Error(`no execution became ${status} (last: ${seen}):\n${server.log().slice(-3000)}`);
}

/** The IDs of the workflow's executions so far. */
export async function executionIds(server: N8nServer, workflowId: string) {
	return new Set((await server.executions(workflowId)).map((e) => e.id));
}

export interface ListedTranscription {
	id: string;
	status: string;
	webhook_url: string | null;
	webhook_status_code: number | null;
	error_type?: string | null;
}

/** The transcriptions at the emulator, newest first, as an app lists them. */
export async function listTranscriptions(emulator: Emulator): Promise<ListedTranscription[]> {
	const response = await fetch(`${emulator.urls.api}/v1/transcriptions?limit=100`, {
		headers: { authorization: `Bearer ${emulator.apiKey}` },
	});
	return ((await response.json()) as { transcriptions: ListedTranscription[] }).transcriptions;
}

/** The transcriptions at the emulator that call back this waiting execution. */
export async function callbackTranscriptions(emulator: Emulator, executionId: string) {
	return (await listTranscriptions(emulator)).filter((t) =>
		t.webhook_url?.includes(`/webhook-waiting/${executionId}`),
	);
}

/** What an app does: creates a transcription of a loopback URL with a webhook and its header. */
export async function createTranscription(
	emulator: Emulator,
	body: { audio_url: string; webhook_url: string; secret?: string; client_reference_id?: string },
) {
	const { secret, ...rest } = body;
	const response = await fetch(`${emulator.urls.api}/v1/transcriptions`, {
		method: 'POST',
		headers: { authorization: `Bearer ${emulator.apiKey}`, 'content-type': 'application/json' },
		body: JSON.stringify({
			model: 'stt-async-v6',
			...rest,
			...(secret === undefined
				? {}
				: { webhook_auth_header_name: SECRET_HEADER, webhook_auth_header_value: secret }),
		}),
	});
	if (!response.ok) throw new Error(`create: ${response.status} ${await response.text()}`);
	return (await response.json()) as ListedTranscription;
}
