import type { INodeProperties } from 'n8n-workflow';

import type { SonioxResourceModule } from '../node.type';
import * as create from './create.operation';

export const resource: SonioxResourceModule['resource'] = {
	name: 'Temporary Key',
	value: 'temporaryKey',
	description: 'Short-lived keys for browsers and apps, bound to an end user',
};

export const operations: SonioxResourceModule['operations'] = { create };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['temporaryKey'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description:
					'Create a short-lived API key for a browser or app, bound to a client reference ID',
				action: 'Create a temporary key',
			},
		],
		default: 'create',
	},
	...create.description,
];
