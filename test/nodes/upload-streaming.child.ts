// File → Upload of a big binary, run by upload-streaming.test.ts in a Node.js process of its
// own: a fresh heap, so the memory read here is the upload's alone. Input in the environment
// (UPLOAD_CREDENTIALS, UPLOAD_BYTES, UPLOAD_MODE: n8n's binary data mode, 'filesystem' keeps
// the binary on disk, 'default' as base64 text in the item), the result as JSON in the file
// named by the first argument.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';

import { runNode, storeBinary, useBinaryDataMode } from '../harness';
import { watchRetainedMemory } from '../harness/memory';

const mode = process.env.UPLOAD_MODE === 'default' ? 'default' : 'filesystem';
useBinaryDataMode(mode);

/** `size` bytes that differ from one megabyte to the next, so that a misplaced piece shows. */
function* audioBytes(size: number) {
	const chunk = Buffer.alloc(1024 * 1024);
	for (let sent = 0, index = 0; sent < size; sent += chunk.length, index++) {
		for (let i = 0; i < chunk.length; i += 4096) chunk.fill((index * 31 + i) % 251, i, i + 4096);
		yield Buffer.from(chunk.subarray(0, Math.min(chunk.length, size - sent)));
	}
}

async function upload() {
	const size = Number(process.env.UPLOAD_BYTES);
	const sha256 = createHash('sha256');
	for (const chunk of audioBytes(size)) sha256.update(chunk);
	const binary = await storeBinary(
		mode === 'default' ? Buffer.concat([...audioBytes(size)]) : Readable.from(audioBytes(size)),
		'long-call.wav',
		'audio/wav',
	);
	const watch = watchRetainedMemory();
	const started = Date.now();
	const { items, error } = await runNode({
		parameters: { resource: 'file', operation: 'upload', clientReferenceId: 'big-customer' },
		credentials: JSON.parse(process.env.UPLOAD_CREDENTIALS ?? '{}'),
		items: [{ json: {}, binary: { data: binary } }],
	});
	return {
		ms: Date.now() - started,
		...watch.stop(),
		binaryId: binary.id,
		inItem: typeof binary.data === 'string' && binary.data.length > 1000,
		sha256: sha256.digest('hex'),
		file: items[0]?.json,
		error: error && `${error.message} ${error.description ?? ''}`,
	};
}

upload().then(
	(result) => writeFileSync(process.argv[2], JSON.stringify(result)),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
