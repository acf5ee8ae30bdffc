// Usage → Aggregate over 1,000,000 entries and 1,000 customers (time slices read 4 at a time,
// the default) vs the SDK iterating the pages one after the other plus a plain BigInt sum per
// customer. Every usage-log page takes SERVER_MS more on both sides, standing in for the
// network and Soniox preparing it. The emulator runs in its own process, so memory readings
// measure the client alone. Target: time ratio ≤ 0.5, memory growth under 100 MB. Beside the
// row: each side's usage-log requests per run, their median time in the emulator (both must
// include the same SERVER_MS) and how many were in flight at once, from the emulator's log.
import { SonioxNodeClient } from '@soniox/node';
import type { IDataObject } from 'n8n-workflow';

import { formatDecimal } from '../nodes/Soniox/v1/helpers/decimal';
import { emulatorCredentials, mostInFlight, runNode } from '../test/harness';
import { startEmulatorProcess } from './emulatorProcess';
import { report } from './measure';
import { loadNote } from './load';
import { compareRuns } from './repeat';

const RUNS = 3;
/** Added to every usage-log request: a round trip and Soniox's own time (not published). */
const SERVER_MS = 50;

export async function run() {
	const emulator = await startEmulatorProcess();
	try {
		const now = Date.now();
		const start = new Date(now - 10 * 86_400_000);
		await emulator.control('POST', '/usage/seed', {
			count: 1_000_000,
			clients: 1000,
			start: start.getTime(),
			end: now - 60_000,
		});
		await emulator.control('POST', '/faults', {
			route: 'GET /v1/usage-logs',
			latencyMs: SERVER_MS,
			times: 1_000_000,
		});
		const window = { start_time: start.toISOString(), end_time: new Date(now).toISOString() };
		const client = new SonioxNodeClient({ api_key: emulator.apiKey, base_url: emulator.baseUrl });

		let sums: Map<string, bigint> | undefined;
		let rows: IDataObject[] = [];
		let checked = false;
		const requests = { ours: [] as RequestShape[], baseline: [] as RequestShape[] };
		let runStart = 0;
		const logSince = async (since: number) =>
			(await emulator.control<{ requests: LoggedRequest[] }>('GET', '/requests')).requests.filter(
				(request) => request.route === 'GET /v1/usage-logs' && Date.parse(request.at) >= since,
			);
		const load = loadNote();
		const { ours, baseline, runs } = await compareRuns(
			RUNS,
			{
				run: async () => {
					runStart = Date.now();
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
					rows = items.map((item) => item.json);
				},
				after: async () => {
					// Once the baseline has summed (the unmeasured first run comes before it).
					if (sums) checkSameTotals(rows, sums);
					checked = sums !== undefined;
					requests.ours.push(shapeOf(await logSince(runStart)));
				},
			},
			{
				run: async () => {
					runStart = Date.now();
					const totals = new Map<string, bigint>();
					for await (const entry of await client.usageLogs.list({ ...window, limit: 1000 })) {
						const key = entry.client_reference_id || '';
						const cost = BigInt(String(entry.cost_usd).replace('.', ''));
						totals.set(key, (totals.get(key) ?? 0n) + cost);
					}
					sums = totals;
				},
				after: async () => {
					requests.baseline.push(shapeOf(await logSince(runStart)));
				},
			},
		);
		if (!checked) throw new Error('The totals were never compared');
		report(
			'Aggregate by customer, 1,000,000 entries',
			ours,
			baseline,
			'time ≤ 0.5, memory < 100 MB',
		);
		for (const side of ['ours', 'baseline'] as const) {
			const shown = requests[side]
				.map(
					(shape) =>
						`${shape.count} requests, median ${shape.medianMs} ms in the emulator, at most ${shape.mostInFlight} at once`,
				)
				.join('; ');
			const measured = runs[side]
				.map((run) => `${run.ms.toFixed(0)} ms / ${run.peakMemoryMb.toFixed(1)} MB`)
				.join(', ');
			console.log(`  Aggregate, ${side}: runs ${measured}; ${shown}`);
		}
		console.log(`  Aggregate: load average ${load()}`);
	} finally {
		await emulator.close();
	}
}

/** Every customer's total cost must equal the baseline's BigInt sum, to the last decimal. */
function checkSameTotals(rows: IDataObject[], sums: Map<string, bigint>) {
	if (rows.length !== sums.size)
		throw new Error(`Groups differ: ours ${rows.length}, baseline ${sums.size}`);
	for (const row of rows) {
		const sum = sums.get(String(row.client_reference_id ?? ''));
		const expected = sum === undefined ? 'missing' : formatDecimal({ units: sum, scale: 10 });
		if (row.total_cost_usd !== expected)
			throw new Error(
				`${row.client_reference_id}: ours ${row.total_cost_usd}, baseline ${expected}`,
			);
	}
}

interface LoggedRequest {
	route: string;
	at: string;
	durationMs: number;
}

interface RequestShape {
	count: number;
	medianMs: number;
	mostInFlight: number;
}

/** How many requests a run sent, how long the emulator took for each, and how many overlapped. */
function shapeOf(requests: LoggedRequest[]): RequestShape {
	const durations = requests.map((request) => request.durationMs).sort((a, b) => a - b);
	return {
		count: requests.length,
		medianMs: durations[Math.floor(durations.length / 2)] ?? 0,
		mostInFlight: mostInFlight(requests),
	};
}
