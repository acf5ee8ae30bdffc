import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { SONIOX_ICON } from '../icon';
import { router } from './actions/router';
import { versionProperties } from './actions/versionDescription';
import { loadOptions } from './methods';

export class SonioxV1 implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Soniox',
		name: 'soniox',
		icon: SONIOX_ICON,
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Transcribe audio and synthesize speech with Soniox, and track usage and cost per customer',
		defaults: { name: 'Soniox' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'sonioxSuiteApi', required: true }],
		properties: versionProperties,
	};

	methods = { loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
