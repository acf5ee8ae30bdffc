import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { sonioxApiRequest } from '../../transport';
import { readResourceId } from '../../helpers/resourceId';
import { transcriptionIdField } from '../resourceIds.descriptions';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['transcription'], operation: ['get'] } },
	[transcriptionIdField],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const id = readResourceId(this, itemIndex, transcriptionIdField);
	return [
		{
			json: await sonioxApiRequest.call(this, { method: 'GET', path: `/v1/transcriptions/${id}` }),
		},
	];
}
