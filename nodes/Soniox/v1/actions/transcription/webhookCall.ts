// What every webhook of the package that Soniox calls shares: the secret check, the answer,
// and the node's parameters read as an operation reads them.
import type {
	IDataObject,
	IExecuteFunctions,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { credentialWebhookSecret, webhookSecretStatus } from '../../helpers/webhookSecret';
import { CREDENTIAL_TYPE } from '../../transport';

/** Answers the call with this status and body; n8n starts or resumes nothing. */
export function respond(
	context: IWebhookFunctions,
	status: number,
	body: IDataObject,
): IWebhookResponseData {
	context.getResponseObject().status(status).json(body);
	return { noWebhookResponse: true };
}

/**
 * The refusal of a call that lacks the credential's secret header (401) or has a wrong one
 * (403), or of every call while the credential has no secret (403); undefined for Soniox's.
 */
export async function refuseWithoutSecret(
	context: IWebhookFunctions,
): Promise<IWebhookResponseData | undefined> {
	const secret = credentialWebhookSecret(await context.getCredentials(CREDENTIAL_TYPE));
	if (!secret) {
		return respond(context, 403, {
			error:
				"The Soniox credential has no Webhook Header Name and Webhook Secret: fill them in, and send them with the transcription's webhook",
		});
	}
	const status = webhookSecretStatus(context.getHeaderData(), secret);
	if (status === 200) return undefined;
	return respond(context, status, { error: 'The webhook secret is missing or wrong' });
}

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

/**
 * Soniox failed a read during the call: the answer instead of an error, so that n8n neither
 * fails a waiting execution nor starts anything. Unknown (404: deleted, e.g. by the clean-up of
 * a call that came at the same time and resumed the execution) or Soniox unreachable (502, so
 * that Soniox calls again). Any other error is thrown.
 */
export function answerSonioxFailure(context: IWebhookFunctions, error: unknown) {
	const httpCode = (error as { httpCode?: unknown }).httpCode;
	if (typeof httpCode !== 'string') throw error;
	return respond(context, httpCode === '404' ? 404 : 502, { error: (error as Error).message });
}
