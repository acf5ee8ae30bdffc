import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { listField, sonioxApiRequest } from '../../transport';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['organization'], operation: ['getProjects'] } },
	[],
);

const PATH = '/v1/organization/projects';

/** One item per project, as Soniox sends it. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const page = await sonioxApiRequest.call(this, { method: 'GET', path: PATH });
	return listField<INodeExecutionData['json']>(this, page, 'projects', PATH).map((json) => ({
		json,
	}));
}
