import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readResourceId } from '../../helpers/resourceId';

export const voiceIdField: INodeProperties = {
	displayName: 'Voice ID',
	name: 'voiceId',
	type: 'string',
	default: '',
	required: true,
	description: 'The ID of a cloned voice',
};

/** The Voice ID of one item, as a URL path segment. */
export function voiceIdOf(this: IExecuteFunctions, itemIndex: number): string {
	const id = readResourceId(this, itemIndex, {
		name: 'voiceId',
		label: 'Voice ID',
		hint: 'Map the "id" returned by Voice → Create, e.g. {{ $json.id }}.',
	});
	return encodeURIComponent(id);
}
