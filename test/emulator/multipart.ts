// A streaming multipart/form-data reader: file parts go straight to disk, so a 1 GB upload
// costs the emulator a few chunks of memory, not a gigabyte.
import { createWriteStream, rmSync, type WriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

import { invalid, problem } from './errors';

export interface UploadedFile {
	field: string;
	fileName: string;
	path: string;
	size: number;
}

export interface MultipartResult {
	fields: Record<string, string>;
	files: UploadedFile[];
}

const MAX_FIELD_BYTES = 64 * 1024;

/** A Content-Disposition parameter: quoted (with \" escapes), bare, or RFC 5987 `name*=`. */
function dispositionParameter(disposition: string, key: string): string | undefined {
	const extended = new RegExp(`(?:^|;)\\s*${key}\\*=([^']*)'[^']*'([^;]*)`, 'i').exec(disposition);
	if (extended) {
		try {
			return decodeURIComponent(extended[2].trim());
		} catch {
			return extended[2].trim();
		}
	}
	const quoted = new RegExp(`(?:^|;)\\s*${key}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(disposition);
	if (quoted) return quoted[1].replace(/\\(.)/g, '$1');
	const bare = new RegExp(`(?:^|;)\\s*${key}=([^;\\s]*)`, 'i').exec(disposition);
	return bare?.[1];
}

function parseHeaders(block: string) {
	const disposition = /content-disposition:\s*form-data\s*(;[^\r\n]*)?/i.exec(block)?.[1] ?? '';
	const name = dispositionParameter(disposition, 'name');
	const fileName = dispositionParameter(disposition, 'filename');
	// Browsers and curl send a path only in odd cases; the API keeps the last segment.
	return { name, fileName: fileName?.split(/[\\/]/).pop() };
}

/**
 * Reads the request body part by part. Throws a validation error for malformed bodies and
 * for files over `maxFileBytes`; whatever fails, no partial file is left on disk.
 */
export async function readMultipart(
	req: IncomingMessage,
	storageDir: string,
	maxFileBytes: number,
): Promise<MultipartResult> {
	const boundaryMatch = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(req.headers['content-type'] ?? '');
	if (!/^multipart\/form-data/i.test(req.headers['content-type'] ?? '') || !boundaryMatch) {
		throw invalid(problem('body', 'Expected a multipart/form-data body.', 'multipart_invalid'));
	}
	const delimiter = Buffer.from(`\r\n--${boundaryMatch[1] ?? boundaryMatch[2]}`);
	const result: MultipartResult = { fields: {}, files: [] };

	// The body is read as if it started with CRLF, so every boundary looks the same.
	let buffer: Buffer = Buffer.from('\r\n');
	let state = 'preamble' as 'preamble' | 'headers' | 'body' | 'done';
	let part: { name?: string; fileName?: string } = {};
	let fieldChunks: Buffer[] = [];
	let file: { stream: WriteStream; info: UploadedFile } | undefined;
	let tooLarge = false;

	const writeBody = async (data: Buffer) => {
		if (data.length === 0) return;
		if (file) {
			file.info.size += data.length;
			if (file.info.size > maxFileBytes) tooLarge = true;
			if (!tooLarge && !file.stream.write(data)) {
				await new Promise<void>((resolve) => file?.stream.once('drain', () => resolve()));
			}
		} else {
			fieldChunks.push(data);
			if (fieldChunks.reduce((sum, chunk) => sum + chunk.length, 0) > MAX_FIELD_BYTES) {
				throw invalid(problem(`body.${part.name}`, 'Form field is too long.'));
			}
		}
	};

	const endPart = async () => {
		if (file) {
			const { stream, info } = file;
			await new Promise<void>((resolve, reject) =>
				stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
			);
			result.files.push(info);
			file = undefined;
		} else if (part.name !== undefined) {
			result.fields[part.name] = Buffer.concat(fieldChunks).toString('utf8');
		}
		fieldChunks = [];
	};

	const process = async (final: boolean) => {
		while (state !== 'done') {
			if (state === 'preamble' || state === 'body') {
				const at = buffer.indexOf(delimiter);
				if (at < 0) {
					// Keep enough bytes to recognise a delimiter split across chunks.
					const keep = final ? 0 : delimiter.length + 4;
					if (state === 'body' && buffer.length > keep) {
						await writeBody(buffer.subarray(0, buffer.length - keep));
						buffer = buffer.subarray(buffer.length - keep);
					}
					return;
				}
				const after = buffer.subarray(at + delimiter.length);
				// Wait for the two bytes that say whether this boundary is the last one.
				if (after.length < 2 && !final) return;
				if (state === 'body') {
					await writeBody(buffer.subarray(0, at));
					await endPart();
				}
				if (after.subarray(0, 2).toString() === '--') {
					state = 'done';
					return;
				}
				buffer = after.subarray(2);
				state = 'headers';
			}
			if (state === 'headers') {
				const end = buffer.indexOf('\r\n\r\n');
				if (end < 0) return;
				part = parseHeaders(buffer.subarray(0, end).toString('utf8'));
				buffer = buffer.subarray(end + 4);
				if (part.fileName !== undefined) {
					const path = join(storageDir, randomUUID());
					file = {
						stream: createWriteStream(path),
						info: { field: part.name ?? '', fileName: part.fileName, path, size: 0 },
					};
				}
				state = 'body';
			}
		}
	};

	/**
	 * Inside a file part, a chunk with no delimiter in it (nor straddling its start) is written
	 * as it is: no copy, so a gigabyte passes through a few chunks of memory.
	 */
	const writeWholeChunk = async (chunk: Buffer) => {
		const keep = delimiter.length + 4;
		if (state !== 'body' || !file || chunk.length <= 4 * keep || buffer.length > keep) return false;
		const seam = Buffer.concat([buffer, chunk.subarray(0, keep)]);
		if (seam.indexOf(delimiter) >= 0 || chunk.indexOf(delimiter) >= 0) return false;
		await writeBody(buffer);
		await writeBody(chunk.subarray(0, chunk.length - keep));
		buffer = Buffer.from(chunk.subarray(chunk.length - keep));
		return true;
	};

	const discardFiles = async () => {
		const open = file;
		file = undefined;
		if (open) {
			const closed = new Promise<void>((resolve) => open.stream.once('close', () => resolve()));
			open.stream.destroy();
			if (!open.stream.closed) await closed;
			rmSync(open.info.path, { force: true });
		}
		for (const written of result.files) rmSync(written.path, { force: true });
		result.files = [];
	};

	try {
		for await (const data of req) {
			const chunk = data as Buffer;
			if (await writeWholeChunk(chunk)) continue;
			buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
			await process(false);
		}
		await process(true);
		if (state !== 'done') {
			throw invalid(
				problem(
					'body',
					'The multipart body ended before its closing boundary.',
					'multipart_invalid',
				),
			);
		}
		if (tooLarge) {
			throw invalid(
				problem(
					'file.file',
					`Exceeded maximum file size (maximum is ${maxFileBytes} bytes)`,
					'file_too_large',
				),
			);
		}
	} catch (error) {
		await discardFiles();
		throw error;
	}
	return result;
}

/** Removes the files of a multipart body the route decided not to keep. */
export function discardUploads(result: MultipartResult, keep?: UploadedFile) {
	for (const file of result.files) if (file !== keep) rmSync(file.path, { force: true });
}

/** The parts as the spec's multipart schema sees them: field names with values, a file as "". */
export function multipartFields(result: MultipartResult): Record<string, string> {
	return {
		...result.fields,
		...Object.fromEntries(result.files.map((file) => [file.field, ''])),
	};
}
