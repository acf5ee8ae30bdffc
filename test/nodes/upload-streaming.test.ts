// The node must stream an upload in every binary data mode, never holding the whole file in
// memory: from disk (filesystem mode), and from the base64 text n8n keeps in the item (default
// mode), decoded a piece at a time. The upload runs in a process of its own
// (upload-streaming.child.ts): a jest worker's heap holds every earlier test file, and
// collecting it for each memory sample would slow the transfer a hundredfold.
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { startEmulator, type Emulator } from '../emulator';
import type { EmulatorState } from '../emulator/state';
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

interface ChildResult {
	ms: number;
	peakBytes: number;
	samples: number;
	binaryId?: string;
	inItem: boolean;
	sha256: string;
	file?: Record<string, unknown>;
	error?: string;
}

async function uploadInChild(mode: 'filesystem' | 'default', size: number): Promise<ChildResult> {
	const resultFile = join(folder, `${mode}.json`);
	await promisify(execFile)(
		process.execPath,
		['--expose-gc', '--import', 'tsx', join(__dirname, 'upload-streaming.child.ts'), resultFile],
		{
			env: {
				...process.env,
				N8N_USER_FOLDER: join(folder, mode),
				N8N_BINARY_DATA_STORAGE_PATH: join(folder, mode, 'binaryData'),
				UPLOAD_MODE: mode,
				UPLOAD_BYTES: String(size),
				UPLOAD_CREDENTIALS: JSON.stringify(emulatorCredentials(emulator)),
			},
		},
	);
	const result = JSON.parse(readFileSync(resultFile, 'utf8')) as ChildResult;
	console.log(
		`${mode} mode: upload of ${(size / MB).toFixed(1)} MB took ${result.ms} ms, peak ${(result.peakBytes / MB).toFixed(1)} MB over ${result.samples} samples`,
	);
	return result;
}

/** What the emulator stored is the binary, byte for byte. */
async function expectStored(result: ChildResult, size: number) {
	expect(result.error).toBeUndefined();
	expect(result.file).toMatchObject({
		size,
		filename: 'long-call.wav',
		client_reference_id: 'big-customer',
	});
	const stored = (emulator.ctx as EmulatorState).files.get(String(result.file?.id));
	expect(stored?.size).toBe(size);
	const sha256 = createHash('sha256');
	for await (const chunk of createReadStream(stored?.path ?? '')) sha256.update(chunk as Buffer);
	expect(sha256.digest('hex')).toBe(result.sha256);
}

it('uploads a 256 MB binary from filesystem mode with under 64 MB of memory growth', async () => {
	const size = Number(process.env.UPLOAD_TEST_MB ?? 256) * MB;
	const result = await uploadInChild('filesystem', size);
	expect(result.binaryId).toMatch(/^filesystem/);
	await expectStored(result, size);
	// Holding the file would retain its 256 MB; streaming keeps a few 1 MB chunks in flight.
	expect(result.samples).toBeGreaterThan(0);
	expect(result.peakBytes).toBeLessThan(64 * MB);
}, 180_000);

it('uploads a 128 MB binary held in the item (default mode) with under 64 MB of memory growth', async () => {
	// Not a multiple of 3, so the base64 text ends in padding.
	const size = 128 * MB + 1;
	const result = await uploadInChild('default', size);
	expect(result.binaryId).toBeUndefined();
	expect(result.inItem).toBe(true);
	await expectStored(result, size);
	// Decoding the text whole retains 128 MB, and a body buffer as many again; decoding it a
	// piece at a time keeps about one piece.
	expect(result.samples).toBeGreaterThan(0);
	expect(result.peakBytes).toBeLessThan(64 * MB);
}, 180_000);
