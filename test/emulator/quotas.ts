// Project quotas (Soniox's documented defaults, overridable per emulator via config.quotas)
// and the 429 each one answers with.
import type { EmulatorConfig } from './context';
import { rateLimited } from './errors';

export const DEFAULT_QUOTAS = {
	files: 1000,
	storageBytes: 10 * 1000 * 1000 * 1000,
	pendingTranscriptions: 100,
	transcriptions: 2000,
} as const;

export type QuotaName = keyof typeof DEFAULT_QUOTAS;

const MESSAGES: Record<QuotaName, string> = {
	files: 'Total file count limit has been exceeded for your project. Please delete some.',
	storageBytes: 'Total file storage limit has been exceeded for your project. Please delete some.',
	pendingTranscriptions:
		'Pending transcriptions limit has been exceeded for your project. Wait for some to finish.',
	transcriptions:
		'Total transcription count limit has been exceeded for your project. Please delete some.',
};

export function quota(config: EmulatorConfig, name: QuotaName): number {
	return config.quotas?.[name] ?? DEFAULT_QUOTAS[name];
}

/** Throws the 429 of a quota when `used` would go past it. */
export function enforceQuota(config: EmulatorConfig, name: QuotaName, used: number) {
	if (used > quota(config, name)) throw rateLimited(MESSAGES[name]);
}

/** Requests let in over a sliding window: the config's usage-log rate limit. */
export class RequestRate {
	private admitted: number[] = [];

	/** Throws the 429 when `limit` has let in as many requests as it allows within its window. */
	admit(limit: EmulatorConfig['usageLogsRateLimit'], now: number) {
		if (!limit) return;
		this.admitted = this.admitted.filter((at) => at > now - limit.windowMs);
		if (this.admitted.length < limit.requests) {
			this.admitted.push(now);
			return;
		}
		const waitMs = this.admitted[0] + limit.windowMs - now;
		throw rateLimited(
			'Requests per minute limit for usage logs has been exceeded for your organization.',
			limit.retryAfter ? Math.max(1, Math.ceil(waitMs / 1000)) : undefined,
		);
	}
}
