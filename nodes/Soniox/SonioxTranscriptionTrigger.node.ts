import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { SONIOX_ICON } from './icon';
import {
	receiveTranscriptionCall,
	triggerCleanupField,
} from './transcriptionTrigger/transcriptionCall';
import { outputFormatFields } from './v1/actions/transcription/transcriptOutput';
import { credentialTest } from './v1/methods';

export class SonioxTranscriptionTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Soniox Transcription Trigger',
		name: 'sonioxTranscriptionTrigger',
		icon: SONIOX_ICON,
		group: ['trigger'],
		version: 1,
		subtitle: 'On transcription ended',
		description:
			'Starts a workflow when Soniox calls back for a transcription your app created, with its transcript',
		defaults: { name: 'Soniox Transcription Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'sonioxSuiteApi', required: true, testedBy: 'sonioxSuiteApiTest' }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'soniox-transcription',
			},
		],
		properties: [
			{
				displayName:
					"When your app creates a transcription, give Soniox this node's Production URL (above) as webhook_url, and the credential's Webhook Header Name and Webhook Secret as webhook_auth_header_name and webhook_auth_header_value. Calls without that header are refused (401, or 403 when wrong) and start nothing. Activate the workflow: the Test URL listens only while you test.",
				name: 'notice',
				type: 'notice',
				default: '',
			},
			...outputFormatFields,
			triggerCleanupField,
		],
	};

	methods = { credentialTest };

	// Soniox keeps no list of webhooks: each transcription names its own webhook URL when the
	// app creates it. Activating and deactivating the workflow has nothing to register.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveTranscriptionCall.call(this);
	}
}
