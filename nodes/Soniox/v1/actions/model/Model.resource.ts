import type { INodeProperties } from 'n8n-workflow';

import type { SonioxResourceModule } from '../node.type';

import * as getMany from './getMany.operation';

export const resource: SonioxResourceModule['resource'] = {
	name: 'Model',
	value: 'model',
	description: 'Speech-to-text and text-to-speech models',
};

export const operations: SonioxResourceModule['operations'] = { getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['model'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List the speech-to-text or text-to-speech models your key can use',
				action: 'Get many models',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
];
