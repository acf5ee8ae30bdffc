// File → Upload of a big binary kept on disk, run by upload-streaming.test.ts in a Node.js
// process of its own: a fresh heap, so the memory read here is the upload's alone. Input in
// the environment (UPLOAD_CREDENTIALS, UPLOAD_BYTES), the result as JSON in the file named
// by the first argument.
import { writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';

import { runNode, storeBinary, useBinaryDataMode } from '../harness';
import { watchRetainedMemory } from '../harness/memory';

useBinaryDataMode('filesystem');

async function uploadFromDisk() {
	const size = Number(process.env.UPLOAD_BYTES);
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
		file: items[0]?.json,
		error: error && `${error.message} ${error.description ?? ''}`,
	};
}

uploadFromDisk().then(
	(result) => writeFileSync(process.argv[2], JSON.stringify(result)),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
