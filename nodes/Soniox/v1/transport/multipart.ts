// Multipart uploads of an item's audio. The body is streamed part by part with an exact
// Content-Length and never assembled: the audio comes straight from where n8n keeps it, in
// pieces, whatever its binary data mode (a file on disk, the database, an object store, or
// base64 text in the item).
import { NodeOperationError } from 'n8n-workflow';
import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
} from 'n8n-workflow';

import { assertAudio, AUDIO_SIGNATURE_BYTES, getInputBinary } from '../helpers/audioInput';
import {
	base64Source,
	bufferSource,
	openedStreamSource,
	type AudioSource,
} from '../helpers/audioSource';
import { sonioxApiRequest } from './index';

// Reads from n8n's store: each one allocates a fresh buffer, and fewer of them cost less CPU.
const CHUNK_BYTES = 1024 * 1024;
// What the HTTP client is handed at a time (views of those buffers, not copies). It queues
// up to 16 of them ahead of the socket, so small pieces keep that queue small.
const PIECE_BYTES = 64 * 1024;

function escapeQuoted(value: string) {
	return value.replace(/[\r\n"]/g, '_');
}

interface BinaryAudio {
	audio: AudioSource;
	bytes: number;
	head: Uint8Array;
	/** Lets go of what was opened to read the head, when the body is never sent. */
	close(): Promise<void>;
}

/**
 * The item's audio as n8n keeps it. In its store (every mode but the default) it is read
 * through n8n's own stream of it; in the item (default mode) as base64 text decoded a piece
 * at a time; only text that is not plain base64 is decoded whole, as n8n itself would.
 */
async function binaryAudio(
	context: IExecuteFunctions,
	itemIndex: number,
	binaryPropertyName: string,
	binary: IBinaryData,
): Promise<BinaryAudio> {
	const id = binary.id;
	if (id) {
		const opened = await openedStreamSource(
			async () => await context.helpers.getBinaryStream(id, CHUNK_BYTES),
			AUDIO_SIGNATURE_BYTES,
		);
		let bytes: number | undefined;
		try {
			const { fileSize } = await context.helpers.getBinaryMetadata(id);
			bytes = Number(fileSize ?? binary.bytes);
		} finally {
			if (bytes === undefined) await opened.close();
		}
		return { ...opened, bytes };
	}
	const text = typeof binary.data === 'string' ? base64Source(binary.data) : undefined;
	const nothingToClose = async () => {};
	if (text) {
		const head = Buffer.from(
			binary.data.slice(0, 4 * Math.ceil(AUDIO_SIGNATURE_BYTES / 3)),
			'base64',
		);
		return { ...text, head, close: nothingToClose };
	}
	const buffer = await context.helpers.getBinaryDataBuffer(itemIndex, binaryPropertyName);
	return {
		audio: bufferSource(buffer),
		bytes: buffer.length,
		head: buffer.subarray(0, AUDIO_SIGNATURE_BYTES),
		close: nothingToClose,
	};
}

/**
 * A multipart/form-data body with text fields and one file part, the item's audio (refused
 * before anything is sent when it is empty or not audio). It is a blob-like object that n8n's
 * HTTP client streams with its known Content-Length; each `stream()` call reads the audio
 * anew, so a retry never resends a consumed stream. Call `close()` once the request is over.
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
): Promise<{
	body: IHttpRequestOptions['body'];
	headers: Record<string, string>;
	bytes: number;
	close(): Promise<void>;
}> {
	const binary = getInputBinary(context, itemIndex, options.binaryPropertyName);
	const { audio, bytes, head, close } = await binaryAudio(
		context,
		itemIndex,
		options.binaryPropertyName,
		binary,
	);
	let isAudio = false;
	try {
		assertAudio(context, itemIndex, options.binaryPropertyName, binary, head);
		isAudio = true;
	} finally {
		if (!isAudio) await close();
	}
	const boundary = `----n8n-soniox-${Math.random().toString(16).slice(2)}${Date.now().toString(16)}`;
	const fileName = escapeQuoted(options.fileName || binary.fileName || 'audio');
	let text = '';
	for (const [name, value] of Object.entries(options.fields)) {
		if (value === undefined || value === '') continue;
		text += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
	}
	text += `--${boundary}\r\nContent-Disposition: form-data; name="${options.fileField}"; filename="${fileName}"\r\nContent-Type: ${binary.mimeType || 'application/octet-stream'}\r\n\r\n`;
	const preamble = Buffer.from(text, 'utf8');
	const epilogue = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
	const contentType = `multipart/form-data; boundary=${boundary}`;
	const changedSize = (sent: string) =>
		new NodeOperationError(
			context.getNode(),
			`Input Binary Field "${options.binaryPropertyName}" of item ${itemIndex} changed while it was uploaded`,
			{
				itemIndex,
				description: `n8n gave ${sent} than the ${bytes} bytes it stores for the binary.`,
			},
		);

	const streamed = {
		[Symbol.toStringTag]: 'Blob',
		size: preamble.length + bytes + epilogue.length,
		type: contentType,
		async *stream() {
			yield preamble;
			let sent = 0;
			for await (const piece of audio.read(0)) {
				sent += piece.length;
				if (sent > bytes) throw changedSize('more bytes');
				for (let at = 0; at < piece.length; at += PIECE_BYTES)
					yield piece.subarray(at, at + PIECE_BYTES);
			}
			if (sent < bytes) throw changedSize('fewer bytes');
			yield epilogue;
		},
	};
	return {
		body: streamed as unknown as IHttpRequestOptions['body'],
		headers: { 'Content-Type': contentType },
		bytes: streamed.size,
		close,
	};
}

/** An upload may take an hour, and longer for a file that needs more at 256 KiB a second. */
const UPLOAD_MIN_TIMEOUT_MS = 60 * 60 * 1000;
const UPLOAD_MIN_BYTES_PER_SECOND = 256 * 1024;

/**
 * How long an upload of `bytes` may take, in whole milliseconds: the request's deadline
 * (AbortSignal.timeout) refuses a fraction, which a body over 900 MiB would otherwise give.
 */
export function uploadTimeoutMs(bytes: number): number {
	return Math.max(UPLOAD_MIN_TIMEOUT_MS, Math.ceil((bytes / UPLOAD_MIN_BYTES_PER_SECOND) * 1000));
}

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
	try {
		return await sonioxApiRequest.call(context, {
			method: 'POST',
			path: '/v1/files',
			body: upload.body,
			headers: upload.headers,
			minTimeoutMs: uploadTimeoutMs(upload.bytes),
		});
	} finally {
		await upload.close();
	}
}
