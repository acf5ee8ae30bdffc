import { startEmulator, type Emulator } from '..';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const MINUTE = 60_000;
const post = (body: unknown) =>
	fetch(`${emulator.urls.api}/_emulator/usage/pattern`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});

describe('control: usage patterns for anomaly alerts', () => {
	it('makes the same normal traffic for the same body, one request per client per step', async () => {
		const body = { pattern: 'normal', clients: ['a', 'b'], start: 0, end: 10 * MINUTE };
		const first = (await (await post(body)).json()) as { entries: Array<Record<string, unknown>> };
		emulator.reset();
		const second = (await (await post(body)).json()) as typeof first;
		const shape = (entries: typeof first.entries) =>
			entries.map((entry) => [entry.client_reference_id, entry.end_time, entry.cost_usd]);
		expect(shape(first.entries)).toEqual(shape(second.entries));
		for (const client of ['a', 'b']) {
			const own = first.entries.filter((entry) => entry.client_reference_id === client);
			expect(own.length).toBeGreaterThanOrEqual(10);
			expect(own.length).toBeLessThanOrEqual(11);
		}
	});

	it('makes each anomaly on demand, ending at the given time', async () => {
		const at = Date.now();
		const spike = emulator.insertUsagePattern({
			pattern: 'spike',
			clientReferenceId: 'x',
			at,
			requests: 3,
		});
		const loop = emulator.insertUsagePattern({ pattern: 'loop', clientReferenceId: 'y', at });
		const untagged = emulator.insertUsagePattern({ pattern: 'untagged', at });
		const fresh = emulator.insertUsagePattern({
			pattern: 'newClientReferenceId',
			clientReferenceId: 'z',
			at,
		});
		expect(spike.map((entry) => entry.input_audio_duration_ms)).toEqual([
			1_200_000, 1_200_000, 1_200_000,
		]);
		expect(loop).toHaveLength(300);
		expect(Date.parse(loop[0].end_time) - Date.parse(loop[299].end_time)).toBeLessThan(MINUTE);
		expect(new Set(untagged.map((entry) => entry.client_reference_id))).toEqual(new Set(['']));
		expect(fresh).toHaveLength(25);
		expect(Math.max(...fresh.map((entry) => Date.parse(entry.end_time)))).toBe(at);
	});

	it('refuses a body it cannot follow, naming the field', async () => {
		const response = await post({ pattern: 'storm' });
		expect(response.status).toBe(400);
		expect(JSON.stringify(await response.json())).toContain(
			'pattern must be one of normal, spike, newClientReferenceId, untagged, loop',
		);
		const missing = await post({ pattern: 'spike' });
		expect(JSON.stringify(await missing.json())).toContain('clientReferenceId must be');
		expect(emulator.ledger()).toEqual([]);
	});
});
