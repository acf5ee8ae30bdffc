import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

/** What one input item produced: its output items, or the error that stopped it. */
export type ItemOutcome = INodeExecutionData[] | Error;

/** An operation that runs item by item: the router calls `execute` once per input item. */
export interface ItemOperation {
	description: INodeProperties[];
	execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]>;
}

/** One item, read and checked by `prepare`, waiting to be sent. */
export interface PreparedItem<Prepared> {
	itemIndex: number;
	prepared: Prepared;
}

/**
 * An operation whose items share connections (real-time speech). The router reads every item
 * with `prepare` (nothing is sent yet) and hands the ones that passed to `executeShared`, which
 * returns one outcome per prepared item, in order. With `stopOnError` (no Continue On Fail),
 * the router hands over only the items before the first failed one, and `executeShared`
 * starts nothing after a failure: such items get `undefined`.
 */
export interface SharedConnectionOperation<Prepared = unknown> {
	description: INodeProperties[];
	prepare(this: IExecuteFunctions, itemIndex: number): Promise<Prepared>;
	executeShared(
		this: IExecuteFunctions,
		items: Array<PreparedItem<Prepared>>,
		stopOnError: boolean,
	): Promise<Array<ItemOutcome | undefined>>;
}

export type SonioxOperation = ItemOperation | SharedConnectionOperation;

/** What a resource module (actions/<resource>/<Resource>.resource.ts) exports. */
export interface SonioxResourceModule {
	/** The entry in the Resource dropdown. */
	resource: { name: string; value: string; description?: string };
	/** The Operation picker and every operation's fields. */
	description: INodeProperties[];
	operations: Record<string, SonioxOperation>;
}
