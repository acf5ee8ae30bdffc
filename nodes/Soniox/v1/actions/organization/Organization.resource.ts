import type { INodeProperties } from 'n8n-workflow';

import type { SonioxResourceModule } from '../node.type';
import * as getBalance from './getBalance.operation';
import * as getLimits from './getLimits.operation';
import * as getMonthlyUsage from './getMonthlyUsage.operation';
import * as getProfile from './getProfile.operation';
import * as getProjects from './getProjects.operation';

// Needs the Soniox Organization API credential (an snx_org_ key); SonioxV1 shows it, and hides
// the project credential, for this resource only.
export const resource: SonioxResourceModule['resource'] = {
	name: 'Organization',
	value: 'organization',
	description: 'Spend, budget, balance and projects of the whole organization',
};

export const operations: SonioxResourceModule['operations'] = {
	getBalance,
	getLimits,
	getMonthlyUsage,
	getProfile,
	getProjects,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['organization'] } },
		options: [
			{
				name: 'Get Balance',
				value: 'getBalance',
				description: 'Get the prepaid balance and the billing state',
				action: 'Get the organization balance',
			},
			{
				name: 'Get Limits',
				value: 'getLimits',
				description: "Get the organization's limits",
				action: 'Get the organization limits',
			},
			{
				name: 'Get Many Projects',
				value: 'getProjects',
				description: "Get the organization's projects, one item each",
				action: 'Get many organization projects',
			},
			{
				name: 'Get Monthly Usage',
				value: 'getMonthlyUsage',
				description: "Get a month's spend per project, with the budget for the current month",
				action: 'Get the organization monthly usage',
			},
			{
				name: 'Get Profile',
				value: 'getProfile',
				description: "Get the organization's profile",
				action: 'Get the organization profile',
			},
		],
		default: 'getMonthlyUsage',
	},
	...getBalance.description,
	...getLimits.description,
	...getMonthlyUsage.description,
	...getProfile.description,
	...getProjects.description,
];
