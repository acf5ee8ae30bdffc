import type { INodeProperties } from 'n8n-workflow';

import type { SonioxResourceModule } from '../node.type';
import * as deleteTranscription from './delete.operation';
import * as get from './get.operation';
import * as count from './count.operation';
import * as getMany from './getMany.operation';
import * as getTranscript from './getTranscript.operation';
import * as transcribe from './transcribe.operation';
import * as transcribeRealTime from './transcribeRealTime.operation';

export const resource: SonioxResourceModule['resource'] = {
	name: 'Transcription',
	value: 'transcription',
	description: 'Speech-to-text from files, URLs or streams',
};

export const operations: SonioxResourceModule['operations'] = {
	count,
	transcribe,
	transcribeRealTime,
	get,
	getMany,
	getTranscript,
	delete: deleteTranscription,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['transcription'] } },
		options: [
			{
				name: 'Count',
				value: 'count',
				description: 'How many transcriptions the project holds (Soniox caps a project), by source',
				action: 'Count transcriptions',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a transcription and its transcript',
				action: 'Delete a transcription',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a transcription and its status',
				action: 'Get a transcription',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List transcriptions, newest first',
				action: 'Get many transcriptions',
			},
			{
				name: 'Get Transcript',
				value: 'getTranscript',
				description:
					'Get the transcript of a completed transcription as text, tokens, segments or subtitles',
				action: 'Get a transcript',
			},
			{
				name: 'Transcribe',
				value: 'transcribe',
				description:
					'Turn a recording into text, from a binary field, a URL or an uploaded file (best accuracy)',
				action: 'Transcribe audio',
			},
			{
				name: 'Transcribe in Real Time',
				value: 'transcribeRealTime',
				description:
					'Stream audio from a binary field over a WebSocket and get the transcript as it is spoken',
				action: 'Transcribe audio in real time',
			},
		],
		default: 'transcribe',
	},
	...transcribe.description,
	...transcribeRealTime.description,
	...get.description,
	...getMany.description,
	...getTranscript.description,
	...deleteTranscription.description,
];
