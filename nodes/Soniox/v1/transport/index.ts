import { sleep } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
} from 'n8n-workflow';

import { resolveEndpoints, type SonioxEndpoints } from './endpoints';
import { networkErrorCode, sonioxApiError, sonioxNetworkError } from './errors';
import {
	DEFAULT_RETRY_POLICY,
	isRetriable,
	parseRetryAfter,
	retryDelayMs,
	type RetryPolicy,
} from './retry';

export type SonioxContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

export const CREDENTIAL_TYPE = 'sonioxSuiteApi';

export interface SonioxRequest {
	method: IHttpRequestMethods;
	/** Path below the service's base URL, e.g. /v1/files or /tts. */
	path: string;
	/** 'rest' = api.{domain}; 'tts' = tts-rt.{domain}. */
	service?: 'rest' | 'tts';
	qs?: IDataObject;
	body?: IHttpRequestOptions['body'];
	headers?: IDataObject;
	/** May the request be repeated after a failure the server may have acted on? Default: GET/DELETE. */
	idempotent?: boolean;
	/** 'stream' and 'arraybuffer' return the raw body; by default the body is parsed JSON. */
	encoding?: 'stream' | 'arraybuffer';
	/** For long requests (uploads, synthesis): wait at least this long, whatever the credential says. */
	minTimeoutMs?: number;
	retryPolicy?: RetryPolicy;
	/**
	 * For large streamed bodies: no redirects. Following them makes the HTTP client keep a
	 * copy of the whole body in memory to replay it, which defeats streaming.
	 */
	noRedirects?: boolean;
}

export interface SonioxResponse<T> {
	statusCode: number;
	headers: IDataObject;
	body: T;
}

export async function getEndpoints(this: SonioxContext): Promise<SonioxEndpoints> {
	return resolveEndpoints(await this.getCredentials(CREDENTIAL_TYPE));
}

function describe(request: SonioxRequest) {
	return `calling ${request.method} ${request.path}`;
}

/** A JSON endpoint that answered 2xx with something that is not JSON (a cut or garbled body). */
function isGarbled(request: SonioxRequest, response: SonioxResponse<unknown>) {
	if (request.encoding || response.statusCode === 204) return false;
	return typeof response.body === 'string' && response.body.trim() !== '';
}

/**
 * The one way this package calls Soniox over HTTP: authenticates through n8n's credential
 * helper, retries what is safe to retry (honouring Retry-After), and turns every failure into
 * an error that names the cause and never carries the API key.
 */
export async function sonioxApiResponse<T = IDataObject>(
	this: SonioxContext,
	request: SonioxRequest,
): Promise<SonioxResponse<T>> {
	const endpoints = await getEndpoints.call(this);
	const policy = request.retryPolicy ?? DEFAULT_RETRY_POLICY;
	const idempotent = request.idempotent ?? ['GET', 'DELETE', 'HEAD'].includes(request.method);
	const startedAt = Date.now();
	const options: IHttpRequestOptions = {
		method: request.method,
		baseURL: request.service === 'tts' ? endpoints.ttsRestUrl : endpoints.restUrl,
		url: request.path,
		qs: request.qs,
		body: request.body,
		headers: request.headers,
		json: request.encoding === undefined,
		encoding: request.encoding,
		timeout: Math.max(request.minTimeoutMs ?? 0, endpoints.requestTimeoutMs),
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		...(request.noRedirects ? { disableFollowRedirect: true } : {}),
	};

	for (let attempt = 1; ; attempt++) {
		let response: SonioxResponse<T> | undefined;
		let networkCode: string | undefined;
		try {
			response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, {
				...options,
			})) as SonioxResponse<T>;
		} catch (error) {
			networkCode = networkErrorCode(error) ?? 'EUNKNOWN';
		}

		const garbled =
			response !== undefined && response.statusCode < 300 && isGarbled(request, response);
		if (response && response.statusCode < 300 && !garbled) return response;

		const failure = { statusCode: response?.statusCode, network: !response || garbled };
		const retryAfterMs = parseRetryAfter(response?.headers?.['retry-after']);
		const delayMs = retryDelayMs(attempt, retryAfterMs, policy);
		const withinBudget = Date.now() - startedAt + delayMs <= policy.maxTotalMs;
		if (attempt < policy.maxAttempts && withinBudget && isRetriable(failure, idempotent)) {
			await drain(response);
			await sleep(delayMs);
			continue;
		}

		if (!response) {
			throw sonioxNetworkError(this.getNode(), networkCode, describe(request), {
				timeoutMs: options.timeout,
				mayHaveActed: !idempotent,
			});
		}
		if (garbled) {
			throw sonioxApiError(this.getNode(), 502, {
				error_type: 'invalid_response',
				message: `Soniox sent a response that is not valid JSON while ${describe(request)}.`,
			});
		}
		throw sonioxApiError(this.getNode(), response.statusCode, await readErrorBody(response));
	}
}

/** A JSON request: the parsed body of a 2xx answer (an empty object for 204). */
export async function sonioxApiRequest(
	this: SonioxContext,
	request: SonioxRequest,
): Promise<IDataObject> {
	const response = await sonioxApiResponse.call(this, request);
	return (response.body as IDataObject | undefined) ?? {};
}

/** Error bodies of streamed or binary requests arrive raw; parse them like JSON ones. */
async function readErrorBody(response: SonioxResponse<unknown>): Promise<unknown> {
	const raw = await readRaw(response.body);
	if (typeof raw !== 'string') return raw;
	try {
		return JSON.parse(raw);
	} catch {
		return { message: raw.slice(0, 500) };
	}
}

async function readRaw(body: unknown): Promise<unknown> {
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	if (body instanceof ArrayBuffer) return Buffer.from(body).toString('utf8');
	if (body && typeof (body as AsyncIterable<Buffer>)[Symbol.asyncIterator] === 'function') {
		const chunks: Buffer[] = [];
		for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
		return Buffer.concat(chunks).toString('utf8');
	}
	return body;
}

/** A streamed body that is not used must still be read, or its socket stays busy. */
async function drain(response: SonioxResponse<unknown> | undefined) {
	if (response) await readRaw(response.body);
}

export interface ListPage<T> {
	items: T[];
	nextCursor: string | null;
}

/**
 * Walks a cursor-paginated list (files, transcriptions, voices, usage logs) page by page.
 * Stops after `limit` items when given, or when Soniox returns a null cursor.
 */
export async function* paginate<T = IDataObject>(
	this: SonioxContext,
	path: string,
	listKey: string,
	qs: IDataObject = {},
	limit?: number,
): AsyncGenerator<T[]> {
	let cursor: string | undefined;
	let remaining = limit ?? Infinity;
	do {
		const pageSize = Math.min(1000, remaining);
		const page: IDataObject = await sonioxApiRequest.call(this, {
			method: 'GET',
			path,
			qs: { ...qs, limit: pageSize, ...(cursor ? { cursor } : {}) },
		});
		const items = ((page[listKey] as T[] | undefined) ?? []).slice(0, remaining);
		remaining -= items.length;
		yield items;
		cursor = (page.next_page_cursor as string | null | undefined) ?? undefined;
	} while (cursor && remaining > 0);
}

export async function listItems(
	this: SonioxContext,
	path: string,
	listKey: string,
	qs: IDataObject,
	limit?: number,
): Promise<IDataObject[]> {
	const all: IDataObject[] = [];
	for await (const page of paginate.call(this, path, listKey, qs, limit)) {
		all.push(...(page as IDataObject[]));
	}
	return all;
}
