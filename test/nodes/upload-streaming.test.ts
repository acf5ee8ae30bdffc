// n8n's filesystem binary mode keeps uploads on disk; the node must stream them to Soniox,
// never reading the whole file into memory.
import { Readable } from 'node:stream';

import { startEmulator, type Emulator } from '../emulator';
import { emulatorCredentials, runNode, storeBinary, useBinaryDataMode } from '../harness';

useBinaryDataMode('filesystem');

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator();
});
afterAll(() => emulator.close());

it('uploads a 256 MB binary from filesystem mode with bounded memory', async () => {
	const size = Number(process.env.UPLOAD_TEST_MB ?? 256) * 1024 * 1024;
	const chunk = Buffer.alloc(1024 * 1024, 3);
	const binary = await storeBinary(
		Readable.from(
			(function* () {
				for (let sent = 0; sent < size; sent += chunk.length) yield chunk;
			})(),
		),
		'long-call.wav',
		'audio/wav',
	);
	expect(binary.id).toMatch(/^filesystem/);

	const { gc } = global as { gc?: () => void };
	if (!gc)
		throw new Error(
			'Run with node --expose-gc (npm test does): retained memory is measured after GC',
		);
	gc();
	const used = () => {
		const memory = process.memoryUsage();
		return memory.heapUsed + memory.external; // external includes arrayBuffers
	};
	const before = used();
	let peak = 0;
	const sampler = setInterval(
		() => {
			gc();
			peak = Math.max(peak, used() - before);
		},
		Number(process.env.UPLOAD_TEST_SAMPLE_MS ?? 500),
	);
	const started = Date.now();
	const { items, error } = await runNode({
		parameters: { resource: 'file', operation: 'upload', clientReferenceId: 'big-customer' },
		credentials: emulatorCredentials(emulator),
		items: [{ json: {}, binary: { data: binary } }],
	});
	clearInterval(sampler);
	console.log(
		`upload of ${size / 1024 / 1024} MB took ${Date.now() - started} ms, peak ${(peak / 1024 / 1024).toFixed(1)} MB`,
	);
	expect(error).toBeUndefined();
	expect(items[0].json).toMatchObject({
		size,
		filename: 'long-call.wav',
		client_reference_id: 'big-customer',
	});
	// Holding the file would retain at least its 256 MB; streaming keeps a few chunks (about
	// 20 MB measured alone). The emulator runs in this process too, so the bound covers both
	// sides of the socket and leaves room for parallel test workers.
	expect(peak).toBeLessThan(size / 2);
}, 120_000);
