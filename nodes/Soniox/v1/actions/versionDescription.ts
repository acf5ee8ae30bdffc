import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeTypeDescription } from 'n8n-workflow';

import { resources } from './resources';

const resourceModules = Object.values(resources);

export const versionDescription: Omit<
	INodeTypeDescription,
	'displayName' | 'name' | 'group' | 'description'
> &
	Partial<INodeTypeDescription> = {
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
			options: resourceModules.map((module) => module.resource),
			default: 'model',
		},
		...resourceModules.flatMap((module) => module.description),
	],
};
