import { NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { multipartBody } from '../../helpers/binaryUpload';
import { outputFormatFields, transcriptOutput } from '../../helpers/transcriptOutput';
import type { TranscriptToken } from '../../helpers/transcriptFormat';
import { waitForTranscription } from '../../helpers/waitForTranscription';
import { sonioxApiRequest } from '../../transport';
import { clientReferenceIdField, showFor } from '../common.descriptions';
import { realtimeTranscribeFields, transcribeRealtime } from './transcribeRealtime';
import { recognitionConfig, recognitionOptionsField } from './transcriptionOptions';

const UPLOAD_TIMEOUT_MS = 60 * 60 * 1000;
const asyncOnly = { show: { mode: ['async'] } };

export const description: INodeProperties[] = showFor('transcription', 'transcribe', [
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
		options: [
			{ name: 'Delete the Uploaded File', value: 'file' },
			{ name: 'Delete the Transcription', value: 'transcription' },
		],
		default: [],
		description: 'What to delete from Soniox once the transcript is fetched',
		displayOptions: { show: { mode: ['async'], waitForCompletion: [true] } },
	},
]);

function fail(
	context: IExecuteFunctions,
	itemIndex: number,
	message: string,
	description: string,
): never {
	throw new NodeOperationError(context.getNode(), message, { itemIndex, description });
}

async function transcribeAsync(this: IExecuteFunctions, itemIndex: number, config: IDataObject) {
	const source = this.getNodeParameter('audioSource', itemIndex) as 'binary' | 'url' | 'fileId';
	const body: IDataObject = { model: this.getNodeParameter('model', itemIndex), ...config };
	const webhook = this.getNodeParameter('webhook', itemIndex, {}) as IDataObject;
	if (webhook.url) {
		if (!/^https?:\/\/\S+$/.test(String(webhook.url)))
			fail(
				this,
				itemIndex,
				`Webhook URL of item ${itemIndex} is not an http(s) URL`,
				'Use a full URL such as https://your-n8n/webhook/soniox.',
			);
		body.webhook_url = webhook.url;
		if (Boolean(webhook.headerName) !== Boolean(webhook.headerValue))
			fail(
				this,
				itemIndex,
				'Webhook auth header needs both a name and a value',
				'Fill in both, or neither.',
			);
		if (webhook.headerName) {
			body.webhook_auth_header_name = webhook.headerName;
			body.webhook_auth_header_value = webhook.headerValue;
		}
	}

	let uploadedFileId: string | undefined;
	if (source === 'url') {
		const url = String(this.getNodeParameter('audioUrl', itemIndex)).trim();
		if (!/^https?:\/\/\S+$/.test(url))
			fail(
				this,
				itemIndex,
				`Audio URL of item ${itemIndex} is not an http(s) URL: "${url}"`,
				'Give a full URL such as https://example.com/call.mp3.',
			);
		body.audio_url = url;
	} else if (source === 'fileId') {
		const fileId = String(this.getNodeParameter('fileId', itemIndex)).trim();
		if (!fileId)
			fail(
				this,
				itemIndex,
				`File ID of item ${itemIndex} is empty`,
				'Map the ID returned by File → Upload.',
			);
		body.file_id = fileId;
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
	itemIndex: number,
	transcriptionId: string,
	fileId: string | undefined,
) {
	const targets = this.getNodeParameter('cleanup', itemIndex, []) as string[];
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
		const binaryPropertyName = this.getNodeParameter('binaryPropertyName', itemIndex) as string;
		const result = await transcribeRealtime.call(this, itemIndex, binaryPropertyName, config);
		return await transcriptOutput.call(
			this,
			itemIndex,
			{ tokens: result.tokens as TranscriptToken[] },
			{
				mode: 'realTime',
				model: result.model,
				audio_duration_ms: result.audioDurationMs,
				sessions: result.sessions,
				client_reference_id: config.client_reference_id ?? null,
			},
		);
	}

	const { created, uploadedFileId } = await transcribeAsync.call(this, itemIndex, config);
	const id = String(created.id);
	if (!this.getNodeParameter('waitForCompletion', itemIndex, true)) return [{ json: created }];
	const timeoutMs = (this.getNodeParameter('waitTimeoutMinutes', itemIndex, 30) as number) * 60_000;
	const transcription = await waitForTranscription.call(this, id, timeoutMs, itemIndex);
	const transcript = await sonioxApiRequest.call(this, {
		method: 'GET',
		path: `/v1/transcriptions/${id}/transcript`,
	});
	const cleanup = await cleanUp.call(this, itemIndex, id, uploadedFileId);
	return await transcriptOutput.call(
		this,
		itemIndex,
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
