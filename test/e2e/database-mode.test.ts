// The packed package in a real n8n whose binary data lives in its database
// (N8N_DEFAULT_BINARY_DATA_MODE=database, on SQLite): n8n hands the node the binary as one
// buffer, loaded from the database, and the node streams its upload from it. What Soniox keeps
// must be the recording byte for byte, for File → Upload and for Transcribe from a binary field.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { makeWav, startEmulator, type Emulator } from '../emulator';
import type { EmulatorState } from '../emulator/state';
import { chainWorkflow, N8nInstance } from './n8n';
import { EXAMPLE_CREDENTIAL, exampleCredential } from './workflows';

jest.setTimeout(600_000);

let n8n: N8nInstance;
let emulator: Emulator;
let folder: string;

beforeAll(async () => {
	folder = mkdtempSync(join(tmpdir(), 'soniox-db-mode-'));
	[emulator, n8n] = await Promise.all([startEmulator(), N8nInstance.create()]);
	// Every n8n command of this instance runs in database mode, reading files from `folder`.
	const env = n8n.env.bind(n8n);
	n8n.env = (extra = {}) =>
		env({
			N8N_DEFAULT_BINARY_DATA_MODE: 'database',
			N8N_RESTRICT_FILE_ACCESS_TO: folder,
			...extra,
		});
});

afterAll(async () => {
	await emulator?.close();
	n8n?.remove();
	if (folder) rmSync(folder, { recursive: true, force: true });
});

test('File → Upload and Transcribe send a binary kept in the database byte for byte', async () => {
	// A WAV of speech, past a few of the node's 1 MiB reads and not a whole number of them.
	const recording = makeWav({ text: 'The database keeps this recording.', durationMs: 90_000 });
	const path = join(folder, 'call.wav');
	writeFileSync(path, recording);
	expect(recording.length % (1024 * 1024)).not.toBe(0);
	expect(recording.length).toBeGreaterThan(2 * 1024 * 1024);

	const credential = exampleCredential(emulator);
	await n8n.importCredentials([credential]);
	const credentials = { sonioxSuiteApi: EXAMPLE_CREDENTIAL };
	await n8n.importWorkflow(
		chainWorkflow('databaseMode', [
			{
				name: 'Read recording',
				type: 'n8n-nodes-base.readWriteFile',
				typeVersion: 1.1,
				parameters: { operation: 'read', fileSelector: path, options: {} },
			},
			{
				name: 'Upload',
				type: 'n8n-nodes-soniox-suite.soniox',
				parameters: { resource: 'file', operation: 'upload', clientReferenceId: 'db-mode' },
				credentials,
			},
			{
				name: 'Read again',
				type: 'n8n-nodes-base.readWriteFile',
				typeVersion: 1.1,
				parameters: { operation: 'read', fileSelector: path, options: {} },
			},
			{
				name: 'Transcribe',
				type: 'n8n-nodes-soniox-suite.soniox',
				parameters: {
					resource: 'transcription',
					operation: 'transcribe',
					audioSource: 'binary',
					clientReferenceId: 'db-mode',
					cleanup: ['transcription'],
				},
				credentials,
			},
		]),
	);
	const run = await n8n.execute('databaseMode');
	expect(run.error).toBeUndefined();
	const binary = run.runData['Read recording'][0].data?.main[0][0].binary?.data as { id?: string };
	expect(binary.id).toMatch(/^database:/);

	const [uploaded] = N8nInstance.items(run, 'Upload');
	expect(uploaded).toMatchObject({ size: recording.length, filename: 'call.wav' });
	const [transcribed] = N8nInstance.items(run, 'Transcribe');
	expect(String(transcribed.text)).toMatch(/database keeps this recording/i);

	// Transcribe keeps the file it uploaded (its clean-up here deletes only the transcription).
	const files = (emulator.ctx as EmulatorState).files;
	const kept = [...files.values()].filter((file) => file.client_reference_id === 'db-mode');
	expect(kept).toHaveLength(2);
	for (const file of kept) expect(readFileSync(file.path).equals(recording)).toBe(true);
});
