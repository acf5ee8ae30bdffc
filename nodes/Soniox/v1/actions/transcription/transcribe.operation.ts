import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { multipartBody } from '../../transport/multipart';
import { checkChoices, checkNumber, checkText, optionValues } from '../../helpers/parameterValues';
import { outputFormatFields, readTranscriptOutput, transcriptOutput } from './transcriptOutput';
import type { TranscriptToken } from '../../helpers/transcriptFormat';
import { waitForTranscription } from './waitForTranscription';
import { sonioxApiRequest } from '../../transport';
import { clientReferenceIdField } from '../common.descriptions';
import { readFileId } from '../file/fileId';
import { billedByTemporaryKey } from '../realtime.descriptions';
import { realtimeTranscribeFields, transcribeRealtime } from './transcribeRealtime';
import { recognitionConfig, recognitionOptionsField } from './recognition.descriptions';

const UPLOAD_TIMEOUT_MS = 60 * 60 * 1000;
const HTTP_URL = /^https?:\/\/\S+$/;
const asyncOnly = { show: { mode: ['async'] } };

const CLEANUP_OPTIONS = [
	{ name: 'Delete the Uploaded File', value: 'file' },
	{ name: 'Delete the Transcription', value: 'transcription' },
] as const;
type CleanupTarget = (typeof CLEANUP_OPTIONS)[number]['value'];

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['transcription'], operation: ['transcribe'] } },
	[
		{
			displayName: 'Mode',
			name: 'mode',
			type: 'options',
			options: [
				{
					name: 'Async (Files and URLs)',
					value: 'async',
					description: 'Soniox transcribes the whole recording; best accuracy for files',
				},
				{
					name: 'Real-Time (Streaming)',
					value: 'realTime',
					description:
						'Streams the audio over a WebSocket and returns the transcript as it is spoken',
				},
			],
			default: 'async',
		},
		{
			displayName: 'Audio Source',
			name: 'audioSource',
			type: 'options',
			options: [
				{ name: 'Binary Field of the Input Item', value: 'binary' },
				{ name: 'URL', value: 'url' },
				{ name: 'Uploaded File ID', value: 'fileId' },
			],
			default: 'binary',
			displayOptions: asyncOnly,
		},
		{
			displayName: 'Input Binary Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			required: true,
			hint: 'The name of the binary field that holds the audio',
			displayOptions: { show: { audioSource: ['binary'] } },
		},
		{
			displayName: 'Input Binary Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			required: true,
			hint: 'The name of the binary field that holds the audio',
			displayOptions: { show: { mode: ['realTime'] } },
		},
		{
			displayName: 'Audio URL',
			name: 'audioUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://example.com/call.mp3',
			description: 'A public http(s) URL Soniox can download the audio from',
			displayOptions: { show: { audioSource: ['url'] } },
		},
		{
			displayName: 'File ID',
			name: 'fileId',
			type: 'string',
			default: '',
			required: true,
			description: 'The ID of a file uploaded with File → Upload',
			displayOptions: { show: { audioSource: ['fileId'] } },
		},
		{
			displayName: 'Model Name or ID',
			name: 'model',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getAsyncModels' },
			default: 'stt-async-v5',
			description:
				'The async speech-to-text model. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			displayOptions: asyncOnly,
		},
		...realtimeTranscribeFields.map((field) => ({
			...field,
			displayOptions: {
				...(field.displayOptions ?? {}),
				show: { ...(field.displayOptions?.show ?? {}), mode: ['realTime'] },
			},
		})),
		clientReferenceIdField('transcription'),
		recognitionOptionsField,
		{
			displayName: 'Wait for Completion',
			name: 'waitForCompletion',
			type: 'boolean',
			default: true,
			description:
				'Whether to wait for the transcript; if off, the node returns the queued transcription (use a webhook or Get Transcript later)',
			displayOptions: asyncOnly,
		},
		{
			displayName: 'Wait Timeout (Minutes)',
			name: 'waitTimeoutMinutes',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 30,
			displayOptions: { show: { mode: ['async'], waitForCompletion: [true] } },
		},
		...outputFormatFields.map((field) => ({
			...field,
			displayOptions: {
				...(field.displayOptions ?? {}),
				hide: { waitForCompletion: [false] },
			},
		})),
		{
			displayName: 'Webhook',
			name: 'webhook',
			type: 'collection',
			placeholder: 'Add Webhook Setting',
			default: {},
			displayOptions: asyncOnly,
			options: [
				{
					displayName: 'URL',
					name: 'url',
					type: 'string',
					default: '',
					description: 'Soniox POSTs {"ID", "status"} here when the transcription ends',
				},
				{
					displayName: 'Auth Header Name',
					name: 'headerName',
					type: 'string',
					default: '',
					placeholder: 'X-Webhook-Secret',
				},
				{
					displayName: 'Auth Header Value',
					name: 'headerValue',
					type: 'string',
					typeOptions: { password: true },
					default: '',
				},
			],
		},
		{
			displayName: 'Clean Up',
			name: 'cleanup',
			type: 'multiOptions',
			options: [...CLEANUP_OPTIONS],
			default: [],
			description: 'What to delete from Soniox once the transcript is fetched',
			displayOptions: { show: { mode: ['async'], waitForCompletion: [true] } },
		},
	],
);

function fail(
	context: IExecuteFunctions,
	itemIndex: number,
	message: string,
	description: string,
): never {
	throw new NodeOperationError(context.getNode(), message, { itemIndex, description });
}

/** Webhook settings in the API's names; Soniox takes each value up to 256 characters. */
function webhookConfig(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const webhook = context.getNodeParameter('webhook', itemIndex, {}) as IDataObject;
	const text = (label: string, value: unknown, hint: string) =>
		checkText(context, itemIndex, `Webhook ${label}`, value, { maxLength: 256, hint }).trim();
	const url = text('URL', webhook.url, 'Use a full URL such as https://your-n8n/webhook/soniox.');
	if (!url) return {};
	if (!HTTP_URL.test(url))
		fail(
			context,
			itemIndex,
			`Webhook URL of item ${itemIndex} is not an http(s) URL`,
			'Use a full URL such as https://your-n8n/webhook/soniox.',
		);
	const headerHint = 'A header name such as X-Webhook-Secret, and a secret value.';
	const name = text('Auth Header Name', webhook.headerName, headerHint);
	const value = text('Auth Header Value', webhook.headerValue, headerHint);
	if (Boolean(name) !== Boolean(value))
		fail(
			context,
			itemIndex,
			`Webhook of item ${itemIndex} needs both Auth Header Name and Auth Header Value`,
			'Fill in both, or neither.',
		);
	return name
		? { webhook_url: url, webhook_auth_header_name: name, webhook_auth_header_value: value }
		: { webhook_url: url };
}

async function transcribeAsync(this: IExecuteFunctions, itemIndex: number, config: IDataObject) {
	const source = this.getNodeParameter('audioSource', itemIndex) as 'binary' | 'url' | 'fileId';
	const model = checkText(
		this,
		itemIndex,
		'Model Name or ID',
		this.getNodeParameter('model', itemIndex),
		{
			required: true,
			maxLength: 32,
			hint: 'Choose a model from the list, or map its ID, e.g. stt-async-v5.',
		},
	);
	const body: IDataObject = { model, ...config, ...webhookConfig(this, itemIndex) };

	let uploadedFileId: string | undefined;
	if (source === 'url') {
		const hint = 'Give a full URL such as https://example.com/call.mp3.';
		const url = checkText(
			this,
			itemIndex,
			'Audio URL',
			this.getNodeParameter('audioUrl', itemIndex),
			{
				required: true,
				maxLength: 4096,
				hint,
			},
		).trim();
		if (!HTTP_URL.test(url))
			fail(this, itemIndex, `Audio URL of item ${itemIndex} is not an http(s) URL: "${url}"`, hint);
		body.audio_url = url;
	} else if (source === 'fileId') {
		body.file_id = readFileId.call(this, itemIndex);
	} else {
		const upload = await multipartBody(this, itemIndex, {
			fields: { client_reference_id: config.client_reference_id as string | undefined },
			fileField: 'file',
			binaryPropertyName: this.getNodeParameter('binaryPropertyName', itemIndex) as string,
		});
		const file = await sonioxApiRequest.call(this, {
			method: 'POST',
			path: '/v1/files',
			body: upload.body,
			headers: upload.headers,
			minTimeoutMs: UPLOAD_TIMEOUT_MS,
			noRedirects: true,
		});
		uploadedFileId = String(file.id);
		body.file_id = uploadedFileId;
	}
	const created = await sonioxApiRequest.call(this, {
		method: 'POST',
		path: '/v1/transcriptions',
		body,
	});
	return { created, uploadedFileId };
}

async function cleanUp(
	this: IExecuteFunctions,
	targets: CleanupTarget[],
	transcriptionId: string,
	fileId: string | undefined,
) {
	const done: IDataObject = {};
	const remove = async (name: string, path: string) => {
		try {
			await sonioxApiRequest.call(this, { method: 'DELETE', path });
			done[name] = 'deleted';
		} catch (error) {
			done[name] = `not deleted: ${(error as Error).message}`;
		}
	};
	if (targets.includes('transcription'))
		await remove('transcription', `/v1/transcriptions/${transcriptionId}`);
	if (targets.includes('file') && fileId) await remove('file', `/v1/files/${fileId}`);
	return Object.keys(done).length ? { cleanup: done } : {};
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const config = recognitionConfig.call(this, itemIndex);
	if (this.getNodeParameter('mode', itemIndex) === 'realTime') {
		const output = readTranscriptOutput.call(this, itemIndex);
		const binaryPropertyName = this.getNodeParameter('binaryPropertyName', itemIndex) as string;
		const result = await transcribeRealtime.call(this, itemIndex, binaryPropertyName, config);
		return await transcriptOutput.call(
			this,
			output,
			{ tokens: result.tokens as TranscriptToken[] },
			{
				mode: 'realTime',
				model: result.model,
				audio_duration_ms: result.audioDurationMs,
				sessions: result.sessions,
				...(billedByTemporaryKey.call(this, itemIndex)
					? {}
					: { client_reference_id: config.client_reference_id ?? null }),
			},
		);
	}

	const wait = this.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;
	const timeoutMinutes = wait
		? checkNumber(
				this,
				itemIndex,
				'Wait Timeout (Minutes)',
				this.getNodeParameter('waitTimeoutMinutes', itemIndex, 30),
				{ min: 0.01, whole: false },
			)
		: 0;
	const output = wait ? readTranscriptOutput.call(this, itemIndex) : undefined;
	const cleanupTargets = wait
		? checkChoices(
				this,
				itemIndex,
				'Clean Up',
				this.getNodeParameter('cleanup', itemIndex, []),
				optionValues(CLEANUP_OPTIONS),
			)
		: [];
	const { created, uploadedFileId } = await transcribeAsync.call(this, itemIndex, config);
	const id = String(created.id);
	if (!output) return [{ json: created }];
	const timeoutMs = timeoutMinutes * 60_000;
	const transcription = await waitForTranscription.call(this, id, timeoutMs, itemIndex);
	const transcript = await sonioxApiRequest.call(this, {
		method: 'GET',
		path: `/v1/transcriptions/${id}/transcript`,
	});
	const cleanup = await cleanUp.call(this, cleanupTargets, id, uploadedFileId);
	return await transcriptOutput.call(
		this,
		output,
		{ id, tokens: transcript.tokens as TranscriptToken[] },
		{
			id,
			model: transcription.model,
			audio_duration_ms: transcription.audio_duration_ms,
			file_id: transcription.file_id ?? null,
			filename: transcription.filename,
			client_reference_id: transcription.client_reference_id ?? null,
			...cleanup,
		},
	);
}
