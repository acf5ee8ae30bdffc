// One trigger poll that finds 100,000 new entries (100 pages) vs the official SDK iterating
// the same window from the same emulator. Target: time ratio ≤ 1.15.
import { SonioxNodeClient } from '@soniox/node';

import { startEmulator } from '../test/emulator';
import { emulatorCredentials } from '../test/harness';
import { TriggerHarness } from '../test/harness/poll';
import { measure, report } from './measure';

export async function run() {
	const emulator = await startEmulator();
	const now = Date.now();
	await emulator.seedUsage({
		count: 100_000,
		clients: 500,
		start: now - 50 * 60_000,
		end: now - 60_000,
	});
	const window = {
		start_time: new Date(now - 70 * 60_000).toISOString(),
		end_time: new Date(now + 5 * 60_000).toISOString(),
	};

	let sdkCount = 0;
	const client = new SonioxNodeClient({ api_key: emulator.apiKey, base_url: emulator.baseUrl });
	const baseline = await measure(async () => {
		for await (const _entry of await client.usageLogs.list({ ...window, limit: 1000 })) sdkCount++;
	});

	let ours = 0;
	const poller = new TriggerHarness(
		{
			event: 'newUsageLogEntry',
			output: 'entries',
			options: { backfillHours: 1, lookBackMinutes: 15 },
		},
		emulatorCredentials(emulator),
	);
	const result = await measure(async () => {
		ours = (await poller.poll()).items.length;
	});
	if (ours !== 100_000 || sdkCount !== 100_000)
		throw new Error(`counts differ: ours ${ours}, SDK ${sdkCount}`);
	report('Trigger poll, 100,000 entries', result, baseline, 'time ≤ 1.15');
	await emulator.close();
}
