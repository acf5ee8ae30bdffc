import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { listItems } from '../../transport';
import { readLimit, returnAllFields } from '../common.descriptions';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['transcription'], operation: ['getMany'] } },
	returnAllFields,
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const limit = readLimit.call(this, itemIndex);
	const transcriptions = await listItems.call(
		this,
		'/v1/transcriptions',
		'transcriptions',
		{},
		limit,
	);
	return transcriptions.map((json) => ({ json }));
}
