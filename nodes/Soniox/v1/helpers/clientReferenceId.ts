import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions } from 'n8n-workflow';

export const CLIENT_REFERENCE_ID_MAX_LENGTH = 256;

/**
 * Reads and checks the Client Reference ID of one item before anything is sent to Soniox.
 * Empty means "send none"; anything else must be a string of at most 256 characters.
 */
export function getClientReferenceId(
	this: IExecuteFunctions,
	itemIndex: number,
	parameterName = 'clientReferenceId',
): string | undefined {
	const value = this.getNodeParameter(parameterName, itemIndex, '') as unknown;
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'number' || typeof value === 'bigint') return String(value);
	if (typeof value !== 'string') {
		throw new NodeOperationError(
			this.getNode(),
			`Client Reference ID of item ${itemIndex} must be text, not ${Array.isArray(value) ? 'a list' : typeof value}`,
			{ itemIndex, description: 'Map a single text value, e.g. {{ $json.customerId }}.' },
		);
	}
	if (value.length > CLIENT_REFERENCE_ID_MAX_LENGTH) {
		throw new NodeOperationError(
			this.getNode(),
			`Client Reference ID of item ${itemIndex} is ${value.length} characters long; Soniox accepts at most ${CLIENT_REFERENCE_ID_MAX_LENGTH}`,
			{ itemIndex, description: 'Use a shorter ID, for example a hash of the long one.' },
		);
	}
	return value;
}
