import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { CLIENT_REFERENCE_ID_MAX_LENGTH } from '../helpers/clientReferenceId';
import { checkText, readBoolean, readNumber } from '../helpers/parameterValues';

/** The binary field an operation reads its audio from. */
export const inputBinaryField: INodeProperties = {
	displayName: 'Input Binary Field',
	name: 'binaryPropertyName',
	type: 'string',
	default: 'data',
	required: true,
	hint: 'The name of the binary field that holds the audio',
};

export function readInputBinaryField(context: IExecuteFunctions, itemIndex: number): string {
	return checkText(
		context,
		itemIndex,
		inputBinaryField.displayName,
		context.getNodeParameter(inputBinaryField.name, itemIndex),
		{ required: true, hint: 'Name the binary field that holds the audio, e.g. data.' },
	);
}

const limitField: INodeProperties = {
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 50,
	description: 'Max number of results to return',
	displayOptions: { show: { returnAll: [false] } },
};

const returnAllField: INodeProperties = {
	displayName: 'Return All',
	name: 'returnAll',
	type: 'boolean',
	default: false,
	description: 'Whether to return all results or only up to a given limit',
};

export const returnAllFields: INodeProperties[] = [returnAllField, limitField];

/** The Limit of one item, or undefined with Return All. */
export function readLimit(this: IExecuteFunctions, itemIndex: number): number | undefined {
	if (readBoolean(this, itemIndex, returnAllField)) return undefined;
	return readNumber(this, itemIndex, limitField);
}

export function clientReferenceIdField(billedAs: string): INodeProperties {
	return {
		displayName: 'Client Reference ID',
		name: 'clientReferenceId',
		type: 'string',
		default: '',
		placeholder: 'e.g. customer_42',
		description: `Your own ID for whoever this ${billedAs} is for (an end user, tenant or feature). Soniox copies it onto the usage log entry so cost can be split per customer. Up to ${CLIENT_REFERENCE_ID_MAX_LENGTH} characters; leave empty to send none.`,
	};
}
