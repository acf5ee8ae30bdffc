import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { checkMonth } from '../../helpers/parameterValues';
import { utcMonthOf } from '../../helpers/timeRange';
import { sonioxApiRequest } from '../../transport';

const monthField: INodeProperties = {
	displayName: 'Month',
	name: 'month',
	type: 'string',
	default: '',
	placeholder: 'e.g. 2026-05',
	description:
		'The calendar month (UTC) as YYYY-MM; empty for the current month. Budget fields are set only for the current month.',
};

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['organization'], operation: ['getMonthlyUsage'] } },
	[monthField],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const month = checkMonth(
		this,
		itemIndex,
		monthField.displayName,
		this.getNodeParameter(monthField.name, itemIndex, ''),
		utcMonthOf(new Date()),
	);
	const usage = await sonioxApiRequest.call(this, {
		method: 'GET',
		path: '/v1/organization/usage/monthly',
		qs: { month },
	});
	return [{ json: usage }];
}
