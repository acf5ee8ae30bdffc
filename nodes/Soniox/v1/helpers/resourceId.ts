import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { checkText } from './parameterValues';

/**
 * The ID of a file, transcription or voice, checked before it becomes part of a URL or a
 * request: a path, query or space in it would reach another resource or nothing.
 */
export function readResourceId(
	context: IExecuteFunctions,
	itemIndex: number,
	field: { name: string; label: string; hint: string },
): string {
	const id = checkText(
		context,
		itemIndex,
		field.label,
		context.getNodeParameter(field.name, itemIndex),
		{
			required: true,
			hint: field.hint,
		},
	).trim();
	if (/[/?#\s]/.test(id)) {
		throw new NodeOperationError(
			context.getNode(),
			`${field.label} of item ${itemIndex} is not an ID: "${id}"`,
			{ itemIndex, description: field.hint },
		);
	}
	return id;
}
