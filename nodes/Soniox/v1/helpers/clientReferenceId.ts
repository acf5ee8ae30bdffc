import type { IExecuteFunctions } from 'n8n-workflow';

import { checkText } from './parameterValues';

export const CLIENT_REFERENCE_ID_MAX_LENGTH = 256;

/**
 * Reads and checks the Client Reference ID of one item before anything is sent to Soniox.
 * Empty means "send none"; a number counts as its digits; anything else must be text of at
 * most 256 characters.
 */
export function getClientReferenceId(
	this: IExecuteFunctions,
	itemIndex: number,
	parameterName = 'clientReferenceId',
): string | undefined {
	const value = checkText(
		this,
		itemIndex,
		'Client Reference ID',
		this.getNodeParameter(parameterName, itemIndex, ''),
		{
			maxLength: CLIENT_REFERENCE_ID_MAX_LENGTH,
			hint: `Map a single text value of at most ${CLIENT_REFERENCE_ID_MAX_LENGTH} characters, e.g. {{ $json.customerId }}; shorten a longer one, for example to a hash of it.`,
		},
	);
	return value === '' ? undefined : value;
}
