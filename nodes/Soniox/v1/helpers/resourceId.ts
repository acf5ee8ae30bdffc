import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { checkText } from './parameterValues';

/** Soniox names files, transcriptions and voices by UUID. */
export const SONIOX_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The ID a resource locator field holds (From List or By ID), checked before it becomes part of
 * a URL or a request: only a UUID, so no path, query or dot segment reaches another resource.
 */
export function readResourceId(
	context: IExecuteFunctions,
	itemIndex: number,
	field: INodeProperties,
): string {
	const label = `${field.displayName} ID`;
	const hint =
		`${field.hint ?? ''} A Soniox ID looks like 84c32fc6-4fb5-4e7a-b656-b5ec70493753.`.trim();
	const value = context.getNodeParameter(field.name, itemIndex, '', { extractValue: true });
	const id = checkText(context, itemIndex, label, value, { required: true, hint }).trim();
	if (!SONIOX_ID.test(id)) {
		throw new NodeOperationError(
			context.getNode(),
			`${label} of item ${itemIndex} is not a Soniox ID: "${id.slice(0, 100)}"`,
			{ itemIndex, description: hint },
		);
	}
	return id.toLowerCase();
}
