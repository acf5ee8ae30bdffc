import { type TemporaryUsageType } from '../auth';
import { readJson, reply, requireRestAuth, type Router } from '../http';
import type { EmulatorState } from '../state';
import { Checker } from '../validation';

const USAGE_TYPES: TemporaryUsageType[] = ['transcribe_websocket', 'tts_rt'];

export function registerTemporaryKeyRoutes(router: Router, state: EmulatorState) {
	router.add('POST', '/v1/auth/temporary-api-key', async ({ req }) => {
		requireRestAuth(state, req);
		const body = await readJson(req);
		const check = new Checker(body);
		const usageType = check.string('usage_type', { required: true });
		if (usageType !== undefined && !USAGE_TYPES.includes(usageType as TemporaryUsageType)) {
			check.fail(
				'usage_type',
				`Input should be ${USAGE_TYPES.map((type) => `'${type}'`).join(' or ')}`,
				'enum',
			);
		}
		const expiresInSeconds = check.integer('expires_in_seconds', {
			required: true,
			min: 1,
			max: 3600,
		});
		const singleUse = check.boolean('single_use');
		const maxSessionDurationSeconds = check.integer('max_session_duration_seconds', {
			min: 1,
			max: 18000,
		});
		const clientReferenceId = check.clientReferenceId();
		check.done();
		return reply(
			201,
			state.keys.createTemporary({
				usageType: usageType as TemporaryUsageType,
				expiresInSeconds: expiresInSeconds as number,
				singleUse: singleUse ?? false,
				maxSessionDurationSeconds,
				clientReferenceId,
			}),
		);
	});
}
