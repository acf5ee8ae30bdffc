import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { getClientReferenceId } from '../../helpers/clientReferenceId';
import { readResourceId } from '../../helpers/resourceId';
import {
	checkText,
	readBoolean,
	readChoice,
	readChoices,
	readNumber,
	type TextRule,
} from '../../helpers/parameterValues';
import type { TranscriptToken } from '../../helpers/transcriptFormat';
import { CREDENTIAL_TYPE, executionCancelSignal, sonioxApiRequest } from '../../transport';
import { uploadFile } from '../../transport/multipart';
import {
	clientReferenceIdField,
	inputBinaryField,
	readInputBinaryField,
} from '../common.descriptions';
import { fileIdField } from '../collections';
import { recognitionConfig, recognitionOptionsField } from './recognition.descriptions';
import { outputFormatFields, readTranscriptOutput, transcriptOutput } from './transcriptOutput';
import { TranscriptionFailedError, waitForTranscription } from './waitForTranscription';

const HTTP_URL = /^https?:\/\/\S+$/;

type CleanupTarget = 'file' | 'transcription';

const cleanupField: INodeProperties = {
	displayName: 'Clean Up',
	name: 'cleanup',
	type: 'multiOptions',
	options: [
		{ name: 'Delete the Uploaded File', value: 'file' },
		{ name: 'Delete the Transcription', value: 'transcription' },
	] satisfies Array<{ name: string; value: CleanupTarget }>,
	default: ['file', 'transcription'],
	description:
		'What to delete from Soniox once the transcript is fetched (also when Soniox refuses or fails it). Soniox keeps at most 1,000 files and 2,000 transcriptions per project, so a scheduled workflow that keeps them fills up.',
};

const audioSourceField: INodeProperties = {
	displayName: 'Audio Source',
	name: 'audioSource',
	type: 'options',
	options: [
		{ name: 'Binary Field of the Input Item', value: 'binary' },
		{ name: 'URL', value: 'url' },
		{ name: 'Uploaded File', value: 'fileId' },
	],
	default: 'binary',
};

const waitField: INodeProperties = {
	displayName: 'Wait for Completion',
	name: 'waitForCompletion',
	type: 'boolean',
	default: true,
	description:
		'Whether to wait for the transcript; if off, the node returns the queued transcription (use a webhook or Get Transcript later)',
};

const webhookAuthenticationField: INodeProperties = {
	displayName: 'Webhook Authentication',
	name: 'webhookAuthentication',
	type: 'options',
	options: [
		{ name: 'None', value: 'none' },
		{
			name: "The Credential's Webhook Secret",
			value: 'secretHeader',
			description:
				'Soniox sends the Webhook Header Name and Webhook Secret of the Soniox credential',
		},
	],
	default: 'none',
	description:
		'A secret header Soniox sends with the webhook call, kept in the credential so it is stored encrypted and never in the workflow',
};

const waitTimeoutField: INodeProperties = {
	displayName: 'Wait Timeout (Minutes)',
	name: 'waitTimeoutMinutes',
	type: 'number',
	typeOptions: { minValue: 0.01, numberPrecision: 2 },
	default: 30,
};

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['transcription'], operation: ['transcribe'] } },
	[
		audioSourceField,
		{ ...inputBinaryField, displayOptions: { show: { audioSource: ['binary'] } } },
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
		{ ...fileIdField, displayOptions: { show: { audioSource: ['fileId'] } } },
		{
			displayName: 'Model Name or ID',
			name: 'model',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getAsyncModels' },
			default: 'stt-async-v6',
			description:
				'The async speech-to-text model. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		clientReferenceIdField('transcription'),
		waitField,
		{ ...waitTimeoutField, displayOptions: { show: { waitForCompletion: [true] } } },
		...outputFormatFields.map((field) => ({
			...field,
			displayOptions: {
				...(field.displayOptions ?? {}),
				show: { ...(field.displayOptions?.show ?? {}), waitForCompletion: [true] },
			},
		})),
		{
			displayName: 'Webhook URL',
			name: 'webhookUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://your-n8n.example.com/webhook/soniox',
			description:
				'Soniox POSTs the transcription ID and status here when it ends; leave empty for none',
		},
		webhookAuthenticationField,
		{ ...cleanupField, displayOptions: { show: { waitForCompletion: [true] } } },
		recognitionOptionsField,
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
async function webhookConfig(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const hint = 'Use a full URL such as https://your-n8n/webhook/soniox.';
	const text = (label: string, value: unknown, rule: Partial<TextRule> = {}) =>
		checkText(this, itemIndex, label, value, { maxLength: 256, hint, ...rule }).trim();
	const url = text('Webhook URL', this.getNodeParameter('webhookUrl', itemIndex, ''));
	const authentication = readChoice(this, itemIndex, webhookAuthenticationField);
	if (!url) return {};
	if (!HTTP_URL.test(url))
		fail(this, itemIndex, `Webhook URL of item ${itemIndex} is not an http(s) URL`, hint);
	if (authentication === 'none') return { webhook_url: url };
	const credentials = await this.getCredentials(CREDENTIAL_TYPE, itemIndex);
	const secretHint = {
		hint: "Fill in the Soniox credential's Webhook Header Name and Webhook Secret (a long random value).",
		required: true,
	};
	return {
		webhook_url: url,
		webhook_auth_header_name: text(
			'The credential’s Webhook Header Name',
			credentials.webhookHeaderName,
			secretHint,
		),
		webhook_auth_header_value: text(
			'The credential’s Webhook Secret',
			credentials.webhookSecret,
			secretHint,
		),
	};
}

/** The model, webhook and audio source of the request; a binary is uploaded as a file first. */
async function prepareRequest(this: IExecuteFunctions, itemIndex: number, config: IDataObject) {
	const source = readChoice<'binary' | 'url' | 'fileId'>(this, itemIndex, audioSourceField);
	const model = checkText(
		this,
		itemIndex,
		'Model Name or ID',
		this.getNodeParameter('model', itemIndex),
		{
			required: true,
			maxLength: 32,
			hint: 'Choose a model from the list, or map its ID, e.g. stt-async-v6.',
		},
	);
	const body: IDataObject = { model, ...config, ...(await webhookConfig.call(this, itemIndex)) };
	if (source === 'url') {
		const hint = 'Give a full URL such as https://example.com/call.mp3.';
		const url = checkText(
			this,
			itemIndex,
			'Audio URL',
			this.getNodeParameter('audioUrl', itemIndex),
			{ required: true, maxLength: 4096, hint },
		).trim();
		if (!HTTP_URL.test(url))
			fail(this, itemIndex, `Audio URL of item ${itemIndex} is not an http(s) URL: "${url}"`, hint);
		body.audio_url = url;
		return { body };
	}
	if (source === 'fileId') {
		body.file_id = readResourceId(this, itemIndex, fileIdField);
		return { body };
	}
	const file = await uploadFile(this, itemIndex, {
		binaryPropertyName: readInputBinaryField(this, itemIndex),
		clientReferenceId: config.client_reference_id as string | undefined,
	});
	body.file_id = String(file.id);
	return { body, uploadedFileId: body.file_id as string };
}

/** Deletes what the user asked to, and says how each deletion went; never throws. */
async function cleanUp(
	this: IExecuteFunctions,
	targets: CleanupTarget[],
	transcriptionId: string | undefined,
	fileId: string | undefined,
) {
	const done: IDataObject = {};
	const remove = async (name: string, path: string) => {
		try {
			await sonioxApiRequest.call(this, { method: 'DELETE', path, afterStop: true });
			done[name] = 'deleted';
		} catch (error) {
			done[name] = `not deleted: ${(error as Error).message}`;
		}
	};
	if (targets.includes('transcription') && transcriptionId)
		await remove('transcription', `/v1/transcriptions/${transcriptionId}`);
	if (targets.includes('file') && fileId) await remove('file', `/v1/files/${fileId}`);
	return Object.keys(done).length ? { cleanup: done } : {};
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const config = recognitionConfig.call(this, itemIndex);
	const clientReferenceId = getClientReferenceId.call(this, itemIndex);
	if (clientReferenceId) config.client_reference_id = clientReferenceId;
	const wait = readBoolean(this, itemIndex, waitField);
	const timeoutMinutes = wait ? readNumber(this, itemIndex, waitTimeoutField) : 0;
	const output = wait ? readTranscriptOutput.call(this, itemIndex) : undefined;
	const cleanupTargets = wait ? readChoices<CleanupTarget>(this, itemIndex, cleanupField) : [];
	const { body, uploadedFileId } = await prepareRequest.call(this, itemIndex, config);
	// A refused or failed transcription still gets the clean-up asked for: the file the node
	// uploaded must not stay behind at Soniox (a project holds at most 1,000).
	const created = await sonioxApiRequest
		.call(this, { method: 'POST', path: '/v1/transcriptions', body })
		.catch(async (error: unknown) => {
			await cleanUp.call(this, cleanupTargets, undefined, uploadedFileId);
			throw error;
		});
	const id = String(created.id);
	if (!output) return [{ json: created }];
	const transcription = await waitForTranscription
		.call(this, id, timeoutMinutes * 60_000, itemIndex)
		.catch(async (error: unknown) => {
			// A failed transcription, or Stop pressed while waiting: what was asked to go, goes.
			if (error instanceof TranscriptionFailedError || executionCancelSignal(this)?.aborted) {
				await cleanUp.call(this, cleanupTargets, id, uploadedFileId);
			}
			throw error;
		});
	const transcript = await sonioxApiRequest.call(this, {
		method: 'GET',
		path: `/v1/transcriptions/${id}/transcript`,
	});
	const cleanup = await cleanUp.call(this, cleanupTargets, id, uploadedFileId);
	return await transcriptOutput.call(
		this,
		output,
		{
			id,
			tokens: transcript.tokens as TranscriptToken[],
			name: String(transcription.filename ?? transcription.audio_url ?? ''),
		},
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
