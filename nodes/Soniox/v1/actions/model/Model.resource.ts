import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';

export const operations = { getMany };

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
