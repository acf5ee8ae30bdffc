import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { sonioxApiRequest } from '../../transport';
import { showFor } from '../common.descriptions';
import { fileIdField, fileIdOf } from './fileId';

export const description: INodeProperties[] = showFor('file', 'get', [fileIdField]);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	return [
		{
			json: await sonioxApiRequest.call(this, {
				method: 'GET',
				path: `/v1/files/${fileIdOf.call(this, itemIndex)}`,
			}),
		},
	];
}
