import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ItemOutcome, PreparedItem, SonioxOperation, SonioxResourceModule } from './node.type';
import { resources } from './resources';

const resourceModules: Record<string, SonioxResourceModule> = resources;

/**
 * Runs the chosen operation for every input item: the only place that loops over items, pairs
 * output with input and applies Continue On Fail.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = resourceModules[resource]?.operations[operationName];
	if (!operation) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operationName}" is not known for "${resource}"`,
		);
	}

	const outcomes = await runItems.call(this, operation, items.length);
	const continueOnFail = this.continueOnFail();
	const firstFailure = outcomes.findIndex((outcome) => outcome instanceof Error);
	if (!continueOnFail && firstFailure >= 0) {
		throw toNodeError(this, outcomes[firstFailure], firstFailure);
	}
	const returnData: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const outcome = outcomes[itemIndex] ?? notRun(this, itemIndex);
		if (!(outcome instanceof Error)) {
			for (const result of outcome) returnData.push({ ...result, pairedItem: { item: itemIndex } });
			continue;
		}
		const nodeError = toNodeError(this, outcome, itemIndex);
		if (!continueOnFail) throw nodeError;
		returnData.push({
			json: {
				error: nodeError.message,
				...(nodeError.description ? { details: nodeError.description } : {}),
			},
			pairedItem: { item: itemIndex },
		});
	}
	return [returnData];
}

async function runItems(
	this: IExecuteFunctions,
	operation: SonioxOperation,
	itemCount: number,
): Promise<Array<ItemOutcome | undefined>> {
	const stopOnError = !this.continueOnFail();
	const outcomes: Array<ItemOutcome | undefined> = [];
	const prepared: Array<PreparedItem<unknown>> = [];
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		try {
			if ('prepare' in operation) {
				prepared.push({ itemIndex, prepared: await operation.prepare.call(this, itemIndex) });
			} else {
				outcomes[itemIndex] = await operation.execute.call(this, itemIndex);
			}
		} catch (error) {
			outcomes[itemIndex] = error as Error;
			// Without Continue On Fail the first error ends the run: later items are not sent.
			if (stopOnError) break;
		}
	}
	// Items that share connections are all checked before any is sent.
	const refused = outcomes.some((outcome) => outcome instanceof Error);
	if ('executeShared' in operation && prepared.length > 0 && !(refused && stopOnError)) {
		const results = await operation.executeShared.call(this, prepared, stopOnError);
		results.forEach((result, position) => (outcomes[prepared[position].itemIndex] = result));
	}
	return outcomes;
}

/** An item that shared a connection with one that failed, and was not started because of it. */
function notRun(context: IExecuteFunctions, itemIndex: number) {
	return new NodeOperationError(
		context.getNode(),
		`Item ${itemIndex} was not run because an earlier item failed`,
		{ itemIndex },
	);
}

function toNodeError(
	context: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}
