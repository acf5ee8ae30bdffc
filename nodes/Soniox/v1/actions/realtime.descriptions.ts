// Fields and key selection shared by the real-time modes of Transcribe and Synthesize.

import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { resolveEndpoints } from '../transport/endpoints';
import { CREDENTIAL_TYPE } from '../transport';
import type { KeySource } from '../transport/realtime/errors';

/**
 * Which key opens the real-time connection: the credential's, or a temporary key made for
 * one end user (Temporary Key → Create), e.g. mapped from the previous node.
 */
export function realtimeKeyFields(usageType: 'transcribe_websocket' | 'tts_rt'): INodeProperties[] {
	return [
		{
			displayName: 'API Key to Use',
			name: 'realtimeKeySource',
			type: 'options',
			options: [
				{
					name: 'Credential',
					value: 'credential',
					description: 'The API key of the Soniox credential',
				},
				{
					name: 'Temporary API Key',
					value: 'temporaryKey',
					description: 'A short-lived key created for one end user, e.g. by Temporary Key → Create',
				},
			],
			default: 'credential',
		},
		{
			displayName: 'Temporary API Key',
			name: 'temporaryApiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: 'e.g. {{ $json.api_key }}',
			description: `A temporary key with usage type ${usageType}. The usage log shows the Client Reference ID the key was created with; a Client Reference ID set on this node is then ignored.`,
			hint: 'Soniox logs this request under the Client Reference ID bound to the temporary key, not the one set here',
			displayOptions: { show: { realtimeKeySource: ['temporaryKey'] } },
		},
	];
}

export interface RealtimeAccess {
	url: string;
	apiKey: string;
	keySource: KeySource;
}

/**
 * Whether Soniox bills this item under the Client Reference ID bound to a temporary key: it then
 * ignores any ID in the request, so none is sent and none is shown.
 */
export function billedByTemporaryKey(this: IExecuteFunctions, itemIndex: number): boolean {
	return (
		this.getNodeParameter('mode', itemIndex, '') === 'realTime' &&
		this.getNodeParameter('realtimeKeySource', itemIndex, 'credential') === 'temporaryKey'
	);
}

/** The WebSocket URL from the credential and the key this item's connection uses. */
export async function getRealtimeAccess(
	this: IExecuteFunctions,
	itemIndex: number,
	api: 'stt' | 'tts',
): Promise<RealtimeAccess> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const endpoints = resolveEndpoints(credentials);
	const url = api === 'stt' ? endpoints.sttWebSocketUrl : endpoints.ttsWebSocketUrl;
	const keySource = this.getNodeParameter(
		'realtimeKeySource',
		itemIndex,
		'credential',
	) as KeySource;
	if (keySource !== 'temporaryKey') {
		return { url, apiKey: String(credentials.apiKey ?? ''), keySource };
	}
	const apiKey = this.getNodeParameter('temporaryApiKey', itemIndex, '') as unknown;
	if (typeof apiKey !== 'string' || apiKey.trim() === '') {
		throw new NodeOperationError(
			this.getNode(),
			`Temporary API Key of item ${itemIndex} is empty`,
			{
				itemIndex,
				description:
					'Map the api_key of a Temporary Key → Create step, e.g. {{ $json.api_key }}, or switch API Key to Use to Credential.',
			},
		);
	}
	return { url, apiKey: apiKey.trim(), keySource };
}
