// File → Upload of a 1 GiB binary that n8n keeps on disk (filesystem binary mode) vs curl
// uploading that very file. The emulator runs in its own process, so memory readings are the
// client's alone. Target: throughput ≥ 0.8× curl (time ratio ≤ 1.25), memory growth < 64 MB.
import { createReadStream } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { Container } from '@n8n/di';

import {
	core,
	emulatorCredentials,
	runNode,
	storeBinary,
	useBinaryDataMode,
} from '../test/harness';
import { curl, requireCurl } from './curl';
import { startEmulatorProcess, type EmulatorProcess } from './emulatorProcess';
import { measure, report } from './measure';
import { compareRuns } from './repeat';

const SIZE = 1024 ** 3;
const RUNS = 3;
const FILE_NAME = 'long-call.wav';
const CLIENT_REFERENCE_ID = 'bench-upload';

// Before any node runs in this process: n8n reads the mode once.
useBinaryDataMode('filesystem');

function* megabytes(size: number) {
	const chunk = Buffer.alloc(1024 * 1024);
	for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 7919) % 251;
	for (let sent = 0; sent < size; sent += chunk.length) yield chunk;
}

export async function run() {
	requireCurl();
	const emulator = await startEmulatorProcess();
	const binaries = Container.get(core.BinaryDataService);
	const binary = await storeBinary(Readable.from(megabytes(SIZE)), FILE_NAME, 'audio/wav');
	try {
		const { maxUploadBytes } = await emulator.control<{ maxUploadBytes: number }>('GET', '/config');
		if (maxUploadBytes < SIZE) await emulator.control('PATCH', '/config', { maxUploadBytes: SIZE });

		const path = binaries.getPath(binary.id as string);
		let curlFileId = '';
		let ourFileId = '';
		const uploadOurs = {
			run: async () => {
				const { items, error } = await runNode({
					parameters: {
						resource: 'file',
						operation: 'upload',
						clientReferenceId: CLIENT_REFERENCE_ID,
					},
					credentials: emulatorCredentials(emulator),
					items: [{ json: {}, binary: { data: binary } }],
				});
				if (error) throw error;
				ourFileId = String(items[0].json.id);
			},
			after: () => checkAndDelete(emulator, ourFileId),
		};
		const { ours, baseline } = await compareRuns(RUNS, uploadOurs, {
			run: async () => {
				const answer = await curl([
					'-H',
					`Authorization: Bearer ${emulator.apiKey}`,
					'-F',
					`client_reference_id=${CLIENT_REFERENCE_ID}`,
					'-F',
					`file=@${path};filename=${FILE_NAME};type=audio/wav`,
					`${emulator.baseUrl}/v1/files`,
				]);
				curlFileId = String((JSON.parse(answer) as { id: string }).id);
			},
			after: () => checkAndDelete(emulator, curlFileId),
		});
		// What Node.js itself manages: the same multipart upload from a plain read stream.
		let plainFileId = '';
		const plain = await measure(async () => {
			plainFileId = await plainNodeUpload(emulator, path);
		});
		await checkAndDelete(emulator, plainFileId);
		const held = await measure(uploadOurs.run, { retained: true });
		await uploadOurs.after();
		report(
			'Upload 1 GiB from filesystem mode',
			ours,
			baseline,
			'time ≤ 1.25 (throughput ≥ 0.8× curl), memory < 64 MB',
		);
		console.log(
			`  upload: a plain Node.js client (read stream → http.request) took ${plain.ms.toFixed(0)} ms: ours / plain Node.js = ${(ours.ms / plain.ms).toFixed(2)}`,
		);
		console.log(
			`  upload: memory retained while uploading (collected every 100 ms, untimed run): ${held.peakMemoryMb.toFixed(1)} MB`,
		);
	} finally {
		await binaries.deleteManyByBinaryDataId([binary.id as string]);
		await emulator.close();
	}
}

/** The emulator must hold a file of the full size; it is then deleted to free the disk. */
async function checkAndDelete(emulator: EmulatorProcess, id: string) {
	const url = `${emulator.baseUrl}/v1/files/${id}`;
	const headers = { Authorization: `Bearer ${emulator.apiKey}` };
	const file = (await (await fetch(url, { headers })).json()) as {
		size?: number;
		filename?: string;
	};
	if (file.size !== SIZE || file.filename !== FILE_NAME)
		throw new Error(`File ${id} is ${file.filename}, ${file.size} bytes; expected ${SIZE}`);
	const deleted = await fetch(url, { method: 'DELETE', headers });
	if (!deleted.ok) throw new Error(`DELETE ${url}: ${deleted.status}`);
}

/** fs.createReadStream piped into http.request: the floor for any Node.js client. */
async function plainNodeUpload(emulator: EmulatorProcess, path: string): Promise<string> {
	const boundary = `----bench${Date.now()}`;
	const head = Buffer.from(
		`--${boundary}\r\nContent-Disposition: form-data; name="client_reference_id"\r\n\r\n${CLIENT_REFERENCE_ID}\r\n` +
			`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${FILE_NAME}"\r\nContent-Type: audio/wav\r\n\r\n`,
	);
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
	const request = httpRequest(`${emulator.baseUrl}/v1/files`, {
		method: 'POST',
		headers: {
			Authorization: `Bearer ${emulator.apiKey}`,
			'Content-Type': `multipart/form-data; boundary=${boundary}`,
			'Content-Length': head.length + SIZE + tail.length,
		},
	});
	const answered = new Promise<string>((resolve, reject) => {
		request.once('error', reject);
		request.once('response', (response) => {
			let body = '';
			response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
			response.once('end', () => resolve(String((JSON.parse(body) as { id: string }).id)));
		});
	});
	request.write(head);
	await pipeline(createReadStream(path, { highWaterMark: 1024 * 1024 }), request, { end: false });
	request.end(tail);
	return await answered;
}
