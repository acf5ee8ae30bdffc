import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { sonioxApiRequest } from '../../transport';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['organization'], operation: ['getBalance'] } },
	[],
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return [
		{
			json: await sonioxApiRequest.call(this, { method: 'GET', path: '/v1/organization/balance' }),
		},
	];
}
