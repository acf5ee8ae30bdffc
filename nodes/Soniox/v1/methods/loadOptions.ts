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

export async function getTtsModelsOrAll(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	return [{ name: 'Every Model Not Ready Yet', value: '' }, ...(await getTtsModels.call(this))];
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

/** Soniox's shared voices of the model with their descriptions, then the project's cloned voices. */
export async function getTtsVoices(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const model = await chosenTtsModel.call(this);
	const shared = model
		? await listItems.call(this, '/v1/shared-voices', 'voices', { model: model.id }, 200, 200)
		: [];
	const builtIn = shared.map((voice) => ({
		name: String(voice.id),
		value: String(voice.id),
		description: [voice.gender, voice.age, voice.accent, voice.description]
			.filter((part) => typeof part === 'string' && part !== '')
			.join(' · '),
	}));
	const cloned = (await listItems.call(this, '/v1/voices', 'voices', {})).map((voice) => ({
		name: `${String(voice.name)} (cloned)`,
		value: String(voice.id),
	}));
	return [...builtIn, ...cloned];
}
