// The multipart body of an upload, byte for byte, from each place n8n keeps a binary: base64
// text in the item (default mode), decoded a piece at a time (768 KiB of audio a piece), and
// n8n's store (filesystem mode here). The emulator parses the body as Soniox would and keeps
// the file; what it kept must be the binary exactly, so a wrong Content-Length, a lost or
// doubled piece or a misdecoded edge fails.
import { readFileSync } from 'node:fs';

import type { IBinaryData } from 'n8n-workflow';

import { startEmulator, type Emulator } from '../emulator';
import type { EmulatorState } from '../emulator/state';
import {
	emulatorCredentials,
	expectRequestsToConform,
	runNode,
	storeBinary,
	useBinaryDataMode,
} from '../harness';
import { uploadTimeoutMs } from '../../nodes/Soniox/v1/transport/multipart';

useBinaryDataMode('filesystem');

const PIECE = 768 * 1024;

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator();
});
afterAll(async () => await emulator.close());
afterEach(() => {
	expectRequestsToConform(emulator);
	emulator.reset();
});

/** `size` bytes, none alike in a row, so a shifted piece shows. */
function bytes(size: number): Buffer {
	const data = Buffer.alloc(size);
	for (let i = 0; i < size; i++) data[i] = (i * 7919 + (i >> 10)) % 256;
	return data;
}

/** A binary as n8n's default mode holds it: base64 text in the item, no id. */
function inItem(data: string): IBinaryData {
	return { data, mimeType: 'audio/wav', fileName: 'call.wav' };
}

async function upload(binary: IBinaryData) {
	const run = await runNode({
		parameters: { resource: 'file', operation: 'upload', clientReferenceId: 'body-check' },
		credentials: emulatorCredentials(emulator),
		items: [{ json: {}, binary: { data: binary } }],
	});
	return { ...run, stored: () => stored(String(run.items[0]?.json.id)) };
}

function stored(id: string): Buffer {
	const file = (emulator.ctx as EmulatorState).files.get(id);
	if (!file) throw new Error(`The emulator holds no file ${id}`);
	return readFileSync(file.path);
}

describe('a binary held in the item (default mode)', () => {
	it.each([1, 2, 3, 4, 5, 16, PIECE - 1, PIECE, PIECE + 1, 2 * PIECE + 2, 3 * PIECE + 5])(
		'of %i bytes arrives byte for byte',
		async (size) => {
			const data = bytes(size);
			const { error, items, stored: kept } = await upload(inItem(data.toString('base64')));
			expect(error).toBeUndefined();
			expect(items[0].json).toMatchObject({ size, filename: 'call.wav' });
			expect(kept().equals(data)).toBe(true);
		},
	);

	it('arrives whole from base64 without its padding', async () => {
		const data = bytes(PIECE + 1);
		const text = data.toString('base64').replace(/=+$/, '');
		const { error, stored: kept } = await upload(inItem(text));
		expect(error).toBeUndefined();
		expect(kept().equals(data)).toBe(true);
	});

	it('arrives whole from base64 broken into lines (decoded whole, as n8n does)', async () => {
		const data = bytes(2 * PIECE + 7);
		const text = data.toString('base64').replace(/.{76}/g, '$&\r\n').trimEnd();
		const { error, items, stored: kept } = await upload(inItem(text));
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ size: data.length });
		expect(kept().equals(data)).toBe(true);
	});

	it('is read anew for a retry after 429', async () => {
		emulator.faults.arm({ route: 'POST /v1/files', statuses: [429], retryAfterSeconds: 0 });
		const data = bytes(2 * PIECE + 1);
		const { error, stored: kept } = await upload(inItem(data.toString('base64')));
		expect(error).toBeUndefined();
		expect(kept().equals(data)).toBe(true);
		expect(
			emulator
				.requests()
				.filter((request) => request.route === 'POST /v1/files')
				.map((request) => request.status),
		).toEqual([429, 201]);
	});

	it('is refused when it is not audio, before anything is sent', async () => {
		const { error } = await upload({
			data: Buffer.from('{"not":"audio"}').toString('base64'),
			mimeType: 'application/json',
			fileName: 'notes.json',
		});
		expect(error?.message).toMatch(/holds application\/json \("notes.json"\), not audio/);
		expect(emulator.requests()).toHaveLength(0);
	});
});

describe("a binary in n8n's store (filesystem mode)", () => {
	it('arrives byte for byte, and again after a 429', async () => {
		const data = bytes(3 * 1024 * 1024 + 3);
		const binary = await storeBinary(data, 'call.wav', 'audio/wav');
		expect(binary.id).toMatch(/^filesystem/);
		const first = await upload(binary);
		expect(first.error).toBeUndefined();
		expect(first.stored().equals(data)).toBe(true);

		emulator.faults.arm({ route: 'POST /v1/files', statuses: [429], retryAfterSeconds: 0 });
		const retried = await upload(binary);
		expect(retried.error).toBeUndefined();
		expect(retried.stored().equals(data)).toBe(true);
	});

	it('is refused when it is not audio, before anything is sent', async () => {
		const binary = await storeBinary(Buffer.from('just some text'), 'notes.txt', 'text/plain');
		const { error } = await upload(binary);
		expect(error?.message).toMatch(/holds text\/plain \("notes.txt"\), not audio/);
		expect(emulator.requests()).toHaveLength(0);
	});
});

it('gives an upload of over 900 MiB a whole number of milliseconds (the deadline takes no fraction)', () => {
	// 1 GiB and its multipart framing, at 256 KiB a second: 4,096,001.14… ms before rounding.
	const bytes = 1024 ** 3 + 300;
	expect(Number.isInteger(uploadTimeoutMs(bytes))).toBe(true);
	expect(uploadTimeoutMs(bytes)).toBe(4_096_002);
	expect(() => AbortSignal.timeout(uploadTimeoutMs(bytes))).not.toThrow();
	expect(uploadTimeoutMs(1000)).toBe(60 * 60 * 1000);
});
