import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

/** REST errors carry status_code/message; TTS errors carry error_code/error_message. */
export interface SonioxErrorBody {
	status_code?: number;
	error_code?: number;
	error_type?: string;
	message?: string;
	error_message?: string;
	request_id?: string;
	validation_errors?: Array<{ error_type?: string; location?: string; message?: string }>;
}

const BILLING_HINT =
	'Add funds or raise the budget in the Soniox Console (Billing), then run the workflow again.';

const HINTS: Record<string, string> = {
	unauthenticated:
		'Check the API key in the Soniox credential, and that its region matches the project the key belongs to.',
	permission_denied:
		'The API key lacks the permission this call needs. Grant it in the Soniox Console under API Keys.',
	invalid_request: 'Correct the field named above and run again.',
	invalid_cursor: 'The page cursor expired or belongs to another query. Start the listing again.',
	limit_exceeded:
		'A Soniox rate or quota limit was reached. Wait a minute, reduce parallel runs, or raise the limit in the Soniox Console.',
	organization_balance_exhausted: BILLING_HINT,
	organization_monthly_budget_exhausted: BILLING_HINT,
	project_monthly_budget_exhausted: BILLING_HINT,
	file_not_found: 'Check the file ID: the file may have been deleted or belong to another project.',
	transcription_not_found:
		'Check the transcription ID: it may have been deleted or belong to another project.',
	transcription_invalid_state:
		'The transcription is not in a state that allows this yet. Wait until its status is completed or error.',
	model_not_available: 'Choose a model from the list: Soniox retires old model names.',
	temp_api_key_session_expired: 'Create a new temporary API key and start a new session.',
	internal_error: 'Soniox had a server error. Run again; if it persists, contact Soniox support.',
	service_unavailable: 'Soniox is temporarily unavailable. Run again in a moment.',
};

const BUDGET_TITLE = 'The Soniox balance or budget is used up';

/** What each error type means, in words, for the error's title (the type itself is in its details). */
const TITLES: Record<string, string> = {
	unauthenticated: 'Soniox did not accept the API key',
	permission_denied: 'The API key may not do this',
	invalid_request: 'Soniox refused the request',
	invalid_cursor: 'The page cursor is no longer valid',
	limit_exceeded: 'A Soniox limit was reached',
	organization_balance_exhausted: BUDGET_TITLE,
	organization_monthly_budget_exhausted: BUDGET_TITLE,
	project_monthly_budget_exhausted: BUDGET_TITLE,
	file_not_found: 'Soniox has no such file',
	transcription_not_found: 'Soniox has no such transcription',
	transcription_invalid_state: 'The transcription is not ready for this',
	model_not_available: 'Soniox does not offer this model',
	temp_api_key_session_expired: 'The temporary key can start no more sessions',
	internal_error: 'Soniox had a server error',
	service_unavailable: 'Soniox is temporarily unavailable',
	invalid_response: 'Soniox sent an answer this node cannot read',
};

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

function describeValidation(body: SonioxErrorBody): string {
	const list: unknown[] = Array.isArray(body.validation_errors) ? body.validation_errors : [];
	const problems = list.map((entry) => {
		const problem = (entry && typeof entry === 'object' ? entry : {}) as Record<string, unknown>;
		return `${text(problem.location) ?? 'request'}: ${text(problem.message) ?? text(problem.error_type) ?? ''}`;
	});
	return problems.length > 0 ? `Problems: ${problems.join('; ')}. ` : '';
}

/** Whatever an error answer held (an object, text, null, a list), as Soniox's error fields. */
function asErrorBody(body: unknown): SonioxErrorBody {
	if (body && typeof body === 'object' && !Array.isArray(body)) return body as SonioxErrorBody;
	return typeof body === 'string' && body.trim() !== '' ? { message: body.slice(0, 500) } : {};
}

/** Turns a Soniox error response into an n8n error that says what happened and what to do. */
export function sonioxApiError(node: INode, statusCode: number, body: unknown): NodeApiError {
	const error = asErrorBody(body);
	const errorType = text(error.error_type) ?? (statusCode >= 500 ? 'internal_error' : 'http_error');
	const message =
		text(error.message) ?? text(error.error_message) ?? `Soniox answered with HTTP ${statusCode}`;
	const hint = Object.hasOwn(HINTS, errorType) ? HINTS[errorType] : '';
	const title = Object.hasOwn(TITLES, errorType) ? TITLES[errorType] : 'Soniox returned an error';
	const requestId = text(error.request_id) ? ` Request ID: ${error.request_id}.` : '';
	return new NodeApiError(node, { ...error, error_type: errorType } as JsonObject, {
		httpCode: String(statusCode),
		message: `${title}: ${message}`,
		description:
			`${describeValidation(error)}${hint} Soniox error type: ${errorType}.${requestId}`.trim(),
	});
}

const NEEDED_KEY = {
	organization: {
		key: 'a Soniox organization API key (snx_org_…)',
		given: 'a project API key',
		fix: 'In the Soniox Console an organization admin creates one under Settings → Organization API keys; enter it in a "Soniox Organization API" credential.',
	},
	project: {
		key: 'a Soniox project API key',
		given: 'an organization API key (snx_org_…)',
		fix: 'Copy a key from the API Keys page of the project in the Soniox Console into the "Soniox Project API" credential; organization keys belong in a "Soniox Organization API" credential.',
	},
};

/** Soniox refused the key because it is of the other kind (project vs organization). */
export function sonioxWrongKeyError(
	node: INode,
	needed: keyof typeof NEEDED_KEY,
	statusCode: number,
	body: unknown,
): NodeApiError {
	const { key, given, fix } = NEEDED_KEY[needed];
	const error = asErrorBody(body);
	const requestId = text(error.request_id) ? ` Request ID: ${error.request_id}.` : '';
	return new NodeApiError(node, { ...error, error_type: 'permission_denied' } as JsonObject, {
		httpCode: String(statusCode),
		message: `This needs ${key}, and the credential holds ${given}`,
		description: `${fix} Soniox error type: permission_denied.${requestId}`,
	});
}

const NETWORK_MESSAGES: Record<string, string> = {
	ECONNRESET: 'The connection to Soniox was reset before the response was complete.',
	ECONNREFUSED: 'Soniox refused the connection. Check the URLs in the credential.',
	ENOTFOUND:
		'The Soniox host name could not be resolved. Check the region or URLs in the credential.',
	ECONNABORTED: 'Soniox did not answer in time.',
	ETIMEDOUT: 'Soniox did not answer in time.',
	EPIPE: 'The connection to Soniox closed while sending the request.',
};

/** The system error code (ECONNRESET, ...) inside whatever n8n and axios wrapped around it. */
export function networkErrorCode(error: unknown): string | undefined {
	let current = error as { code?: unknown; cause?: unknown } | undefined;
	for (let depth = 0; current && depth < 5; depth++) {
		if (typeof current.code === 'string' && /^E[A-Z]+$/.test(current.code)) return current.code;
		current = current.cause as typeof current;
	}
	return undefined;
}

const TIMEOUT_CODES = ['ECONNABORTED', 'ETIMEDOUT'];

/** A transport failure, described without the request (its headers hold the API key). */
export function sonioxNetworkError(
	node: INode,
	code: string | undefined,
	action: string,
	context: { timeoutMs?: number; mayHaveActed?: boolean } = {},
): NodeApiError {
	const timedOut = code !== undefined && TIMEOUT_CODES.includes(code);
	const reason =
		timedOut && context.timeoutMs
			? `Soniox did not answer within ${Math.round(context.timeoutMs / 1000)} seconds.`
			: ((code && NETWORK_MESSAGES[code]) ?? 'The request to Soniox failed.');
	const advice = [
		code ? `Network error ${code}.` : '',
		timedOut ? 'Raise "Request Timeout" in the Soniox credential if answers are slow.' : '',
		context.mayHaveActed
			? 'Soniox may have carried out the request before the connection failed, so it was not sent again: check (for example with Get Many) before running it again.'
			: '',
	];
	return new NodeApiError(node, { network_error: code ?? 'unknown' } as JsonObject, {
		message: `Soniox request failed while ${action}: ${reason}`,
		description: advice.filter(Boolean).join(' ') || undefined,
	});
}

/**
 * A 3xx. Soniox never redirects, so one means the credential points somewhere else (a
 * proxy, a captive portal, a typo): following it would hand the API key to that other host.
 */
export function sonioxRedirectError(node: INode, statusCode: number, action: string) {
	return new NodeApiError(node, { redirect_status: statusCode } as JsonObject, {
		httpCode: String(statusCode),
		message: `Soniox request was redirected while ${action} (HTTP ${statusCode}), and Soniox does not redirect: the redirect was not followed and the API key was not sent on`,
		description:
			'Check the Region and the URLs in the Soniox credential: they must point straight at Soniox (or at a proxy that forwards without redirecting).',
	});
}

/** A 2xx whose body breaks the API's shape (not an object, a list that is not a list, ...). */
export function sonioxInvalidResponseError(node: INode, message: string) {
	return new NodeApiError(node, { error_type: 'invalid_response' } as JsonObject, {
		httpCode: '502',
		message: `${TITLES.invalid_response}: ${message}.`,
		description:
			'Soniox or a proxy in between sent an answer this node cannot use. Run again; if it persists, check the URLs in the Soniox credential. Soniox error type: invalid_response.',
	});
}

/** The execution was stopped: the node ends at once and sends nothing more. */
export function sonioxCancelledError(node: INode, action: string, mayHaveActed = false) {
	return new NodeOperationError(node, `The execution was stopped while ${action}`, {
		description: mayHaveActed
			? 'Soniox may have carried out the request before it was stopped: check (for example with Get Many) before running it again.'
			: 'Nothing more was sent to Soniox.',
	});
}
