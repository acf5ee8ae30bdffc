import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { readChoice } from '../../helpers/parameterValues';
import { parseUtcTime } from '../../helpers/timeRange';
import { sonioxApiRequest } from '../../transport';

const kindField: INodeProperties = {
	displayName: 'Kind',
	name: 'kind',
	type: 'options',
	options: [
		{ name: 'Speech-to-Text', value: 'stt' },
		{ name: 'Text-to-Speech', value: 'tts' },
	],
	default: 'stt',
};

const periodField: INodeProperties = {
	displayName: 'Period',
	name: 'periodSec',
	type: 'options',
	options: [
		{ name: 'Minute (Window up to 7 Days)', value: 60 },
		{ name: 'Hour', value: 3600 },
		{ name: 'Day', value: 86400 },
	],
	default: 3600,
};

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['account'], operation: ['getStreamsHistory'] } },
	[
		kindField,
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
		periodField,
	],
);

const MINUTE_PERIODS_MAX_MS = 7 * 86_400_000;
const MAX_ENTRIES = 20_000;

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
	const kind = readChoice(this, itemIndex, kindField);
	const period = readChoice<number>(this, itemIndex, periodField);
	const windowMs = end.getTime() - start.getTime();
	const tooLong =
		period === 60 && windowMs > MINUTE_PERIODS_MAX_MS
			? 'per-minute periods cover at most 7 days'
			: Math.ceil(windowMs / (period * 1000)) > MAX_ENTRIES
				? `Soniox returns at most ${MAX_ENTRIES} periods`
				: undefined;
	if (tooLong) {
		throw new NodeOperationError(
			this.getNode(),
			`Start to End of item ${itemIndex} is too long for this Period: ${tooLong}`,
			{ itemIndex, description: 'Choose a longer Period, or a shorter window.' },
		);
	}
	const history = await sonioxApiRequest.call(this, {
		method: 'GET',
		path: '/v1/concurrent-streams-history',
		qs: {
			start_time: start.toISOString(),
			end_time: end.toISOString(),
			period_sec: period,
			kind,
		},
	});
	return [{ json: history }];
}
