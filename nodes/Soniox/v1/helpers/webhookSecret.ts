import type { ICredentialDataDecryptedObject, IWebhookFunctions } from 'n8n-workflow';

type Headers = ReturnType<IWebhookFunctions['getHeaderData']>;

export interface WebhookSecret {
	headerName: string;
	value: string;
}

/** The credential's Webhook Header Name and Webhook Secret, or undefined when either is empty. */
export function credentialWebhookSecret(
	credentials: ICredentialDataDecryptedObject,
): WebhookSecret | undefined {
	const headerName =
		typeof credentials.webhookHeaderName === 'string' ? credentials.webhookHeaderName.trim() : '';
	const value = typeof credentials.webhookSecret === 'string' ? credentials.webhookSecret : '';
	return headerName && value ? { headerName, value } : undefined;
}

/** Compares every character, so the time taken does not tell a caller how much it got right. */
function sameText(a: string, b: string): boolean {
	let difference = a.length ^ b.length;
	for (let index = 0; index < Math.max(a.length, b.length); index++) {
		difference |= (a.charCodeAt(index) || 0) ^ (b.charCodeAt(index) || 0);
	}
	return difference === 0;
}

/** How a webhook call's secret header compares with the secret: 401 missing, 403 wrong. */
export function webhookSecretStatus(headers: Headers, secret: WebhookSecret): 200 | 401 | 403 {
	const sent = headers[secret.headerName.toLowerCase()];
	if (sent === undefined || sent === '') return 401;
	return typeof sent === 'string' && sameText(sent, secret.value) ? 200 : 403;
}
