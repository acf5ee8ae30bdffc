// Who may call what: long-lived keys from the config, and temporary keys minted by
// POST /v1/auth/temporary-api-key with their usage type, expiry, single use, session cap and
// bound client_reference_id. The binding rule for client_reference_id lives here only.
import { createHash, randomBytes } from 'node:crypto';

import type { AuthOutcome, AuthSurface, EmulatorConfig } from './context';

export type TemporaryUsageType = 'transcribe_websocket' | 'tts_rt';

interface TemporaryKey {
	usageType: TemporaryUsageType;
	expiresAt: number;
	singleUse: boolean;
	used: boolean;
	maxSessionMs?: number;
	clientReferenceId: string | null;
}

const MISSING_KEY =
	"Missing API key. Provide it as an Authorization header (e.g. 'Authorization: Bearer <SONIOX_API_KEY>'). You can get an API key at https://console.soniox.com.";
const INCORRECT_KEY =
	'Incorrect API key provided. You can get an API key at https://console.soniox.com';
const WRONG_SCHEME =
	"Authorization header must use the Bearer scheme (e.g. 'Authorization: Bearer <SONIOX_API_KEY>'). You can get an API key at https://console.soniox.com.";
/** Our wording: the guide says only that either kind of key is refused on the other's API. */
const ORGANIZATION_KEY_ON_PROJECT_API =
	'An organization API key cannot call project endpoints. Use a project API key from the Soniox Console (API Keys of the project).';
const PROJECT_KEY_ON_ORGANIZATION_API =
	'This endpoint needs an organization API key (snx_org_...). Project API keys cannot call the Organization API.';
/** The status of permission_denied: not in the OpenAPI document (see README.md). */
export const PERMISSION_DENIED_STATUS = 403;
const INVALID_TEMPORARY_KEY =
	'Invalid or expired temporary API key. Create a new temporary API key and retry. See https://soniox.com/docs/guides/temporary-api-keys for details.';

const refuse = (status: number, errorType: string, message: string): AuthOutcome => ({
	ok: false,
	status,
	errorType,
	message,
});

/**
 * How a temporary key is refused on a surface it was not made for: the spec documents only
 * 401 `unauthenticated` for every REST operation and for POST /tts (one place to change it).
 */
export const WRONG_SURFACE_STATUS = 401;
export const WRONG_SURFACE_ERROR_TYPE = 'unauthenticated';
const WRONG_USAGE_TYPE =
	'The temporary API key cannot be used for this action. Each temporary API key is scoped to a specific `usage_type`; create a new key with the correct usage type.';
/** Temporary keys as Soniox mints them now (the spec's example): `snx_temp_<id>.<secret>.<tag>`. */
export const TEMPORARY_KEY_PREFIX = 'snx_temp_';

/** Whether a key looks temporary: the current form, or the older `temp:` one. */
export const isTemporaryKeyShape = (key: string) =>
	key.startsWith(TEMPORARY_KEY_PREFIX) || key.startsWith('temp:');

/** A non-secret name for a key, for logs: never the key itself. */
function keyId(key: string) {
	return `key_${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

export class KeyStore {
	private temporary = new Map<string, TemporaryKey>();

	constructor(
		private readonly config: EmulatorConfig,
		private readonly now: () => number,
	) {}

	createTemporary(options: {
		usageType: TemporaryUsageType;
		expiresInSeconds: number;
		singleUse: boolean;
		maxSessionDurationSeconds?: number;
		clientReferenceId: string | null;
	}) {
		const part = (bytes: number) => randomBytes(bytes).toString('base64url');
		const key = `${TEMPORARY_KEY_PREFIX}${part(27)}.${part(64)}.${part(4)}`;
		const expiresAt = this.now() + options.expiresInSeconds * 1000;
		this.temporary.set(key, {
			usageType: options.usageType,
			expiresAt,
			singleUse: options.singleUse,
			used: false,
			maxSessionMs:
				options.maxSessionDurationSeconds === undefined
					? undefined
					: options.maxSessionDurationSeconds * 1000,
			clientReferenceId: options.clientReferenceId,
		});
		return { api_key: key, expires_at: new Date(expiresAt).toISOString() };
	}

	authenticate(key: string | undefined, surface: AuthSurface): AuthOutcome {
		if (key === undefined || key === '') return refuse(401, 'unauthenticated', MISSING_KEY);
		if (this.isOrganizationKey(key)) {
			return refuse(PERMISSION_DENIED_STATUS, 'permission_denied', ORGANIZATION_KEY_ON_PROJECT_API);
		}
		if (this.config.apiKeys.includes(key)) {
			return {
				ok: true,
				keyId: keyId(key),
				temporary: false,
				clientReferenceId: (requested) => requested || null,
			};
		}
		const temporary = this.temporary.get(key);
		if (!temporary) {
			return refuse(
				401,
				'unauthenticated',
				isTemporaryKeyShape(key) ? INVALID_TEMPORARY_KEY : INCORRECT_KEY,
			);
		}
		if (temporary.expiresAt <= this.now() || (temporary.singleUse && temporary.used)) {
			return refuse(401, 'unauthenticated', INVALID_TEMPORARY_KEY);
		}
		if (surface !== temporary.usageType) {
			return refuse(WRONG_SURFACE_STATUS, WRONG_SURFACE_ERROR_TYPE, WRONG_USAGE_TYPE);
		}
		temporary.used = true;
		// The bound value wins; with none bound, nothing is logged whatever the request says.
		const bound = temporary.clientReferenceId;
		return {
			ok: true,
			keyId: keyId(key),
			temporary: true,
			maxSessionMs: temporary.maxSessionMs,
			clientReferenceId: () => bound,
		};
	}

	/** Authenticates an HTTP request by its Authorization header (REST and POST /tts). */
	authenticateHeader(header: string | undefined, surface: AuthSurface): AuthOutcome {
		if (header === undefined || header.trim() === '') {
			return refuse(401, 'unauthenticated', MISSING_KEY);
		}
		const match = /^Bearer(?:\s+(.*))?$/i.exec(header.trim());
		if (!match) return refuse(401, 'unauthenticated', WRONG_SCHEME);
		return this.authenticate(match[1]?.trim(), surface);
	}

	/** Authenticates a call to the Organization API: only organization keys may make it. */
	authenticateOrganization(header: string | undefined): AuthOutcome {
		const key = /^Bearer\s+(\S+)\s*$/i.exec(header?.trim() ?? '')?.[1];
		if (key !== undefined && this.isOrganizationKey(key)) {
			return { ok: true, keyId: keyId(key), temporary: false, clientReferenceId: () => null };
		}
		const outcome = this.authenticateHeader(header, 'rest');
		return outcome.ok || this.temporary.has(key ?? '')
			? refuse(PERMISSION_DENIED_STATUS, 'permission_denied', PROJECT_KEY_ON_ORGANIZATION_API)
			: outcome;
	}

	private isOrganizationKey(key: string) {
		return (this.config.organizationApiKeys ?? []).includes(key);
	}

	/** Whether an Authorization header carries a long-lived key (nothing is used up). */
	isLongLivedBearer(header: string | undefined) {
		const key = /^Bearer\s+(\S+)\s*$/i.exec(header?.trim() ?? '')?.[1];
		return key !== undefined && this.config.apiKeys.includes(key);
	}

	/** Whether a string is a key this emulator knows (to keep it out of logs). */
	isKnownKey(value: string) {
		return (
			this.config.apiKeys.includes(value) ||
			this.isOrganizationKey(value) ||
			this.temporary.has(value)
		);
	}

	reset() {
		this.temporary.clear();
	}
}
