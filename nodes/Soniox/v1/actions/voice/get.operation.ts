import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { sonioxApiRequest } from '../../transport';
import { readResourceId } from '../../helpers/resourceId';
import { voiceIdField } from '../resourceIds.descriptions';

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
				path: `/v1/voices/${readResourceId(this, itemIndex, voiceIdField)}`,
			}),
		},
	];
}
