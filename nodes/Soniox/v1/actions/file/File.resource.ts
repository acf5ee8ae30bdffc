import type { INodeProperties } from 'n8n-workflow';

import type { SonioxResourceModule } from '../node.type';
import * as deleteFile from './delete.operation';
import * as get from './get.operation';
import * as count from './count.operation';
import * as getMany from './getMany.operation';
import * as upload from './upload.operation';

export const resource: SonioxResourceModule['resource'] = {
	name: 'File',
	value: 'file',
	description: 'Audio files stored at Soniox for transcription',
};

export const operations: SonioxResourceModule['operations'] = {
	count,
	upload,
	get,
	getMany,
	delete: deleteFile,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['file'] } },
		options: [
			{
				name: 'Count',
				value: 'count',
				description: 'How many files the project holds (Soniox caps a project), by source',
				action: 'Count files',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete an uploaded file',
				action: 'Delete a file',
			},
			{ name: 'Get', value: 'get', description: 'Get an uploaded file', action: 'Get a file' },
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List uploaded files, newest first',
				action: 'Get many files',
			},
			{
				name: 'Upload',
				value: 'upload',
				description: 'Upload audio from a binary field to transcribe later',
				action: 'Upload a file',
			},
		],
		default: 'upload',
	},
	...upload.description,
	...get.description,
	...getMany.description,
	...deleteFile.description,
];
