import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

import { resolveEndpoints, type SonioxEndpoints } from './endpoints';
import { JsonBodyReader } from './jsonBody';
import {
	networkErrorCode,
	sonioxApiError,
	sonioxCancelledError,
	sonioxInvalidResponseError,
	sonioxNetworkError,
	sonioxRedirectError,
	sonioxWrongKeyError,
} from './errors';
import {
	DEFAULT_RETRY_POLICY,
	isRetriable,
	parseRetryAfter,
	pause,
	retryDelayMs,
	type RetryGate,
	type RetryPolicy,
} from './retry';

export type SonioxContext =
	IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions | IWebhookFunctions;

export const CREDENTIAL_TYPE = 'sonioxSuiteApi';
export const ORGANIZATION_CREDENTIAL_TYPE = 'sonioxOrganizationApi';
export const ORGANIZATION_KEY_PREFIX = 'snx_org_';

const isOrganizationPath = (path: string) =>
	path === '/v1/organization' || path.startsWith('/v1/organization/');

/** The Organization API takes the organization credential; every other endpoint the project one. */
export const credentialTypeFor = (request: Pick<SonioxRequest, 'path'>) =>
	isOrganizationPath(request.path) ? ORGANIZATION_CREDENTIAL_TYPE : CREDENTIAL_TYPE;

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
	/**
	 * Sent even once the execution was stopped: the clean-up of what the stopped execution left
	 * at Soniox (an uploaded file, a transcription). Still bounded by the request timeout.
	 */
	afterStop?: boolean;
	/** 'stream' and 'arraybuffer' return the raw body; by default the body is parsed JSON. */
	encoding?: 'stream' | 'arraybuffer';
	/** For long requests (uploads, synthesis): wait at least this long, whatever the credential says. */
	minTimeoutMs?: number;
	retryPolicy?: RetryPolicy;
	/** Shared with the requests sent together with this one: a 429 holds them all back. */
	retryGate?: RetryGate;
}

export interface SonioxResponse<T> {
	statusCode: number;
	headers: IDataObject;
	body: T;
}

export async function getEndpoints(
	this: SonioxContext,
	credentialType = CREDENTIAL_TYPE,
): Promise<SonioxEndpoints> {
	return resolveEndpoints(await this.getCredentials(credentialType));
}

function describe(request: SonioxRequest) {
	return `calling ${request.method} ${request.path}`;
}

/**
 * A JSON endpoint that answered 2xx with something other than a JSON object: a cut or garbled
 * body, or JSON such as null, a number or a list where every Soniox answer is an object.
 */
function isGarbled(request: SonioxRequest, response: SonioxResponse<unknown>) {
	if (request.encoding || response.statusCode === 204) return false;
	const { body } = response;
	if (body === undefined || body === '') return false;
	return body === null || typeof body !== 'object' || Array.isArray(body);
}

/**
 * The one way this package calls Soniox over HTTP: authenticates through n8n's credential
 * helper, retries what is safe to retry (honouring Retry-After), and turns every failure into
 * an error that names the cause and never carries the API key. Never follows a redirect
 * (Soniox does not redirect, and n8n would resend the API key to wherever one points), bounds
 * each attempt as a whole by its timeout, and ends as soon as the execution is stopped.
 */
export async function sonioxApiResponse<T = IDataObject>(
	this: SonioxContext,
	request: SonioxRequest,
): Promise<SonioxResponse<T>> {
	const credentialType = credentialTypeFor(request);
	const endpoints = await getEndpoints.call(this, credentialType);
	const policy = request.retryPolicy ?? DEFAULT_RETRY_POLICY;
	const idempotent = request.idempotent ?? ['GET', 'DELETE', 'HEAD'].includes(request.method);
	const cancel = request.afterStop ? undefined : executionCancelSignal(this);
	const action = describe(request);
	const timeoutMs = Math.max(request.minTimeoutMs ?? 0, endpoints.requestTimeoutMs);
	const startedAt = Date.now();
	const options: IHttpRequestOptions = {
		method: request.method,
		baseURL: request.service === 'tts' ? endpoints.ttsRestUrl : endpoints.restUrl,
		url: request.path,
		qs: request.qs,
		body: request.body,
		headers: request.encoding
			? request.headers
			: { Accept: 'application/json', ...request.headers },
		// JSON arrives as a stream too, and is read here, so that its size can be bounded.
		encoding: request.encoding ?? 'stream',
		timeout: timeoutMs,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
	};

	for (let attempt = 1; ; attempt++) {
		await request.retryGate?.wait(cancel);
		throwIfCancelled(this, cancel, action);
		const { response, networkCode } = await sendOnce.call(this, options, {
			timeoutMs,
			cancel,
			action,
			mayHaveActed: !idempotent,
			json: request.encoding === undefined,
			credentialType,
		});
		if (response && isRedirect(response.statusCode)) {
			discard(response);
			throw sonioxRedirectError(this.getNode(), response.statusCode, action);
		}

		const garbled =
			response !== undefined && response.statusCode < 300 && isGarbled(request, response);
		if (response && response.statusCode < 300 && !garbled) return response as SonioxResponse<T>;

		const failure = { statusCode: response?.statusCode, network: !response || garbled };
		const retryAfterMs = parseRetryAfter(response?.headers?.['retry-after']);
		const delayMs = retryDelayMs(attempt, retryAfterMs, policy);
		const withinBudget = Date.now() - startedAt + delayMs <= policy.maxTotalMs;
		if (attempt < policy.maxAttempts && withinBudget && isRetriable(failure, idempotent)) {
			discard(response);
			if (failure.statusCode === 429) request.retryGate?.hold(delayMs);
			await pause(delayMs, cancel);
			continue;
		}

		if (!response) {
			throw sonioxNetworkError(this.getNode(), networkCode, action, {
				timeoutMs,
				mayHaveActed: !idempotent,
			});
		}
		if (garbled) {
			throw sonioxApiError(this.getNode(), 502, {
				error_type: 'invalid_response',
				message: `Soniox sent a response that is not a JSON object while ${action}.`,
			});
		}
		const errorBody = await readErrorBody(response);
		const wrongKey = await wrongKeyKind.call(this, credentialType, errorBody);
		if (wrongKey)
			throw sonioxWrongKeyError(this.getNode(), wrongKey, response.statusCode, errorBody);
		throw sonioxApiError(this.getNode(), response.statusCode, errorBody);
	}
}

/**
 * The kind of key a permission_denied answer needs when the credential holds the other kind
 * (told by the organization key's prefix): the two are refused on each other's API.
 */
async function wrongKeyKind(
	this: SonioxContext,
	credentialType: string,
	body: unknown,
): Promise<'organization' | 'project' | undefined> {
	if ((body as { error_type?: unknown } | null)?.error_type !== 'permission_denied')
		return undefined;
	const key = String((await this.getCredentials(credentialType)).apiKey ?? '').trim();
	const organizationKey = key.startsWith(ORGANIZATION_KEY_PREFIX);
	if (credentialType === ORGANIZATION_CREDENTIAL_TYPE && !organizationKey) return 'organization';
	if (credentialType === CREDENTIAL_TYPE && organizationKey) return 'project';
	return undefined;
}

const isRedirect = (statusCode: number) => statusCode >= 300 && statusCode < 400;

/** The execution's Stop signal: absent outside executions (polls, dropdowns) and in old n8n. */
export function executionCancelSignal(context: SonioxContext): AbortSignal | undefined {
	const execution = context as Partial<Pick<IExecuteFunctions, 'getExecutionCancelSignal'>>;
	return typeof execution.getExecutionCancelSignal === 'function'
		? execution.getExecutionCancelSignal()
		: undefined;
}

/** Ends the node with a clear error once the execution has been stopped. */
export function throwIfCancelled(
	context: SonioxContext,
	cancel: AbortSignal | undefined,
	action: string,
	mayHaveActed = false,
) {
	if (cancel?.aborted) throw sonioxCancelledError(context.getNode(), action, mayHaveActed);
}

interface Attempt {
	response?: SonioxResponse<unknown>;
	networkCode?: string;
}

/**
 * One request, aborted when the execution is stopped or when `timeoutMs` has passed since it
 * started. The client's own timeout only measures silence, so a server sending a byte now and
 * then would otherwise hold the request forever. A streamed body stays under the same bound
 * until it has been read.
 */
async function sendOnce(
	this: SonioxContext,
	options: IHttpRequestOptions,
	bounds: {
		timeoutMs: number;
		cancel?: AbortSignal;
		action: string;
		mayHaveActed: boolean;
		/** Read the body as JSON here, under the same bounds, rather than hand back the stream. */
		json: boolean;
		credentialType: string;
	},
): Promise<Attempt> {
	const deadline = AbortSignal.timeout(bounds.timeoutMs);
	const signal = bounds.cancel ? AbortSignal.any([bounds.cancel, deadline]) : deadline;
	let response: SonioxResponse<unknown>;
	try {
		response = (await this.helpers.httpRequestWithAuthentication.call(
			withCancelSignal(this, signal),
			bounds.credentialType,
			{ ...options, abortSignal: signal },
		)) as SonioxResponse<unknown>;
		if (bounds.json) response = { ...response, body: await readJsonBody(response) };
	} catch (error) {
		throwIfCancelled(this, bounds.cancel, bounds.action, bounds.mayHaveActed);
		if (error instanceof BodyTooLarge) {
			throw sonioxInvalidResponseError(
				this.getNode(),
				`Soniox sent an answer larger than ${MAX_JSON_BYTES / 2 ** 20} MB while ${bounds.action}`,
			);
		}
		if (deadline.aborted) return { networkCode: 'ETIMEDOUT' };
		return { networkCode: networkErrorCode(error) ?? 'EUNKNOWN' };
	}
	if (isStream(response.body)) {
		failStreamOnAbort(response.body, deadline, () =>
			sonioxNetworkError(this.getNode(), 'ETIMEDOUT', bounds.action, {
				timeoutMs: bounds.timeoutMs,
			}),
		);
		if (bounds.cancel) {
			failStreamOnAbort(response.body, bounds.cancel, () =>
				sonioxCancelledError(this.getNode(), bounds.action, bounds.mayHaveActed),
			);
		}
	}
	return { response };
}

/**
 * n8n's request helper replaces a request's abortSignal with the execution's cancel signal
 * whenever the calling context has one, which would drop the request's own deadline. The
 * helper is therefore called on a view of the context whose cancel signal includes it.
 */
function withCancelSignal<C extends SonioxContext>(context: C, signal: AbortSignal): C {
	return Object.create(context, {
		getExecutionCancelSignal: { value: () => signal },
	}) as C;
}

interface BodyStream {
	destroy(error?: Error): void;
	once(event: 'close', listener: () => void): void;
	destroyed?: boolean;
}

function isStream(body: unknown): body is BodyStream {
	return (
		typeof (body as BodyStream | undefined)?.destroy === 'function' &&
		typeof (body as BodyStream).once === 'function'
	);
}

/**
 * Ends a streamed body with a clear error when `signal` aborts before it has been read. A
 * signal's own listeners run before those of signals derived from it, so this error reaches
 * the reader before the HTTP client's generic "canceled".
 */
function failStreamOnAbort(body: BodyStream, signal: AbortSignal, error: () => Error) {
	const onAbort = () => {
		if (!body.destroyed) body.destroy(error());
	};
	signal.addEventListener('abort', onAbort, { once: true });
	body.once('close', () => signal.removeEventListener('abort', onAbort));
}

/** A JSON request: the parsed body of a 2xx answer (an empty object for 204). */
export async function sonioxApiRequest(
	this: SonioxContext,
	request: SonioxRequest,
): Promise<IDataObject> {
	const response = await sonioxApiResponse.call(this, request);
	const body = response.body as IDataObject | '' | undefined;
	return body || {};
}

/**
 * The largest JSON answer read: far above any real one (a page of 1,000 usage entries, the
 * transcript of hours of audio, are a few MB), low enough that a runaway body cannot fill
 * n8n's memory.
 */
export const MAX_JSON_BYTES = 64 * 2 ** 20;
/** Of an error body, only the start is read: enough for Soniox's message. */
const MAX_ERROR_BODY_BYTES = 64 * 2 ** 10;

class BodyTooLarge extends Error {}

/**
 * A JSON body, parsed as it arrives. A 2xx body that is not JSON gives INVALID_JSON (isGarbled
 * decides what that means); an error body that is not JSON gives its text, for the message.
 */
async function readJsonBody({ statusCode, body }: SonioxResponse<unknown>): Promise<unknown> {
	if (!isBytes(body)) return body;
	if (statusCode >= 300) {
		const { text, complete } = await readText(body, MAX_JSON_BYTES);
		if (!complete) throw new BodyTooLarge();
		try {
			return JSON.parse(text) as unknown;
		} catch {
			return text.trim() === '' ? '' : text;
		}
	}
	const reader = new JsonBodyReader();
	if (!(await decodeText(body, MAX_JSON_BYTES, (text) => reader.write(text))))
		throw new BodyTooLarge();
	return reader.end();
}

/** Error bodies of streamed or binary requests arrive raw; parse them like JSON ones. */
async function readErrorBody(response: SonioxResponse<unknown>): Promise<unknown> {
	if (!isBytes(response.body)) return response.body;
	const { text } = await readText(response.body, MAX_ERROR_BODY_BYTES);
	try {
		return JSON.parse(text);
	} catch {
		return { message: text.slice(0, 500) };
	}
}

interface Readable {
	[Symbol.asyncIterator](): AsyncIterator<Buffer>;
	destroy?(): void;
}

type Bytes = Buffer | ArrayBuffer | Readable;

function isBytes(body: unknown): body is Bytes {
	return (
		Buffer.isBuffer(body) ||
		body instanceof ArrayBuffer ||
		typeof (body as Readable | undefined)?.[Symbol.asyncIterator] === 'function'
	);
}

/** The body as text, up to `maxBytes` (the rest is not read: the connection is closed). */
async function readText(body: Bytes, maxBytes: number) {
	let text = '';
	const complete = await decodeText(body, maxBytes, (piece) => (text += piece));
	return { text, complete };
}

/**
 * Hands on the body's text piece by piece, as it arrives, up to `maxBytes`; false when there
 * was more (the rest is not read: the connection is closed). A character split across chunks
 * waits for the next.
 */
async function decodeText(
	body: Bytes,
	maxBytes: number,
	onText: (text: string) => void,
): Promise<boolean> {
	const decoder = new TextDecoder('utf-8');
	if (Buffer.isBuffer(body) || body instanceof ArrayBuffer) {
		const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
		onText(decoder.decode(bytes.subarray(0, maxBytes)));
		return bytes.length <= maxBytes;
	}
	let size = 0;
	for await (const chunk of body) {
		const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
		size += bytes.length;
		if (size > maxBytes) {
			onText(decoder.decode(bytes.subarray(0, bytes.length - (size - maxBytes))));
			body.destroy?.();
			return false;
		}
		onText(decoder.decode(bytes, { stream: true }));
		if (bytes === chunk) release(bytes);
	}
	onText(decoder.decode());
	return true;
}

/**
 * Frees a chunk read from the network once it has been decoded, when nothing else can see its
 * memory (it is the whole of it). V8 would keep that memory until its next collection, and
 * with several pages read at once that is tens of MB of read chunks waiting. `transfer`
 * detaches the buffer (Node.js 21 and later; elsewhere V8 frees it later, as before).
 */
function release(chunk: Buffer) {
	const memory = chunk.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };
	if (
		chunk.byteOffset === 0 &&
		chunk.byteLength === memory.byteLength &&
		typeof memory.transfer === 'function'
	) {
		memory.transfer(0);
	}
}

/** A streamed body that is not used is closed, or its socket stays busy. */
function discard(response: SonioxResponse<unknown> | undefined) {
	const body = response?.body as Readable | undefined;
	if (body && typeof body.destroy === 'function') body.destroy();
}

export interface ListPage<T> {
	items: T[];
	nextCursor: string | null;
}

/** Pages in a row that are empty yet point to another page, before the listing is given up. */
export const MAX_EMPTY_PAGES_IN_ROW = 20;

/** The list `key` of one page answered for `path`, or a clear error when it is not a list. */
export function listField<T>(
	context: SonioxContext,
	page: IDataObject,
	key: string,
	path: string,
): T[] {
	const value = page[key];
	if (Array.isArray(value)) return value as T[];
	throw sonioxInvalidResponseError(
		context.getNode(),
		`Soniox's answer to GET ${path} has no "${key}" list (it is ${describeValue(value)})`,
	);
}

function describeValue(value: unknown) {
	if (value === undefined) return 'missing';
	if (value === null) return 'null';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The next page's cursor, or undefined on the last page. */
export function nextCursorOf(context: SonioxContext, page: IDataObject, path: string) {
	const cursor = page.next_page_cursor;
	if (cursor === undefined || cursor === null || cursor === '') return undefined;
	if (typeof cursor === 'string') return cursor;
	throw sonioxInvalidResponseError(
		context.getNode(),
		`Soniox's answer to GET ${path} has a next_page_cursor that is ${describeValue(cursor)}, not a string`,
	);
}

/**
 * Walks a cursor-paginated list (files, transcriptions, voices, usage logs) page by page.
 * Stops after `limit` items when given, or when Soniox returns a null cursor. A cursor seen
 * before, or a long run of empty pages that keep pointing on, would never end: both fail.
 */
export async function* paginate<T = IDataObject>(
	this: SonioxContext,
	path: string,
	listKey: string,
	qs: IDataObject = {},
	limit?: number,
	maxPageSize = 1000,
	shared: Pick<SonioxRequest, 'retryGate'> = {},
): AsyncGenerator<T[]> {
	const seen = new Set<string>();
	let emptyInRow = 0;
	let cursor: string | undefined;
	let remaining = limit ?? Infinity;
	do {
		const pageSize = Math.min(maxPageSize, remaining);
		const page: IDataObject = await sonioxApiRequest.call(this, {
			method: 'GET',
			path,
			qs: { ...qs, limit: pageSize, ...(cursor ? { cursor } : {}) },
			...shared,
		});
		const items = listField<T>(this, page, listKey, path).slice(0, remaining);
		remaining -= items.length;
		yield items;
		cursor = nextCursorOf(this, page, path);
		emptyInRow = items.length === 0 ? emptyInRow + 1 : 0;
		if (cursor && seen.has(cursor)) {
			throw sonioxInvalidResponseError(
				this.getNode(),
				`Soniox returned a page cursor it had returned before while listing ${path}, so the list would never end`,
			);
		}
		if (cursor && emptyInRow >= MAX_EMPTY_PAGES_IN_ROW) {
			throw sonioxInvalidResponseError(
				this.getNode(),
				`Soniox returned ${emptyInRow} empty pages in a row, each pointing to another, while listing ${path}`,
			);
		}
		if (cursor) seen.add(cursor);
	} while (cursor && remaining > 0);
}

export async function listItems(
	this: SonioxContext,
	path: string,
	listKey: string,
	qs: IDataObject,
	limit?: number,
	maxPageSize?: number,
): Promise<IDataObject[]> {
	const all: IDataObject[] = [];
	for await (const page of paginate.call(this, path, listKey, qs, limit, maxPageSize)) {
		all.push(...(page as IDataObject[]));
	}
	return all;
}
