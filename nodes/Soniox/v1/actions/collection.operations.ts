// What every Soniox collection (files, transcriptions, voices) offers: get one, delete one,
// list, count. Each operation file of those resources is one of these, named for its resource.
import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { readResourceId } from '../helpers/resourceId';
import { listItems, sonioxApiRequest } from '../transport';
import { readLimit, returnAllFields } from './common.descriptions';
import type { ItemOperation } from './node.type';

/** A collection of the REST API, e.g. files at /v1/files listed under "files". */
export interface SonioxCollection {
	resource: string;
	path: string;
	listKey: string;
	idField: INodeProperties;
}

const shownFor = (collection: SonioxCollection, operation: string, fields: INodeProperties[]) =>
	updateDisplayOptions(
		{ show: { resource: [collection.resource], operation: [operation] } },
		fields,
	);

export function getOperation(collection: SonioxCollection): ItemOperation {
	return {
		description: shownFor(collection, 'get', [collection.idField]),
		async execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
			const id = readResourceId(this, itemIndex, collection.idField);
			const json = await sonioxApiRequest.call(this, {
				method: 'GET',
				path: `${collection.path}/${id}`,
			});
			return [{ json }];
		},
	};
}

export function deleteOperation(collection: SonioxCollection): ItemOperation {
	return {
		description: shownFor(collection, 'delete', [collection.idField]),
		async execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
			const id = readResourceId(this, itemIndex, collection.idField);
			await sonioxApiRequest.call(this, { method: 'DELETE', path: `${collection.path}/${id}` });
			return [{ json: { id, deleted: true } }];
		},
	};
}

export function getManyOperation(collection: SonioxCollection): ItemOperation {
	return {
		description: shownFor(collection, 'getMany', returnAllFields),
		async execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
			const limit = readLimit.call(this, itemIndex);
			const entries = await listItems.call(this, collection.path, collection.listKey, {}, limit);
			return entries.map((json) => ({ json }));
		},
	};
}

/** How many the project holds, split by where they came from (public API or playground). */
export function countOperation(collection: SonioxCollection): ItemOperation {
	return {
		description: [],
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
			const json = await sonioxApiRequest.call(this, {
				method: 'GET',
				path: `${collection.path}/count`,
			});
			return [{ json }];
		},
	};
}
