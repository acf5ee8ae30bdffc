import type { IAuthenticateGeneric, Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

import {
	baseDomainProperty,
	customOnly,
	regionProperty,
	requestTimeoutProperty,
	restUrlProperty,
} from './regions';

// The Test button runs sonioxSuiteApiTest (nodes/Soniox/v1/methods/credentialTest.ts): it
// tries every URL the credential resolves to, not only the REST one.

export class SonioxSuiteApi implements ICredentialType {
	name = 'sonioxSuiteApi';

	displayName = 'Soniox Project API';

	icon: Icon = { light: 'file:soniox.svg', dark: 'file:soniox.dark.svg' };

	documentationUrl = 'https://soniox.com/docs/api-reference/authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'A project API key from the Soniox Console (API Keys page)',
		},
		regionProperty(
			'The region of the Soniox project the key belongs to. Keys only work in their own region.',
		),
		baseDomainProperty(
			'Every URL below is derived from this domain unless you fill it in: https://api.{domain}, wss://stt-rt.{domain}/transcribe-websocket, https://tts-rt.{domain}, wss://tts-rt.{domain}/tts-websocket',
		),
		restUrlProperty('Base URL of files, transcriptions, models, keys and usage (without /v1)'),
		{
			displayName: 'Real-Time Speech-to-Text WebSocket URL',
			name: 'sttWebSocketUrl',
			type: 'string',
			default: '',
			placeholder: 'wss://stt-rt.soniox.com/transcribe-websocket',
			displayOptions: customOnly,
		},
		{
			displayName: 'Text-to-Speech REST URL',
			name: 'ttsRestUrl',
			type: 'string',
			default: '',
			placeholder: 'https://tts-rt.soniox.com',
			displayOptions: customOnly,
			description: 'Base URL of the text-to-speech REST API (without /tts)',
		},
		{
			displayName: 'Text-to-Speech WebSocket URL',
			name: 'ttsWebSocketUrl',
			type: 'string',
			default: '',
			placeholder: 'wss://tts-rt.soniox.com/tts-websocket',
			displayOptions: customOnly,
		},
		{
			displayName: 'Webhook Header Name',
			name: 'webhookHeaderName',
			type: 'string',
			default: 'X-Soniox-Webhook-Secret',
			description:
				'The header Soniox sends with its webhook call when a transcription ends (Transcribe → Webhook Authentication)',
		},
		{
			displayName: 'Webhook Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'A long random value Soniox sends in that header, so the receiving workflow knows the call is from Soniox. Leave empty if you use no webhook.',
		},
		requestTimeoutProperty(
			'How long to wait for Soniox to answer one request. Uploads and speech synthesis wait longer when they need to.',
		),
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};
}
