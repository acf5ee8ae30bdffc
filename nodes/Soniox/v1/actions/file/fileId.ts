import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

export const fileIdField: INodeProperties = {
	displayName: 'File ID',
	name: 'fileId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 84c32fc6-4fb5-4e7a-b656-b5ec70493753',
};

export function fileIdOf(this: IExecuteFunctions, itemIndex: number): string {
	const id = String(this.getNodeParameter('fileId', itemIndex) ?? '').trim();
	if (!id || /[/?#\s]/.test(id)) {
		throw new NodeOperationError(
			this.getNode(),
			`File ID of item ${itemIndex} is empty or not an ID: "${id}"`,
			{
				itemIndex,
				description: 'Map the "id" returned by File → Upload, e.g. {{ $json.id }}.',
			},
		);
	}
	return encodeURIComponent(id);
}
