// The key fields both real-time operations share (Transcribe in Real Time, Synthesize in Real Time).
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readChoice } from '../helpers/parameterValues';
import type { KeySource } from '../transport/realtime/errors';

const keySourceField: INodeProperties = {
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
};

/**
 * Which key opens the real-time connection: the credential's, or a temporary key made for
 * one end user (Temporary Key → Create), e.g. mapped from the previous node.
 */
export function realtimeKeyFields(usageType: 'transcribe_websocket' | 'tts_rt'): INodeProperties[] {
	return [
		keySourceField,
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

/**
 * Where one item's key comes from. With a temporary key Soniox bills the Client Reference ID
 * bound to it and ignores any in the request, so none is sent and none is shown.
 */
export function readKeySource(this: IExecuteFunctions, itemIndex: number): KeySource {
	return readChoice<KeySource>(this, itemIndex, keySourceField);
}
