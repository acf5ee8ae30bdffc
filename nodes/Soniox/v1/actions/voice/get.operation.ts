import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { sonioxApiRequest } from '../../transport';
import { voiceIdField, voiceIdOf } from './voiceId';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['voice'], operation: ['get'] } },
	[voiceIdField],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	return [
		{
			json: await sonioxApiRequest.call(this, {
				method: 'GET',
				path: `/v1/voices/${voiceIdOf.call(this, itemIndex)}`,
			}),
		},
	];
}
