// The From List mode of the file, transcription and voice pickers: one page of the project's own,
// newest first, narrowed by the typed filter.
import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { sonioxApiRequest } from '../transport';

const PAGE_SIZE = 100;

async function searchList(
	context: ILoadOptionsFunctions,
	path: string,
	listKey: string,
	nameOf: (entry: IDataObject) => string,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = await sonioxApiRequest.call(context, {
		method: 'GET',
		path,
		qs: { limit: PAGE_SIZE, ...(paginationToken ? { cursor: paginationToken } : {}) },
	});
	const entries = Array.isArray(page[listKey]) ? (page[listKey] as IDataObject[]) : [];
	const wanted = filter?.trim().toLowerCase();
	const results = entries
		.map((entry) => ({ name: nameOf(entry), value: String(entry.id) }))
		.filter(({ name, value }) => !wanted || `${name} ${value}`.toLowerCase().includes(wanted));
	const next = page.next_page_cursor;
	return { results, paginationToken: typeof next === 'string' && next ? next : undefined };
}

const created = (entry: IDataObject) =>
	String(entry.created_at ?? '')
		.slice(0, 16)
		.replace('T', ' ');

export async function searchFiles(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchList(
		this,
		'/v1/files',
		'files',
		(file) => `${String(file.filename ?? file.id)} (${created(file)})`,
		filter,
		paginationToken,
	);
}

export async function searchTranscriptions(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchList(
		this,
		'/v1/transcriptions',
		'transcriptions',
		(transcription) =>
			`${String(transcription.filename ?? transcription.audio_url ?? transcription.id)}, ${String(transcription.status)} (${created(transcription)})`,
		filter,
		paginationToken,
	);
}

export async function searchVoices(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchList(
		this,
		'/v1/voices',
		'voices',
		(voice) => String(voice.name ?? voice.id),
		filter,
		paginationToken,
	);
}
