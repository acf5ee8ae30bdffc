// Soniox's collections (files, transcriptions, voices): where they live, and the ID field of each,
// a resource locator that lists the project's own (methods/listSearch.ts) or takes an ID.
import type { INodeProperties } from 'n8n-workflow';

import type { SonioxCollection } from './collection.operations';

import { SONIOX_ID } from '../helpers/resourceId';

function resourceIdField(
	displayName: string,
	name: string,
	searchListMethod: string,
	hint: string,
): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		hint,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod, searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 84c32fc6-4fb5-4e7a-b656-b5ec70493753',
				validation: [
					{
						type: 'regex',
						properties: {
							regex: SONIOX_ID.source,
							errorMessage: 'A Soniox ID is a UUID, e.g. 84c32fc6-4fb5-4e7a-b656-b5ec70493753',
						},
					},
				],
			},
		],
	};
}

export const fileIdField = resourceIdField(
	'File',
	'fileId',
	'searchFiles',
	'A file uploaded with File → Upload; map its "id", e.g. {{ $json.id }}.',
);

export const transcriptionIdField = resourceIdField(
	'Transcription',
	'transcriptionId',
	'searchTranscriptions',
	'Map the "id" of a transcription, e.g. {{ $json.id }}.',
);

export const voiceIdField = resourceIdField(
	'Voice',
	'voiceId',
	'searchVoices',
	'A cloned voice; map the "id" returned by Voice → Create, e.g. {{ $json.id }}.',
);

export const files: SonioxCollection = {
	resource: 'file',
	path: '/v1/files',
	listKey: 'files',
	idField: fileIdField,
};

export const transcriptions: SonioxCollection = {
	resource: 'transcription',
	path: '/v1/transcriptions',
	listKey: 'transcriptions',
	idField: transcriptionIdField,
};

export const voices: SonioxCollection = {
	resource: 'voice',
	path: '/v1/voices',
	listKey: 'voices',
	idField: voiceIdField,
};
