import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { listItems } from '../../transport';
import { readLimit, returnAllFields, showFor } from '../common.descriptions';

export const description: INodeProperties[] = showFor('transcription', 'getMany', returnAllFields);

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
