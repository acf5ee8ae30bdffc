import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { sonioxApiRequest } from '../../transport';
import { showFor } from '../common.descriptions';
import { voiceIdField, voiceIdOf } from './voiceId';

export const description: INodeProperties[] = showFor('voice', 'get', [voiceIdField]);

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
