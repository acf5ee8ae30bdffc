import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { CLIENT_REFERENCE_ID_MAX_LENGTH } from '../helpers/clientReferenceId';
import { checkNumber } from '../helpers/parameterValues';

export const returnAllFields: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

/** The Limit of one item, or undefined with Return All. */
export function readLimit(this: IExecuteFunctions, itemIndex: number): number | undefined {
	if (this.getNodeParameter('returnAll', itemIndex, false) === true) return undefined;
	return checkNumber(this, itemIndex, 'Limit', this.getNodeParameter('limit', itemIndex), {
		min: 1,
	});
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
