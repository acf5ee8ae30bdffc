import type { IAuthenticateGeneric, Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

import {
	baseDomainProperty,
	regionProperty,
	requestTimeoutProperty,
	restUrlProperty,
} from './regions';

// The Test button runs sonioxOrganizationApiTest (nodes/Soniox/v1/methods/credentialTest.ts).

export class SonioxOrganizationApi implements ICredentialType {
	name = 'sonioxOrganizationApi';

	displayName = 'Soniox Organization API';

	icon: Icon = { light: 'file:soniox.svg', dark: 'file:soniox.dark.svg' };

	documentationUrl = 'https://soniox.com/docs/guides/organization-api';

	properties: INodeProperties[] = [
		{
			displayName: 'Organization API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: 'snx_org_...',
			description:
				'An organization API key (it starts with snx_org_): an organization admin creates one in the Soniox Console under Settings → Organization API keys. A project key cannot call the Organization API.',
		},
		regionProperty('The region of the Soniox organization. Keys only work in their own region.'),
		baseDomainProperty(
			'The REST API URL is derived from this domain unless you fill it in: https://api.{domain}',
		),
		restUrlProperty('Base URL of the Organization API (without /v1/organization)'),
		requestTimeoutProperty('How long to wait for Soniox to answer one request'),
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
