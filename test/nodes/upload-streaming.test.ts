// n8n's filesystem binary mode keeps uploads on disk; the node must stream them to Soniox,
// never reading the whole file into memory. The upload runs in a process of its own
// (upload-streaming.child.ts): a jest worker's heap holds every earlier test file, and
// collecting it for each memory sample would slow the transfer a hundredfold.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { startEmulator, type Emulator } from '../emulator';
import { emulatorCredentials } from '../harness';

const MB = 1024 * 1024;

let emulator: Emulator;
let folder: string;
beforeAll(async () => {
	emulator = await startEmulator();
	folder = mkdtempSync(join(tmpdir(), 'soniox-upload-'));
});
afterAll(async () => {
	await emulator.close();
	rmSync(folder, { recursive: true, force: true });
});

it('uploads a 256 MB binary from filesystem mode with under 64 MB of memory growth', async () => {
	const size = Number(process.env.UPLOAD_TEST_MB ?? 256) * MB;
	const resultFile = join(folder, 'result.json');
	await promisify(execFile)(
		process.execPath,
		['--expose-gc', '--import', 'tsx', join(__dirname, 'upload-streaming.child.ts'), resultFile],
		{
			env: {
				...process.env,
				N8N_USER_FOLDER: join(folder, 'n8n'),
				N8N_BINARY_DATA_STORAGE_PATH: join(folder, 'n8n', 'binaryData'),
				UPLOAD_BYTES: String(size),
				UPLOAD_CREDENTIALS: JSON.stringify(emulatorCredentials(emulator)),
			},
		},
	);
	const result = JSON.parse(readFileSync(resultFile, 'utf8')) as {
		ms: number;
		peakBytes: number;
		samples: number;
		binaryId: string;
		file?: Record<string, unknown>;
		error?: string;
	};
	console.log(
		`upload of ${size / MB} MB took ${result.ms} ms, peak ${(result.peakBytes / MB).toFixed(1)} MB over ${result.samples} samples`,
	);

	expect(result.binaryId).toMatch(/^filesystem/);
	expect(result.error).toBeUndefined();
	expect(result.file).toMatchObject({
		size,
		filename: 'long-call.wav',
		client_reference_id: 'big-customer',
	});
	const stored = await fetch(`${emulator.baseUrl}/v1/files/${String(result.file?.id)}`, {
		headers: { Authorization: `Bearer ${emulator.apiKey}` },
	});
	expect(await stored.json()).toMatchObject({ size, client_reference_id: 'big-customer' });
	// Holding the file would retain its 256 MB; streaming keeps a few 1 MB chunks in flight.
	expect(result.samples).toBeGreaterThan(0);
	expect(result.peakBytes).toBeLessThan(64 * MB);
}, 180_000);
