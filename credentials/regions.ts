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
