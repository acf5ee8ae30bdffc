import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

export type SonioxResource = 'model';

/** One operation: its own fields and how it runs for one input item. */
export interface SonioxOperation {
	description: INodeProperties[];
	execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]>;
}
