// One trigger poll that finds 100,000 new entries (100 pages) vs the official SDK iterating
// the same window. The emulator runs in its own process, so memory readings measure the
// client alone. Target: time ratio ≤ 1.15.
import { SonioxNodeClient } from '@soniox/node';

import { emulatorCredentials } from '../test/harness';
import { TriggerHarness } from '../test/harness/poll';
import { startEmulatorProcess } from './emulatorProcess';
import { report } from './measure';
import { compareRuns } from './repeat';

const RUNS = 5;
const ENTRIES = 100_000;

export async function run() {
	const emulator = await startEmulatorProcess();
	try {
		const now = Date.now();
		await emulator.control('POST', '/usage/seed', {
			count: ENTRIES,
			clients: 500,
			start: now - 50 * 60_000,
			end: now - 60_000,
		});
		const window = {
			start_time: new Date(now - 70 * 60_000).toISOString(),
			end_time: new Date(now + 5 * 60_000).toISOString(),
		};
		const client = new SonioxNodeClient({ api_key: emulator.apiKey, base_url: emulator.baseUrl });

		let sdkCount = 0;
		let ourCount = 0;
		const { ours, baseline } = await compareRuns(
			RUNS,
			{
				// A fresh trigger each time: its first poll delivers the whole backfill hour.
				run: async () => {
					const poller = new TriggerHarness(
						{
							event: 'newUsageLogEntry',
							output: 'entries',
							options: { backfillHours: 1, lookBackMinutes: 15 },
						},
						emulatorCredentials(emulator),
					);
					const { items, error } = await poller.poll();
					if (error) throw error;
					ourCount = items.length;
				},
				after: async () => {
					if (ourCount !== ENTRIES) throw new Error(`Ours found ${ourCount} entries`);
				},
			},
			{
				run: async () => {
					sdkCount = 0;
					for await (const _entry of await client.usageLogs.list({ ...window, limit: 1000 }))
						sdkCount++;
				},
				after: async () => {
					if (sdkCount !== ENTRIES) throw new Error(`The SDK found ${sdkCount} entries`);
				},
			},
		);
		report('Trigger poll, 100,000 entries', ours, baseline, 'time ≤ 1.15');
	} finally {
		await emulator.close();
	}
}
