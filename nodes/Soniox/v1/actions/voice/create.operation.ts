import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { multipartBody } from '../../transport/multipart';
import { checkText } from '../../helpers/parameterValues';
import { inputBinaryField, readInputBinaryField } from '../common.descriptions';
import { sonioxApiRequest } from '../../transport';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['voice'], operation: ['create'] } },
	[
		{
			displayName: 'Name',
			name: 'name',
			type: 'string',
			default: '',
			required: true,
			description: 'A name for the voice, unique in the project (up to 128 characters)',
		},
		{ ...inputBinaryField, hint: 'A clean recording of the voice, ideally 10 to 20 seconds' },
	],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const hint = 'Give the voice a short name.';
	const name = checkText(this, itemIndex, 'Name', this.getNodeParameter('name', itemIndex), {
		hint,
	}).trim();
	if (name.length < 1 || name.length > 128) {
		throw new NodeOperationError(
			this.getNode(),
			`Name of item ${itemIndex} must have 1 to 128 characters`,
			{ itemIndex, description: hint },
		);
	}
	const upload = await multipartBody(this, itemIndex, {
		fields: { name },
		fileField: 'file',
		binaryPropertyName: readInputBinaryField(this, itemIndex),
	});
	try {
		return [
			{
				json: await sonioxApiRequest.call(this, {
					method: 'POST',
					path: '/v1/voices',
					body: upload.body,
					headers: upload.headers,
				}),
			},
		];
	} finally {
		await upload.close();
	}
}
