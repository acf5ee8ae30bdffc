import type { IDataObject, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

/**
 * A webhook's parameters read as an operation reads them (n8n evaluates a webhook's parameters
 * against the first input item), so the field readers of the operations serve webhooks too.
 */
export function firstItemParameters(context: IWebhookFunctions): IExecuteFunctions {
	return Object.create(context, {
		getNodeParameter: {
			value: (name: string, _itemIndex: number, fallback?: unknown, options?: IDataObject) =>
				context.getNodeParameter(name, fallback, options),
		},
	}) as IExecuteFunctions;
}
