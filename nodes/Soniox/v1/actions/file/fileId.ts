import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readResourceId } from '../../helpers/resourceId';

export const fileIdField: INodeProperties = {
	displayName: 'File ID',
	name: 'fileId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 84c32fc6-4fb5-4e7a-b656-b5ec70493753',
};

/** The File ID of one item, as sent in a request body. */
export function readFileId(this: IExecuteFunctions, itemIndex: number): string {
	return readResourceId(this, itemIndex, {
		name: 'fileId',
		label: 'File ID',
		hint: 'Map the "id" returned by File → Upload, e.g. {{ $json.id }}.',
	});
}

/** The File ID of one item, as a URL path segment. */
export function fileIdOf(this: IExecuteFunctions, itemIndex: number): string {
	return encodeURIComponent(readFileId.call(this, itemIndex));
}
