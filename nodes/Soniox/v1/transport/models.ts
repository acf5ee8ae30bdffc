import type { IDataObject } from 'n8n-workflow';

import { listField, sonioxApiRequest, type SonioxContext } from './';

export interface SttModel extends IDataObject {
	id: string;
	aliased_model_id: string | null;
	name: string;
	transcription_mode: 'real_time' | 'async';
}

export interface TtsModel extends IDataObject {
	id: string;
	aliased_model_id: string | null;
	name: string;
	languages: Array<{ code: string; name: string }>;
	voices: Array<{ id: string; description: string; gender: string }>;
}

/** Speech-to-text models, optionally only those of one transcription mode. */
export async function fetchSttModels(
	this: SonioxContext,
	mode?: 'async' | 'real_time',
): Promise<SttModel[]> {
	const page = await sonioxApiRequest.call(this, { method: 'GET', path: '/v1/models' });
	const all = listField<SttModel>(this, page, 'models', '/v1/models');
	return mode ? all.filter((model) => model.transcription_mode === mode) : all;
}

export async function fetchTtsModels(this: SonioxContext): Promise<TtsModel[]> {
	const page = await sonioxApiRequest.call(this, { method: 'GET', path: '/v1/tts-models' });
	return listField<TtsModel>(this, page, 'models', '/v1/tts-models');
}
