// Multipart uploads of an item's audio. When n8n keeps the binary in a file on disk
// (filesystem mode) the body is streamed from it, never read whole; otherwise it is a buffer.
import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
} from 'n8n-workflow';

import { assertAudio, AUDIO_SIGNATURE_BYTES, getInputBinary } from '../helpers/audioInput';
import { sonioxApiRequest } from './index';

// Large reads: each one allocates a fresh buffer, and fewer of them cost less CPU and GC.
const CHUNK_BYTES = 1024 * 1024;

/** Stored in a file by n8n's filesystem mode (database mode streams from the database: not here). */
const onDisk = (binary: IBinaryData) =>
	typeof binary.id === 'string' && binary.id.startsWith('filesystem');

function escapeQuoted(value: string) {
	return value.replace(/[\r\n"]/g, '_');
}

/** The first bytes of a binary n8n keeps in its store. */
async function readStoredHead(context: IExecuteFunctions, id: string): Promise<Uint8Array> {
	for await (const chunk of await context.helpers.getBinaryStream(id, AUDIO_SIGNATURE_BYTES)) {
		return chunk as Buffer;
	}
	return new Uint8Array(0);
}

/**
 * A multipart/form-data body with text fields and one file part, the item's audio (refused
 * before anything is sent when it is empty or not audio). For a file on disk it is a
 * blob-like object that n8n's HTTP client streams with a known Content-Length, and each
 * `stream()` call opens the file anew, so a retry never resends a consumed stream.
 */
export async function multipartBody(
	context: IExecuteFunctions,
	itemIndex: number,
	options: {
		fields: Record<string, string | undefined>;
		fileField: string;
		binaryPropertyName: string;
		fileName?: string;
	},
): Promise<{ body: IHttpRequestOptions['body']; headers: Record<string, string>; bytes: number }> {
	const binary = getInputBinary(context, itemIndex, options.binaryPropertyName);
	const data = onDisk(binary)
		? undefined
		: await context.helpers.getBinaryDataBuffer(itemIndex, options.binaryPropertyName);
	const firstBytes = data ?? (await readStoredHead(context, binary.id as string));
	assertAudio(context, itemIndex, options.binaryPropertyName, binary, firstBytes);
	const boundary = `----n8n-soniox-${Math.random().toString(16).slice(2)}${Date.now().toString(16)}`;
	const fileName = escapeQuoted(options.fileName || binary.fileName || 'audio');
	let head = '';
	for (const [name, value] of Object.entries(options.fields)) {
		if (value === undefined || value === '') continue;
		head += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
	}
	head += `--${boundary}\r\nContent-Disposition: form-data; name="${options.fileField}"; filename="${fileName}"\r\nContent-Type: ${binary.mimeType || 'application/octet-stream'}\r\n\r\n`;
	const preamble = Buffer.from(head, 'utf8');
	const epilogue = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
	const contentType = `multipart/form-data; boundary=${boundary}`;

	if (data) {
		const body = Buffer.concat([preamble, data, epilogue]);
		return { body, headers: { 'Content-Type': contentType }, bytes: body.length };
	}
	const id = binary.id as string;
	const { fileSize } = await context.helpers.getBinaryMetadata(id);
	const size = Number(fileSize ?? binary.bytes);
	const streamed = {
		[Symbol.toStringTag]: 'Blob',
		size: preamble.length + size + epilogue.length,
		type: contentType,
		async *stream() {
			yield preamble;
			for await (const chunk of await context.helpers.getBinaryStream(id, CHUNK_BYTES))
				yield chunk as Buffer;
			yield epilogue;
		},
	};
	return {
		body: streamed as unknown as IHttpRequestOptions['body'],
		headers: { 'Content-Type': contentType },
		bytes: streamed.size,
	};
}

/** An upload may take an hour, and longer for a file that needs more at 256 KiB a second. */
const UPLOAD_MIN_TIMEOUT_MS = 60 * 60 * 1000;
const UPLOAD_MIN_BYTES_PER_SECOND = 256 * 1024;

/** Uploads the item's audio as a Soniox file (POST /v1/files) and returns the file. */
export async function uploadFile(
	context: IExecuteFunctions,
	itemIndex: number,
	options: { binaryPropertyName: string; clientReferenceId?: string; fileName?: string },
): Promise<IDataObject> {
	const upload = await multipartBody(context, itemIndex, {
		fields: { client_reference_id: options.clientReferenceId },
		fileField: 'file',
		binaryPropertyName: options.binaryPropertyName,
		fileName: options.fileName,
	});
	return await sonioxApiRequest.call(context, {
		method: 'POST',
		path: '/v1/files',
		body: upload.body,
		headers: upload.headers,
		minTimeoutMs: Math.max(
			UPLOAD_MIN_TIMEOUT_MS,
			(upload.bytes / UPLOAD_MIN_BYTES_PER_SECOND) * 1000,
		),
	});
}
