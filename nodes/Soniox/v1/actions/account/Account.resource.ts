import type { INodeProperties } from 'n8n-workflow';

import type { SonioxResourceModule } from '../node.type';
import * as getConcurrencyLimits from './getConcurrencyLimits.operation';
import * as getStreamsHistory from './getStreamsHistory.operation';

export const resource: SonioxResourceModule['resource'] = {
	name: 'Account',
	value: 'account',
	description: 'Concurrency limits and their history',
};

export const operations: SonioxResourceModule['operations'] = {
	getConcurrencyLimits,
	getStreamsHistory,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['account'] } },
		options: [
			{
				name: 'Get Concurrency Limits',
				value: 'getConcurrencyLimits',
				description: 'Get open real-time sessions and the limits of the project and organization',
				action: 'Get concurrency limits',
			},
			{
				name: 'Get Concurrent Streams History',
				value: 'getStreamsHistory',
				description: 'Get how many real-time streams were open over time',
				action: 'Get concurrent streams history',
			},
		],
		default: 'getConcurrencyLimits',
	},
	...getConcurrencyLimits.description,
	...getStreamsHistory.description,
];
