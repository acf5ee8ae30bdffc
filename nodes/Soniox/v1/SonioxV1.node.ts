import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { sonioxBaseDescription } from '../Soniox.node';
import { SONIOX_ICON } from '../icon';
import { router } from './actions/router';
import { callbackWebhooks, resumeOnCallback } from './actions/transcription/callbackWait';
import { versionProperties, versionSubtitle } from './actions/versionDescription';
import { credentialTest, listSearch, loadOptions } from './methods';
import { CREDENTIAL_TYPE, ORGANIZATION_CREDENTIAL_TYPE } from './transport';

export class SonioxV1 implements INodeType {
	// A class field with its own icon rather than constructor(baseDescription): n8n's community
	// package scan reads the icon only from a description written this way. Soniox.node.ts,
	// which imports this file, is read only when the class is instantiated, so the cycle is safe.
	description: INodeTypeDescription = {
		...sonioxBaseDescription,
		icon: SONIOX_ICON,
		version: 1,
		subtitle: versionSubtitle,
		defaults: { name: 'Soniox' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: CREDENTIAL_TYPE,
				required: true,
				testedBy: 'sonioxSuiteApiTest',
				displayOptions: { hide: { resource: ['organization'] } },
			},
			{
				name: ORGANIZATION_CREDENTIAL_TYPE,
				required: true,
				testedBy: 'sonioxOrganizationApiTest',
				displayOptions: { show: { resource: ['organization'] } },
			},
		],
		properties: versionProperties,
		// Transcribe's wait "Until Soniox Calls Back" resumes through n8n's waiting webhook.
		webhooks: callbackWebhooks,
	};

	methods = { credentialTest, listSearch, loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeOnCallback.call(this);
	}
}
