import type { INodeProperties } from 'n8n-workflow';

import type { SonioxResourceModule } from '../node.type';
import * as create from './create.operation';
import * as deleteVoice from './delete.operation';
import * as get from './get.operation';
import * as count from './count.operation';
import * as getMany from './getMany.operation';
import * as getManyShared from './getManyShared.operation';
import * as recompute from './recompute.operation';

export const resource: SonioxResourceModule['resource'] = {
	name: 'Voice',
	value: 'voice',
	description: 'Cloned voices for text-to-speech',
};

export const operations: SonioxResourceModule['operations'] = {
	count,
	create,
	get,
	getMany,
	getManyShared,
	recompute,
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
				name: 'Count',
				value: 'count',
				description: 'How many cloned voices the project holds (Soniox caps a project), by source',
				action: 'Count cloned voices',
			},
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
			{
				name: 'Get Many Shared',
				value: 'getManyShared',
				description: "List Soniox's voices of a model, by gender, age, accent, use case or style",
				action: 'Get many shared voices',
			},
			{
				name: 'Recompute',
				value: 'recompute',
				description: 'Prepare a cloned voice for models released after it was made',
				action: 'Recompute a voice',
			},
		],
		default: 'create',
	},
	...create.description,
	...get.description,
	...getMany.description,
	...getManyShared.description,
	...recompute.description,
	...deleteVoice.description,
];
