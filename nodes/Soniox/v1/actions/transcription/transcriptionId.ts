import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

export const transcriptionIdField: INodeProperties = {
	displayName: 'Transcription ID',
	name: 'transcriptionId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 73d4357d-cad2-4338-a60d-ec6f2044f721',
};

export function transcriptionIdOf(this: IExecuteFunctions, itemIndex: number): string {
	const id = String(this.getNodeParameter('transcriptionId', itemIndex) ?? '').trim();
	if (!id || /[/?#\s]/.test(id)) {
		throw new NodeOperationError(
			this.getNode(),
			`Transcription ID of item ${itemIndex} is empty or not an ID: "${id}"`,
			{
				itemIndex,
				description: 'Map the "id" of a transcription, e.g. {{ $json.id }}.',
			},
		);
	}
	return encodeURIComponent(id);
}
