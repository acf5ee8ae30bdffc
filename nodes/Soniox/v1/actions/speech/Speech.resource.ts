import type { INodeProperties } from 'n8n-workflow';

import type { SonioxResourceModule } from '../node.type';
import * as synthesize from './synthesize.operation';

export const resource: SonioxResourceModule['resource'] = {
	name: 'Speech',
	value: 'speech',
	description: 'Text-to-speech',
};

export const operations: SonioxResourceModule['operations'] = { synthesize };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['speech'] } },
		options: [
			{
				name: 'Synthesize',
				value: 'synthesize',
				description: 'Turn text into spoken audio in a binary field',
				action: 'Synthesize speech',
			},
		],
		default: 'synthesize',
	},
	...synthesize.description,
];
