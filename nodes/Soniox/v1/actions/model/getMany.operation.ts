import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { fetchSttModels, fetchTtsModels } from '../../transport/models';
import { readChoice } from '../../helpers/parameterValues';
import { readLimit, returnAllFields } from '../common.descriptions';

const modelTypeField: INodeProperties = {
	displayName: 'Model Type',
	name: 'modelType',
	type: 'options',
	options: [
		{ name: 'Speech-to-Text', value: 'stt' },
		{ name: 'Text-to-Speech', value: 'tts' },
	],
	default: 'stt',
	description: 'Whether to list transcription models or speech synthesis models',
};

const transcriptionModeField: INodeProperties = {
	displayName: 'Transcription Mode',
	name: 'transcriptionMode',
	type: 'options',
	options: [
		{ name: 'All', value: 'all' },
		{ name: 'Async (Files and URLs)', value: 'async' },
		{ name: 'Real-Time (Streaming)', value: 'real_time' },
	],
	default: 'all',
	displayOptions: { show: { modelType: ['stt'] } },
};

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['model'], operation: ['getMany'] } },
	[modelTypeField, transcriptionModeField, ...returnAllFields],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const modelType = readChoice<'stt' | 'tts'>(this, itemIndex, modelTypeField);
	const limit = readLimit.call(this, itemIndex);
	let models;
	if (modelType === 'tts') {
		models = await fetchTtsModels.call(this);
	} else {
		const mode = readChoice<'all' | 'async' | 'real_time'>(this, itemIndex, transcriptionModeField);
		models = await fetchSttModels.call(this, mode === 'all' ? undefined : mode);
	}
	return models.slice(0, limit).map((model) => ({ json: model }));
}
