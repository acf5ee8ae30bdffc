import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { fetchSttModels, fetchTtsModels } from '../helpers/models';

export async function getAsyncModels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return (await fetchSttModels.call(this, 'async')).map((model) => ({
		name: model.aliased_model_id ? `${model.id} (alias of ${model.aliased_model_id})` : model.id,
		value: model.id,
		description: model.name,
	}));
}

export async function getRealtimeModels(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	return (await fetchSttModels.call(this, 'real_time')).map((model) => ({
		name: model.aliased_model_id ? `${model.id} (alias of ${model.aliased_model_id})` : model.id,
		value: model.id,
		description: model.name,
	}));
}

export async function getTtsModels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return (await fetchTtsModels.call(this)).map((model) => ({
		name: model.id,
		value: model.id,
		description: model.name,
	}));
}
