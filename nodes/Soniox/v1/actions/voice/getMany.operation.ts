import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { listItems } from '../../transport';
import { readLimit, returnAllFields, showFor } from '../common.descriptions';

export const description: INodeProperties[] = showFor('voice', 'getMany', returnAllFields);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const limit = readLimit.call(this, itemIndex);
	return (await listItems.call(this, '/v1/voices', 'voices', {}, limit)).map((json) => ({ json }));
}
