import type { INodeProperties } from 'n8n-workflow';

import type { SonioxResourceModule } from '../node.type';

import * as aggregate from './aggregate.operation';
import * as findEntries from './findEntries.operation';
import * as getLogs from './getLogs.operation';
import * as getSummary from './getSummary.operation';

export const resource: SonioxResourceModule['resource'] = {
	name: 'Usage',
	value: 'usage',
	description: 'Usage logs, daily summaries and cost totals per customer, model or day',
};

export const operations: SonioxResourceModule['operations'] = {
	aggregate,
	findEntries,
	getLogs,
	getSummary,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['usage'] } },
		options: [
			{
				name: 'Aggregate',
				value: 'aggregate',
				description:
					'Total requests, audio minutes, tokens and exact costs per client reference ID, model, request scope or day, e.g. to invoice your customers',
				action: 'Aggregate usage',
			},
			{
				name: 'Find Entries',
				value: 'findEntries',
				description:
					'Debug a session: the log entries of one request (by UUID) or one customer (by client reference ID) around a time, without paging through the rest',
				action: 'Find usage log entries of a request or customer',
			},
			{
				name: 'Get Logs',
				value: 'getLogs',
				description:
					'Get one item per billed request in a time range, with its client reference ID, model, tokens and exact cost',
				action: 'Get usage logs',
			},
			{
				name: 'Get Summary',
				value: 'getSummary',
				description: 'Get requests, tokens and costs per UTC day and model, for up to 366 days',
				action: 'Get usage summary',
			},
		],
		default: 'getLogs',
	},
	...getLogs.description,
	...getSummary.description,
	...aggregate.description,
	...findEntries.description,
];
