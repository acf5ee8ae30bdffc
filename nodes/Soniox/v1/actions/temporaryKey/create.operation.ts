import { updateDisplayOptions } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { getClientReferenceId } from '../../helpers/clientReferenceId';
import { checkBoolean, readChoice, readNumber } from '../../helpers/parameterValues';
import { getEndpoints, sonioxApiRequest } from '../../transport';
import { clientReferenceIdField } from '../common.descriptions';

const usageTypeField: INodeProperties = {
	displayName: 'Usage Type',
	name: 'usageType',
	type: 'options',
	options: [
		{
			name: 'Real-Time Transcription',
			value: 'transcribe_websocket',
			description: 'For a browser or app streaming audio to the speech-to-text WebSocket',
		},
		{
			name: 'Text-to-Speech',
			value: 'tts_rt',
			description: 'For the text-to-speech WebSocket and REST endpoint',
		},
	],
	default: 'transcribe_websocket',
};

const expiresInField: INodeProperties = {
	displayName: 'Expires In (Seconds)',
	name: 'expiresInSeconds',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 3600 },
	default: 60,
	description: 'How long the key can open new sessions: 1 to 3600 seconds',
};

const maxSessionField: INodeProperties = {
	displayName: 'Max Session Duration (Seconds)',
	name: 'maxSessionDurationSeconds',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 18000 },
	default: 600,
	description: 'The longest one session may last: 1 to 18000 seconds',
};

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['temporaryKey'], operation: ['create'] } },
	[
		usageTypeField,
		expiresInField,
		{
			...clientReferenceIdField('key'),
			description:
				'Bound to the key: every request made with it is logged with this ID, whatever the client sends. Use the end user or tenant ID so their usage can be billed. Up to 256 characters.',
		},
		{
			displayName: 'Options',
			name: 'keyOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				maxSessionField,
				{
					displayName: 'Single Use',
					name: 'singleUse',
					type: 'boolean',
					default: false,
					description: 'Whether the key may open only one session',
				},
			],
		},
	],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const usageType = readChoice(this, itemIndex, usageTypeField);
	const body: IDataObject = {
		usage_type: usageType,
		expires_in_seconds: readNumber(this, itemIndex, expiresInField),
	};
	const options = this.getNodeParameter('keyOptions', itemIndex, {}) as IDataObject;
	if (options.maxSessionDurationSeconds !== undefined) {
		body.max_session_duration_seconds = readNumber(
			this,
			itemIndex,
			maxSessionField,
			options.maxSessionDurationSeconds,
		);
	}
	if (checkBoolean(this, itemIndex, 'Single Use', options.singleUse)) body.single_use = true;
	const clientReferenceId = getClientReferenceId.call(this, itemIndex);
	if (clientReferenceId) body.client_reference_id = clientReferenceId;

	const key = await sonioxApiRequest.call(this, {
		method: 'POST',
		path: '/v1/auth/temporary-api-key',
		body,
	});
	const endpoints = await getEndpoints.call(this);
	const urls: IDataObject =
		usageType === 'transcribe_websocket'
			? { websocket_url: endpoints.sttWebSocketUrl }
			: { websocket_url: endpoints.ttsWebSocketUrl, rest_url: `${endpoints.ttsRestUrl}/tts` };
	return [
		{
			json: {
				api_key: key.api_key,
				expires_at: key.expires_at,
				usage_type: usageType,
				client_reference_id: clientReferenceId ?? null,
				...urls,
				how_to_connect:
					"Open the WebSocket with sub-protocols ['soniox-api-key', api_key]; for REST send 'Authorization: Bearer <api_key>'.",
			},
		},
	];
}
