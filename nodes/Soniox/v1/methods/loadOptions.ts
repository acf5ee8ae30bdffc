import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { fetchSttModels, fetchTtsModels } from '../transport/models';
import { listItems } from '../transport';

async function sttModelOptions(
	context: ILoadOptionsFunctions,
	mode: 'async' | 'real_time',
): Promise<INodePropertyOptions[]> {
	return (await fetchSttModels.call(context, mode)).map((model) => ({
		name: model.aliased_model_id ? `${model.id} (alias of ${model.aliased_model_id})` : model.id,
		value: model.id,
		description: model.name,
	}));
}

export async function getAsyncModels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return await sttModelOptions(this, 'async');
}

export async function getRealtimeModels(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	return await sttModelOptions(this, 'real_time');
}

export async function getTtsModels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return (await fetchTtsModels.call(this)).map((model) => ({
		name: model.id,
		value: model.id,
		description: model.name,
	}));
}

async function chosenTtsModel(this: ILoadOptionsFunctions) {
	const models = await fetchTtsModels.call(this);
	const chosen = this.getCurrentNodeParameter('model') as string | undefined;
	return models.find((model) => model.id === chosen) ?? models[0];
}

export async function getTtsLanguages(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	const model = await chosenTtsModel.call(this);
	return (model?.languages ?? []).map((language) => ({
		name: language.name,
		value: language.code,
	}));
}

/** The model's built-in voices, then the project's cloned voices. */
export async function getTtsVoices(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const model = await chosenTtsModel.call(this);
	const builtIn = (model?.voices ?? []).map((voice) => ({
		name: voice.id,
		value: voice.id,
		description: `${voice.description} (${voice.gender})`,
	}));
	const cloned = (await listItems.call(this, '/v1/voices', 'voices', {})).map((voice) => ({
		name: `${String(voice.name)} (cloned)`,
		value: String(voice.id),
	}));
	return [...builtIn, ...cloned];
}
