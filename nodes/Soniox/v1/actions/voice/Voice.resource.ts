import type { INodeProperties } from 'n8n-workflow';

import type { SonioxResourceModule } from '../node.type';
import * as create from './create.operation';
import * as deleteVoice from './delete.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';

export const resource: SonioxResourceModule['resource'] = {
	name: 'Voice',
	value: 'voice',
	description: 'Cloned voices for text-to-speech',
};

export const operations: SonioxResourceModule['operations'] = {
	create,
	get,
	getMany,
	delete: deleteVoice,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['voice'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Clone a voice from a recording',
				action: 'Create a voice',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a cloned voice',
				action: 'Delete a voice',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a cloned voice and its status per model',
				action: 'Get a voice',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List cloned voices',
				action: 'Get many voices',
			},
		],
		default: 'create',
	},
	...create.description,
	...get.description,
	...getMany.description,
	...deleteVoice.description,
];
