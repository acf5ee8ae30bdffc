import type { INodeProperties } from 'n8n-workflow';

import { resources } from './resources';

const resourceModules = Object.values(resources);

/** The Resource picker, then each resource's Operation picker and fields. */
export const versionProperties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: resourceModules.map((module) => module.resource),
		default: 'transcription',
	},
	...resourceModules.flatMap((module) => module.description),
];

/**
 * The canvas subtitle: the chosen operation's action in words ("Transcribe audio"), looked up
 * from the operation pickers above rather than the raw values ("transcribe: transcription").
 */
function subtitleExpression(): string {
	const actions: Record<string, string> = {};
	for (const property of versionProperties) {
		const [resource] = (property.displayOptions?.show?.resource ?? []) as string[];
		if (property.name !== 'operation' || !resource) continue;
		for (const option of property.options ?? []) {
			if ('action' in option && option.action)
				actions[`${resource}.${String(option.value)}`] = option.action;
		}
	}
	return `={{ ${JSON.stringify(actions)}[$parameter["resource"] + "." + $parameter["operation"]] ?? "" }}`;
}

export const versionSubtitle = subtitleExpression();
