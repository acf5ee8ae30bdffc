import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { uploadFile } from '../../transport/multipart';
import { getClientReferenceId } from '../../helpers/clientReferenceId';
import { checkText } from '../../helpers/parameterValues';
import {
	clientReferenceIdField,
	inputBinaryField,
	readInputBinaryField,
} from '../common.descriptions';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['upload'] } },
	[
		inputBinaryField,
		{
			displayName: 'File Name',
			name: 'fileName',
			type: 'string',
			default: '',
			description: "Name to store the file under; leave empty to keep the binary's own name",
		},
		clientReferenceIdField('file'),
	],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const clientReferenceId = getClientReferenceId.call(this, itemIndex);
	const file = await uploadFile(this, itemIndex, {
		binaryPropertyName: readInputBinaryField(this, itemIndex),
		clientReferenceId,
		fileName: checkText(
			this,
			itemIndex,
			'File Name',
			this.getNodeParameter('fileName', itemIndex, ''),
			{
				hint: "Give a name such as call.mp3, or leave it empty to keep the binary's own name.",
			},
		).trim(),
	});
	return [{ json: file }];
}
