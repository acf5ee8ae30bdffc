// Usage → Aggregate over 1,000,000 entries and 1,000 customers vs the SDK iterating plus a
// plain BigInt sum per customer. Target: time ratio ≤ 1.2, memory growth under 100 MB.
import { SonioxNodeClient } from '@soniox/node';

import { startEmulator } from '../test/emulator';
import { emulatorCredentials, runNode } from '../test/harness';
import { measure, report } from './measure';

export async function run() {
	const emulator = await startEmulator();
	const now = Date.now();
	const start = new Date(now - 10 * 86_400_000);
	await emulator.seedUsage({
		count: 1_000_000,
		clients: 1000,
		start: start.getTime(),
		end: now - 60_000,
	});
	const window = { start_time: start.toISOString(), end_time: new Date(now).toISOString() };

	const sums = new Map<string, bigint>();
	const client = new SonioxNodeClient({ api_key: emulator.apiKey, base_url: emulator.baseUrl });
	const baseline = await measure(async () => {
		for await (const entry of await client.usageLogs.list({ ...window, limit: 1000 })) {
			const key = entry.client_reference_id || '(none)';
			sums.set(key, (sums.get(key) ?? 0n) + BigInt(String(entry.cost_usd).replace('.', '')));
		}
	});

	let groups = 0;
	const ours = await measure(async () => {
		const { items, error } = await runNode({
			parameters: {
				resource: 'usage',
				operation: 'aggregate',
				timeRange: 'custom',
				startTime: window.start_time,
				endTime: window.end_time,
				groupBy: ['client_reference_id'],
			},
			credentials: emulatorCredentials(emulator),
		});
		if (error) throw error;
		groups = items.length;
	});
	if (groups !== sums.size) throw new Error(`groups differ: ours ${groups}, baseline ${sums.size}`);
	report('Aggregate by customer, 1,000,000 entries', ours, baseline, 'time ≤ 1.2, memory < 100 MB');
	await emulator.close();
}
