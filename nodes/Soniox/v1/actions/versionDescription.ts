import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeTypeDescription } from 'n8n-workflow';

import * as model from './model/Model.resource';

export const versionDescription: Omit<INodeTypeDescription, 'displayName' | 'name' | 'group' | 'description'> & Partial<INodeTypeDescription> = {
	version: 1,
	defaults: { name: 'Soniox' },
	usableAsTool: true,
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: [{ name: 'sonioxApi', required: true }],
	properties: [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: [{ name: 'Model', value: 'model' }],
			default: 'model',
		},
		...model.description,
	],
};
