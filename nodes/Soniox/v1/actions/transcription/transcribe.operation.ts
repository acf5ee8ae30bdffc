import { updateDisplayOptions } from 'n8n-workflow';
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
	failItem,
	readBoolean,
	readChoice,
	readChoices,
	readNumber,
	type TextRule,
} from '../../helpers/parameterValues';
import { CREDENTIAL_TYPE, executionCancelSignal, sonioxApiRequest } from '../../transport';
import { uploadFile } from '../../transport/multipart';
import {
	clientReferenceIdField,
	inputBinaryField,
	readInputBinaryField,
} from '../common.descriptions';
import { fileIdField } from '../collections';
import { recognitionConfig, recognitionOptionsField } from './recognition.descriptions';
import { outputFormatFields, readTranscriptOutput } from './transcriptOutput';
import { TranscriptionFailedError, waitForTranscription } from './waitForTranscription';
import { abandonCallbacks, callbackWebhookConfig, checkSameAsFirstItem } from './callbackWait';
import { cleanUp, cleanupField, type CleanupTarget } from './cleanup';
import { finishTranscription } from './finishTranscription';

const HTTP_URL = /^https?:\/\/\S+$/;

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

const waitModeField: INodeProperties = {
	displayName: 'Wait',
	name: 'waitMode',
	type: 'options',
	options: [
		{
			name: 'Poll Soniox',
			value: 'poll',
			description:
				'The node checks the transcription until it ends, holding the execution meanwhile. Works wherever n8n can reach Soniox.',
		},
		{
			name: 'Until Soniox Calls Back',
			value: 'callback',
			description:
				"The execution is saved as waiting (no worker holds it, a restart does not lose it) and resumes when Soniox calls n8n's public webhook URL",
		},
	],
	default: 'poll',
	hint: "Until Soniox Calls Back needs an n8n that Soniox can reach at its public webhook URL (WEBHOOK_URL) and the credential's Webhook Secret; otherwise, poll",
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
	description:
		"How long to wait for the transcript. Polling, the node then fails with the transcription's ID. Waiting for Soniox to call back, n8n ends the wait itself (it looks about once a minute) and runs none of this node's code: the next node receives this node's input items unchanged, with no ID, text or status. The transcriptions stay at Soniox: find them by Client Reference ID (or by a webhook URL holding the execution's ID) and delete them once they have ended.",
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
		{ ...waitModeField, displayOptions: { show: { waitForCompletion: [true] } } },
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
			displayOptions: { hide: { waitMode: ['callback'] } },
		},
		{ ...webhookAuthenticationField, displayOptions: { hide: { waitMode: ['callback'] } } },
		{ ...cleanupField, displayOptions: { show: { waitForCompletion: [true] } } },
		recognitionOptionsField,
	],
);

/** Webhook settings in the API's names; Soniox takes each value up to 256 characters. */
async function webhookConfig(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const hint = 'Use a full URL such as https://your-n8n/webhook/soniox.';
	const text = (label: string, value: unknown, rule: Partial<TextRule> = {}) =>
		checkText(this, itemIndex, label, value, { maxLength: 256, hint, ...rule }).trim();
	const url = text('Webhook URL', this.getNodeParameter('webhookUrl', itemIndex, ''));
	const authentication = readChoice(this, itemIndex, webhookAuthenticationField);
	if (!url) return {};
	if (!HTTP_URL.test(url))
		failItem(this, itemIndex, `Webhook URL of item ${itemIndex} is not an http(s) URL`, hint);
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

type AudioSource = 'binary' | 'url' | 'fileId';
type WaitMode = 'poll' | 'callback';

/** One item's request, read and checked; nothing is sent. A binary is named, not yet uploaded. */
async function readRequest(this: IExecuteFunctions, itemIndex: number, mode?: WaitMode) {
	const config = recognitionConfig.call(this, itemIndex);
	const clientReferenceId = getClientReferenceId.call(this, itemIndex);
	if (clientReferenceId) config.client_reference_id = clientReferenceId;
	const source = readChoice<AudioSource>(this, itemIndex, audioSourceField);
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
	const webhook =
		mode === 'callback'
			? await callbackWebhookConfig.call(this, itemIndex, source === 'binary')
			: await webhookConfig.call(this, itemIndex);
	const body: IDataObject = { model, ...config, ...webhook };
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
			failItem(
				this,
				itemIndex,
				`Audio URL of item ${itemIndex} is not an http(s) URL: "${url}"`,
				hint,
			);
		body.audio_url = url;
		return { body };
	}
	if (source === 'fileId') {
		body.file_id = readResourceId(this, itemIndex, fileIdField);
		return { body };
	}
	return { body, binaryPropertyName: readInputBinaryField(this, itemIndex) };
}

/** Every field of one item, read and checked before anything is uploaded or billed. */
async function readItem(this: IExecuteFunctions, itemIndex: number) {
	const wait = readBoolean(this, itemIndex, waitField);
	const mode = wait ? readChoice<WaitMode>(this, itemIndex, waitModeField) : undefined;
	const timeoutMinutes = wait ? readNumber(this, itemIndex, waitTimeoutField) : 0;
	const output = wait ? readTranscriptOutput.call(this, itemIndex) : undefined;
	const cleanupTargets = wait ? readChoices<CleanupTarget>(this, itemIndex, cleanupField) : [];
	if (mode === 'callback') checkSameAsFirstItem.call(this, itemIndex);
	const request = await readRequest.call(this, itemIndex, mode);
	return { mode, timeoutMinutes, output, cleanupTargets, ...request };
}

/** Creates the transcription (a binary is uploaded first); a refusal still gets the clean-up. */
async function createTranscription(
	this: IExecuteFunctions,
	itemIndex: number,
	{ body, binaryPropertyName, cleanupTargets }: Awaited<ReturnType<typeof readItem>>,
) {
	const uploadedFileId = binaryPropertyName
		? String(
				(
					await uploadFile(this, itemIndex, {
						binaryPropertyName,
						clientReferenceId: body.client_reference_id as string | undefined,
					})
				).id,
			)
		: undefined;
	if (uploadedFileId) body.file_id = uploadedFileId;
	// The file the node uploaded must not stay behind at Soniox (a project holds at most 1,000).
	const created = await sonioxApiRequest
		.call(this, { method: 'POST', path: '/v1/transcriptions', body })
		.catch(async (error: unknown) => {
			await cleanUp.call(this, cleanupTargets, undefined, uploadedFileId);
			throw error;
		});
	return { created, uploadedFileId };
}

/**
 * Until Soniox calls back: every item is checked with the first, each item's transcription
 * names the item in its webhook URL, and the last item puts the execution to wait. An item
 * that fails first takes the earlier items' transcriptions with it: nobody would resume them.
 */
async function startCallbackWait(
	this: IExecuteFunctions,
	itemIndex: number,
	item: Awaited<ReturnType<typeof readItem>>,
): Promise<INodeExecutionData[]> {
	const itemCount = this.getInputData().length;
	if (itemIndex === 0)
		for (let other = 1; other < itemCount; other++) await readItem.call(this, other);
	const wait = async () => {
		if (itemIndex === itemCount - 1) {
			await this.putExecutionToWait(new Date(Date.now() + item.timeoutMinutes * 60_000));
		}
	};
	const { created } = await createTranscription
		.call(this, itemIndex, item)
		.catch(async (error: unknown) => {
			if (this.continueOnFail()) await wait();
			else await abandonCallbacks.call(this, itemIndex);
			throw error;
		});
	await wait();
	return [{ json: { id: created.id, status: created.status, waitingFor: 'Soniox to call back' } }];
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const item = await readItem.call(this, itemIndex);
	if (item.mode === 'callback') return await startCallbackWait.call(this, itemIndex, item);
	const { output, cleanupTargets, timeoutMinutes } = item;
	const { created, uploadedFileId } = await createTranscription.call(this, itemIndex, item);
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
	return await finishTranscription.call(
		this,
		transcription,
		output,
		cleanupTargets,
		uploadedFileId,
	);
}
