import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

export const voiceIdField: INodeProperties = {
	displayName: 'Voice ID',
	name: 'voiceId',
	type: 'string',
	default: '',
	required: true,
	description: 'The ID of a cloned voice',
};

export function voiceIdOf(this: IExecuteFunctions, itemIndex: number): string {
	const id = String(this.getNodeParameter('voiceId', itemIndex) ?? '').trim();
	if (!id || /[/?#\s]/.test(id)) {
		throw new NodeOperationError(
			this.getNode(),
			`Voice ID of item ${itemIndex} is empty or not an ID: "${id}"`,
			{ itemIndex, description: 'Map the "id" returned by Voice → Create.' },
		);
	}
	return encodeURIComponent(id);
}
