import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

/** What one input item produced: its output items, or the error that stopped it. */
export type ItemOutcome = INodeExecutionData[] | Error;

/**
 * One operation: its own fields and how it runs. Most run item by item (`execute`); an
 * operation that shares one connection across items (real-time speech) runs them all at
 * once (`executeBatch`) and reports one outcome per item, in order.
 */
export type SonioxOperation = { description: INodeProperties[] } & (
	| { execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> }
	| { executeBatch(this: IExecuteFunctions, itemIndexes: number[]): Promise<ItemOutcome[]> }
);

/** What a resource module (actions/<resource>/<Resource>.resource.ts) exports. */
export interface SonioxResourceModule {
	/** The entry in the Resource dropdown. */
	resource: { name: string; value: string; description?: string };
	/** The Operation picker and every operation's fields. */
	description: INodeProperties[];
	operations: Record<string, SonioxOperation>;
}
