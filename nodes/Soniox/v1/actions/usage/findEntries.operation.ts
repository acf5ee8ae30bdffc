// Debug a session: the usage-log entries of one request (by its UUID) or of one customer (by
// client reference ID) around a time, read from a narrow window instead of paging everything.
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { usageEntryFailure } from './usageParameters';
import { assertUsageLogsWindow, readUsageTime } from './usage.descriptions';
import { checkText, readChoice, readNumber } from '../../helpers/parameterValues';
import { SONIOX_ID } from '../../helpers/resourceId';
import { readableWindow, toSonioxTime } from '../../helpers/timeRange';
import {
	clientReferenceIdOf,
	usageEntryOutput,
	type UsageLogEntry,
} from '../../helpers/usageLogEntry';
import { streamUsageLogs } from '../../transport/usageLogs';
import { readLimit, returnAllFields } from '../common.descriptions';

type FindBy = 'clientReferenceId' | 'uuid';

const findByField: INodeProperties = {
	displayName: 'Find By',
	name: 'findBy',
	type: 'options',
	options: [
		{
			name: 'Client Reference ID',
			value: 'clientReferenceId',
			description: "One customer's requests around the time, oldest first",
		},
		{
			name: 'Request UUID',
			value: 'uuid',
			description: 'The one entry of a request, by the uuid of its usage-log entry',
		},
	] satisfies Array<{ name: string; value: FindBy; description: string }>,
	default: 'clientReferenceId',
};

const withinField: INodeProperties = {
	displayName: 'Within (Minutes)',
	name: 'withinMinutes',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 1440 },
	default: 30,
	description: 'How far before and after Around to look, by the time each request ended',
};

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['usage'], operation: ['findEntries'] } },
	[
		findByField,
		{
			displayName: 'Client Reference ID',
			name: 'clientReferenceId',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. customer_42',
			description: 'The ID your app sent with the requests (exact match)',
			displayOptions: { show: { findBy: ['clientReferenceId'] } },
		},
		{
			displayName: 'Request UUID',
			name: 'uuid',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. 84c32fc6-4fb5-4e7a-b656-b5ec70493753',
			description: 'The uuid of the usage-log entry, as an alert or a log line showed it',
			displayOptions: { show: { findBy: ['uuid'] } },
		},
		{
			displayName: 'Around',
			name: 'around',
			type: 'dateTime',
			default: '',
			description: 'When the request or session ended, roughly; empty means now',
		},
		withinField,
		...updateDisplayOptions({ show: { findBy: ['clientReferenceId'] } }, returnAllFields),
	],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const now = new Date();
	const findBy = readChoice<FindBy>(this, itemIndex, findByField);
	const wanted =
		findBy === 'uuid'
			? readUuid.call(this, itemIndex)
			: readClientReferenceId.call(this, itemIndex);
	const around = readUsageTime.call(this, itemIndex, {
		name: 'around',
		label: 'Around',
		now,
		fallback: now,
	});
	const withinMs = readNumber(this, itemIndex, withinField) * 60_000;
	const limit = findBy === 'uuid' ? 1 : (readLimit.call(this, itemIndex) ?? Infinity);
	const window = {
		start: new Date(around.getTime() - withinMs),
		end: new Date(around.getTime() + withinMs),
	};
	assertUsageLogsWindow.call(this, window, now, itemIndex);

	const matches = (entry: UsageLogEntry) =>
		findBy === 'uuid'
			? String(entry.uuid).toLowerCase() === wanted
			: clientReferenceIdOf(entry) === wanted;
	const found: INodeExecutionData[] = [];
	const readable = readableWindow(window, now);
	try {
		if (readable.end > readable.start) {
			for await (const page of streamUsageLogs.call(this, readable, { sort: 'end_time_asc' })) {
				for (const entry of page) {
					if (!matches(entry)) continue;
					found.push({ json: usageEntryOutput(entry) });
					if (found.length >= limit) return found;
				}
			}
		}
	} catch (error) {
		throw usageEntryFailure(this.getNode(), error, itemIndex);
	}
	if (findBy === 'uuid') {
		throw new NodeOperationError(
			this.getNode(),
			`No usage-log entry ${wanted} ended between ${toSonioxTime(window.start)} and ${toSonioxTime(window.end)}`,
			{
				itemIndex,
				description:
					'Set Around closer to when the request ended, or widen Within (Minutes). Soniox logs only completed requests, keeps logs for 91 days, and may publish an entry a few minutes after the request ends.',
			},
		);
	}
	return found;
}

function readUuid(this: IExecuteFunctions, itemIndex: number): string {
	const hint = 'A usage-log uuid looks like 84c32fc6-4fb5-4e7a-b656-b5ec70493753.';
	const raw = this.getNodeParameter('uuid', itemIndex, '');
	const uuid = checkText(this, itemIndex, 'Request UUID', raw, { required: true, hint }).trim();
	if (!SONIOX_ID.test(uuid)) {
		throw new NodeOperationError(
			this.getNode(),
			`Request UUID of item ${itemIndex} is not a UUID: "${uuid.slice(0, 100)}"`,
			{ itemIndex, description: hint },
		);
	}
	return uuid.toLowerCase();
}

function readClientReferenceId(this: IExecuteFunctions, itemIndex: number): string {
	const raw = this.getNodeParameter('clientReferenceId', itemIndex, '');
	return checkText(this, itemIndex, 'Client Reference ID', raw, {
		required: true,
		hint: 'Enter the ID your app sent. Untagged requests: use Get Logs with the Client Reference ID filter.',
	});
}
