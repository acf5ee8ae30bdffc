import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { parseUtcTime } from '../../helpers/timeRange';
import { sonioxApiRequest } from '../../transport';
import { showFor } from '../common.descriptions';

export const description: INodeProperties[] = showFor('account', 'getStreamsHistory', [
	{
		displayName: 'Kind',
		name: 'kind',
		type: 'options',
		options: [
			{ name: 'Speech-to-Text', value: 'stt' },
			{ name: 'Text-to-Speech', value: 'tts' },
		],
		default: 'stt',
	},
	{
		displayName: 'Start',
		name: 'startTime',
		type: 'dateTime',
		default: '',
		required: true,
		description: 'Start of the window (UTC when no zone is given)',
	},
	{
		displayName: 'End',
		name: 'endTime',
		type: 'dateTime',
		default: '',
		required: true,
		description: 'End of the window (exclusive)',
	},
	{
		displayName: 'Period',
		name: 'periodSec',
		type: 'options',
		options: [
			{ name: 'Minute (Window up to 7 Days)', value: 60 },
			{ name: 'Hour', value: 3600 },
			{ name: 'Day', value: 86400 },
		],
		default: 3600,
	},
]);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const start = parseUtcTime(this.getNodeParameter('startTime', itemIndex));
	const end = parseUtcTime(this.getNodeParameter('endTime', itemIndex));
	if (!start || !end || end <= start) {
		throw new NodeOperationError(
			this.getNode(),
			`Start and End of item ${itemIndex} must be times with End after Start`,
			{ itemIndex, description: 'Use ISO times such as 2026-11-24T00:00:00Z.' },
		);
	}
	const history = await sonioxApiRequest.call(this, {
		method: 'GET',
		path: '/v1/concurrent-streams-history',
		qs: {
			start_time: start.toISOString(),
			end_time: end.toISOString(),
			period_sec: this.getNodeParameter('periodSec', itemIndex),
			kind: this.getNodeParameter('kind', itemIndex),
		},
	});
	return [{ json: history }];
}
