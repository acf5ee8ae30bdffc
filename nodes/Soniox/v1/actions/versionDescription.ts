import type { INodeProperties } from 'n8n-workflow';

import { resources } from './resources';

const resourceModules = Object.values(resources);

/** The Resource picker, then each resource's Operation picker and fields. */
export const versionProperties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: resourceModules.map((module) => module.resource),
		default: 'transcription',
	},
	...resourceModules.flatMap((module) => module.description),
];
