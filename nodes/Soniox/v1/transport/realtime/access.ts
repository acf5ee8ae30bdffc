import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../index';
import { resolveEndpoints } from '../endpoints';
import type { KeySource } from './errors';

export interface RealtimeAccess {
	url: string;
	apiKey: string;
	keySource: KeySource;
}

/**
 * The WebSocket URL from the credential and the key one item's connection opens with: the
 * credential's, or a temporary key made for one end user (Temporary Key → Create).
 */
export async function getRealtimeAccess(
	this: IExecuteFunctions,
	itemIndex: number,
	api: 'stt' | 'tts',
	keySource: KeySource,
): Promise<RealtimeAccess> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const endpoints = resolveEndpoints(credentials);
	const url = api === 'stt' ? endpoints.sttWebSocketUrl : endpoints.ttsWebSocketUrl;
	if (keySource === 'credential') {
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
