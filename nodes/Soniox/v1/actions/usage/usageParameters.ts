// What the usage operations (one item each) and the Soniox Trigger (no item) share beyond the
// field checks of helpers/parameterValues.ts.
import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INode, IPollFunctions } from 'n8n-workflow';

import { MalformedUsageEntryError } from '../../helpers/usageLogEntry';

export type UsageContext = IExecuteFunctions | IPollFunctions;

/** A malformed usage entry from Soniox as a node error naming the entry and the field. */
export function usageEntryFailure(node: INode, error: unknown, itemIndex?: number): unknown {
	if (!(error instanceof MalformedUsageEntryError)) return error;
	return new NodeOperationError(node, error.message, {
		itemIndex,
		description:
			'Soniox returned a usage-log entry this node cannot count, so no total was produced (a total without it would be wrong). Check the entry in the Soniox Console, or contact Soniox support with its uuid.',
	});
}
