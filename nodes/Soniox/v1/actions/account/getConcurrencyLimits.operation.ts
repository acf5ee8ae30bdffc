import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { sonioxApiRequest } from '../../transport';
import { showFor } from '../common.descriptions';

export const description: INodeProperties[] = showFor('account', 'getConcurrencyLimits', []);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return [
		{ json: await sonioxApiRequest.call(this, { method: 'GET', path: '/v1/concurrency-limits' }) },
	];
}
