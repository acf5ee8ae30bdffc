import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readResourceId } from '../../helpers/resourceId';

export const transcriptionIdField: INodeProperties = {
	displayName: 'Transcription ID',
	name: 'transcriptionId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 73d4357d-cad2-4338-a60d-ec6f2044f721',
};

/** The Transcription ID of one item, as a URL path segment. */
export function transcriptionIdOf(this: IExecuteFunctions, itemIndex: number): string {
	const id = readResourceId(this, itemIndex, {
		name: 'transcriptionId',
		label: 'Transcription ID',
		hint: 'Map the "id" of a transcription, e.g. {{ $json.id }}.',
	});
	return encodeURIComponent(id);
}
