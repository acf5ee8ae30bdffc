import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { readResourceId } from '../../helpers/resourceId';
import { checkText } from '../../helpers/parameterValues';
import { sonioxApiRequest } from '../../transport';
import { voiceIdField } from '../collections';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['voice'], operation: ['recompute'] } },
	[
		voiceIdField,
		{
			displayName: 'Model Name or ID',
			name: 'model',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getTtsModelsOrAll' },
			default: '',
			description:
				'The model to prepare the voice for, e.g. one released after the voice was made; empty prepares it for every model it is not ready for. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
	],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const id = readResourceId(this, itemIndex, voiceIdField);
	const model = checkText(
		this,
		itemIndex,
		'Model Name or ID',
		this.getNodeParameter('model', itemIndex, ''),
		{
			maxLength: 64,
			hint: 'Choose a model from the list, or leave it empty for every model.',
		},
	).trim();
	const json = await sonioxApiRequest.call(this, {
		method: 'POST',
		path: `/v1/voices/${id}/recompute`,
		// An empty object would go as no body at all, which Soniox refuses.
		body: { model: model || null },
	});
	return [{ json }];
}
