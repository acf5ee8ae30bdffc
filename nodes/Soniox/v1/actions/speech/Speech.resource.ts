import type { INodeProperties } from 'n8n-workflow';

import type { SonioxResourceModule } from '../node.type';
import * as synthesize from './synthesize.operation';
import * as synthesizeRealTime from './synthesizeRealTime.operation';

export const resource: SonioxResourceModule['resource'] = {
	name: 'Speech',
	value: 'speech',
	description: 'Text-to-speech',
};

export const operations: SonioxResourceModule['operations'] = { synthesize, synthesizeRealTime };

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
				description: 'Turn text into spoken audio in a binary field, one request per item',
				action: 'Synthesize speech',
			},
			{
				name: 'Synthesize in Real Time',
				value: 'synthesizeRealTime',
				description:
					'Items share one WebSocket connection; long text is split; character timestamps available',
				action: 'Synthesize speech in real time',
			},
		],
		default: 'synthesize',
	},
	...synthesize.description,
	...synthesizeRealTime.description,
];
