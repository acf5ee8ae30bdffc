// The credential's Test button: every URL the user configured, with the key, each failure said
// in words (which URL, and what is wrong with it) rather than as a raw network code.
import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { ORGANIZATION_KEY_PREFIX } from '../transport';
import { resolveEndpoints } from '../transport/endpoints';
import { probeWebSocket } from '../transport/realtime/socket';

const TIMEOUT_MS = 15_000;

type Check = { problem: string } | { status: number };

/** What went wrong reaching a URL, in words. */
function unreachable(error: unknown, url: string): string {
	let current = error as { code?: unknown; cause?: unknown } | undefined;
	let code = '';
	for (let depth = 0; current && depth < 5 && !code; depth++) {
		if (typeof current.code === 'string') code = current.code;
		current = current.cause as typeof current;
	}
	const host = new URL(url).host;
	if (code === 'ECONNREFUSED') return `refuses connections: nothing is listening at ${host}`;
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
		return `names a host that cannot be found (${host})`;
	if (['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT'].includes(code)) {
		return `did not answer within ${TIMEOUT_MS / 1000} seconds`;
	}
	if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
		return `has a TLS certificate that is not trusted (${code})`;
	}
	return `could not be reached${code ? ` (${code})` : ''}`;
}

function notAUrl(url: string, schemes: string[]): string | undefined {
	try {
		const parsed = new URL(url);
		if (!schemes.includes(parsed.protocol)) {
			return `must start with ${schemes.map((scheme) => `${scheme}//`).join(' or ')}, not "${url}"`;
		}
	} catch {
		return `is not a URL: "${url}"`;
	}
	return undefined;
}

async function status(
	context: ICredentialTestFunctions,
	method: 'GET' | 'POST',
	url: string,
	apiKey: string,
): Promise<Check> {
	try {
		const response = (await context.helpers.request({
			method,
			uri: url,
			headers: { Authorization: `Bearer ${apiKey}` },
			...(method === 'POST' ? { body: {} } : {}),
			json: true,
			resolveWithFullResponse: true,
			simple: false,
			followRedirect: false,
			followAllRedirects: false,
			timeout: TIMEOUT_MS,
		})) as { statusCode: number };
		return { status: response.statusCode };
	} catch (error) {
		return { problem: unreachable(error, url) };
	}
}

const fail = (message: string): INodeCredentialTestResult => ({ status: 'Error', message });

export async function sonioxSuiteApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const apiKey = String(data.apiKey ?? '');
	if (apiKey.trim() === '')
		return fail('API Key is empty: copy a project key from the Soniox Console.');
	const urls = resolveEndpoints(data);
	const where =
		data.region === 'custom'
			? 'the credential'
			: `the ${String(data.region ?? 'us').toUpperCase()} region`;
	const checked = [
		['REST API URL', urls.restUrl, ['https:', 'http:']],
		['Text-to-Speech REST URL', urls.ttsRestUrl, ['https:', 'http:']],
		['Real-Time Speech-to-Text WebSocket URL', urls.sttWebSocketUrl, ['wss:', 'ws:']],
		['Text-to-Speech WebSocket URL', urls.ttsWebSocketUrl, ['wss:', 'ws:']],
	] as const;
	for (const [label, url, schemes] of checked) {
		const problem = notAUrl(url, [...schemes]);
		if (problem) return fail(`The ${label} ${problem}.`);
	}

	const rest = await status(this, 'GET', `${urls.restUrl}/v1/models`, apiKey);
	if ('problem' in rest) return fail(`The REST API URL ${urls.restUrl} ${rest.problem}.`);
	if (rest.status === 401) {
		return fail(
			`Soniox rejected the API key. Copy the whole key from the Soniox Console, and check that its project is in ${where}.`,
		);
	}
	if (rest.status === 403) {
		return fail('The API key works but may not read models. Give it access in the Soniox Console.');
	}
	if (rest.status >= 300 && rest.status < 400) {
		return fail(
			`The REST API URL ${urls.restUrl} redirects elsewhere, and Soniox does not: check the URL.`,
		);
	}
	if (rest.status !== 200) {
		return fail(
			`The REST API URL ${urls.restUrl} answered HTTP ${rest.status}, not Soniox's model list: check the URL.`,
		);
	}

	// An empty request: Soniox refuses it as invalid (nothing is synthesized or billed), which
	// shows that the URL is Soniox's text-to-speech API and that it takes the key.
	const tts = await status(this, 'POST', `${urls.ttsRestUrl}/tts`, apiKey);
	if ('problem' in tts)
		return fail(`The Text-to-Speech REST URL ${urls.ttsRestUrl} ${tts.problem}.`);
	if (tts.status === 401 || tts.status === 403) {
		return fail(
			`Soniox's text-to-speech API at ${urls.ttsRestUrl} rejected the API key: check that the key's project is in ${where}.`,
		);
	}
	if (tts.status !== 400 && tts.status !== 422) {
		return fail(
			`The Text-to-Speech REST URL ${urls.ttsRestUrl} answered HTTP ${tts.status}, not as Soniox's text-to-speech API does: check the URL.`,
		);
	}

	for (const [label, url] of [
		['Real-Time Speech-to-Text WebSocket URL', urls.sttWebSocketUrl],
		['Text-to-Speech WebSocket URL', urls.ttsWebSocketUrl],
	]) {
		const problem = await probeWebSocket(url, apiKey, TIMEOUT_MS);
		if (problem) return fail(`The ${label} ${url} ${problem}.`);
	}
	return {
		status: 'OK',
		message: 'Connection successful: the key works, and all four Soniox URLs answer.',
	};
}

/** The organization credential's Test: the key on the Organization API, a project key named as such. */
export async function sonioxOrganizationApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const apiKey = String(data.apiKey ?? '').trim();
	if (apiKey === '') {
		return fail(
			'Organization API Key is empty: an organization admin creates one in the Soniox Console under Settings → Organization API keys.',
		);
	}
	const { restUrl } = resolveEndpoints(data);
	const problem = notAUrl(restUrl, ['https:', 'http:']);
	if (problem) return fail(`The REST API URL ${problem}.`);
	const where =
		data.region === 'custom'
			? 'the credential'
			: `the ${String(data.region ?? 'us').toUpperCase()} region`;

	const answer = await status(this, 'GET', `${restUrl}/v1/organization`, apiKey);
	if ('problem' in answer) return fail(`The REST API URL ${restUrl} ${answer.problem}.`);
	if (answer.status === 401) {
		return fail(
			`Soniox rejected the key. Copy the whole organization key from the Soniox Console, and check that the organization is in ${where}.`,
		);
	}
	if (answer.status === 403) {
		return fail(
			apiKey.startsWith(ORGANIZATION_KEY_PREFIX)
				? 'The organization key works but may not read the organization. Give it access in the Soniox Console under Settings → Organization API keys.'
				: 'This is a project API key, and the Organization API needs an organization API key (snx_org_…): an organization admin creates one in the Soniox Console under Settings → Organization API keys.',
		);
	}
	if (answer.status >= 300 && answer.status < 400) {
		return fail(
			`The REST API URL ${restUrl} redirects elsewhere, and Soniox does not: check the URL.`,
		);
	}
	if (answer.status !== 200) {
		return fail(
			`The REST API URL ${restUrl} answered HTTP ${answer.status}, not Soniox's organization profile: check the URL.`,
		);
	}
	return { status: 'OK', message: 'Connection successful: the organization key works.' };
}
