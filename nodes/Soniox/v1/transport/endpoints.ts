import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { REGION_DOMAINS } from '../../../../credentials/regions';

export interface SonioxEndpoints {
	/** Files, transcriptions, models, keys, usage: paths start with /v1. */
	restUrl: string;
	sttWebSocketUrl: string;
	/** Text-to-speech REST: POST {ttsRestUrl}/tts. */
	ttsRestUrl: string;
	ttsWebSocketUrl: string;
	/** How long one ordinary request may take. */
	requestTimeoutMs: number;
}

const DEFAULT_REQUEST_TIMEOUT_SECONDS = 60;

const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, '');

/** Every Soniox host derives from one base domain; a custom credential may override each URL. */
export function resolveEndpoints(credentials: ICredentialDataDecryptedObject): SonioxEndpoints {
	const region = String(credentials.region ?? 'us');
	const custom = region === 'custom';
	const domain = custom
		? String(credentials.baseDomain || 'soniox.com').trim()
		: (REGION_DOMAINS[region] ?? REGION_DOMAINS.us);
	const override = (name: string) => (custom ? String(credentials[name] ?? '').trim() : '');
	return {
		restUrl: withoutTrailingSlash(override('restUrl') || `https://api.${domain}`),
		sttWebSocketUrl: override('sttWebSocketUrl') || `wss://stt-rt.${domain}/transcribe-websocket`,
		ttsRestUrl: withoutTrailingSlash(override('ttsRestUrl') || `https://tts-rt.${domain}`),
		ttsWebSocketUrl: override('ttsWebSocketUrl') || `wss://tts-rt.${domain}/tts-websocket`,
		requestTimeoutMs: requestTimeoutSeconds(credentials.requestTimeoutSeconds) * 1000,
	};
}

function requestTimeoutSeconds(value: unknown) {
	const seconds = Number(value);
	return Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_REQUEST_TIMEOUT_SECONDS;
}
