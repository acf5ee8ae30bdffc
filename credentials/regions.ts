import type { INodeProperties } from 'n8n-workflow';

// Soniox's regions: the credential's Region list, its test request and the node's URLs all
// derive from this one table. A key works only in the region of its project.
export const SONIOX_REGIONS = [
	{ name: 'United States', value: 'us', domain: 'soniox.com' },
	{ name: 'European Union', value: 'eu', domain: 'eu.soniox.com' },
	{ name: 'Japan', value: 'jp', domain: 'jp.soniox.com' },
	{ name: 'India', value: 'in', domain: 'in.soniox.com' },
] as const;

export const REGION_DOMAINS: Record<string, string> = Object.fromEntries(
	SONIOX_REGIONS.map(({ value, domain }) => [value, domain]),
);

/** The Region picker both credentials share: each Soniox region, or a custom deployment. */
export const regionProperty = (description: string): INodeProperties => ({
	displayName: 'Region',
	name: 'region',
	type: 'options',
	options: [
		...SONIOX_REGIONS.map(({ name, value, domain }) => ({ name, value, description: domain })),
		{ name: 'Custom', value: 'custom', description: 'A proxy or another deployment' },
	],
	default: 'us',
	description,
});

export const customOnly = { show: { region: ['custom'] } };

export const baseDomainProperty = (description: string): INodeProperties => ({
	displayName: 'Base Domain',
	name: 'baseDomain',
	type: 'string',
	default: 'soniox.com',
	placeholder: 'soniox.com',
	displayOptions: customOnly,
	description,
});

export const restUrlProperty = (description: string): INodeProperties => ({
	displayName: 'REST API URL',
	name: 'restUrl',
	type: 'string',
	default: '',
	placeholder: 'https://api.soniox.com',
	displayOptions: customOnly,
	description,
});

export const requestTimeoutProperty = (description: string): INodeProperties => ({
	displayName: 'Request Timeout (Seconds)',
	name: 'requestTimeoutSeconds',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 600 },
	default: 60,
	description,
});
