import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ItemOutcome, SonioxOperation, SonioxResourceModule } from './node.type';
import { resources } from './resources';

const resourceModules: Record<string, SonioxResourceModule> = resources;

/** Runs the chosen operation once per input item; the only place that handles items and errors. */
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
	const returnData: INodeExecutionData[] = [];
	outcomes.forEach((outcome, itemIndex) => {
		if (!(outcome instanceof Error)) {
			for (const result of outcome) returnData.push({ ...result, pairedItem: { item: itemIndex } });
			return;
		}
		const nodeError = toNodeError(this, outcome, itemIndex);
		if (!this.continueOnFail()) throw nodeError;
		returnData.push({
			json: {
				error: nodeError.message,
				...(nodeError.description ? { details: nodeError.description } : {}),
			},
			pairedItem: { item: itemIndex },
		});
	});
	return [returnData];
}

async function runItems(
	this: IExecuteFunctions,
	operation: SonioxOperation,
	itemCount: number,
): Promise<ItemOutcome[]> {
	const itemIndexes = [...Array(itemCount).keys()];
	if ('executeBatch' in operation) return await operation.executeBatch.call(this, itemIndexes);
	const outcomes: ItemOutcome[] = [];
	for (const itemIndex of itemIndexes) {
		try {
			outcomes.push(await operation.execute.call(this, itemIndex));
		} catch (error) {
			outcomes.push(error as Error);
			// Without continueOnFail the first error ends the run; later items must not be sent.
			if (!this.continueOnFail()) break;
		}
	}
	return outcomes;
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
