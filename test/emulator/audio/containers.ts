// Compressed containers with real headers and bitrate-sized bodies: ID3 + MPEG layer III
// frames, ADTS AAC and Ogg Opus (silent payloads), FLAC with verbatim (decodable) subframes.

import type { SynthesisPiece } from './synthesis';

/** Groups small frames into pieces of about this many bytes. */
const PIECE_BYTES = 16 * 1024;

function* groupFrames(
	frames: Iterable<{ bytes: Buffer; samples: number }>,
	sampleRate: number,
	header?: Buffer,
): Generator<SynthesisPiece> {
	const ms = (sample: number) => Math.round((sample * 1000) / sampleRate);
	let parts: Buffer[] = header ? [header] : [];
	let size = header?.length ?? 0;
	let from = 0;
	let to = 0;
	for (const frame of frames) {
		parts.push(frame.bytes);
		size += frame.bytes.length;
		to += frame.samples;
		if (size >= PIECE_BYTES) {
			yield { audio: Buffer.concat(parts), fromMs: ms(from), toMs: ms(to) };
			parts = [];
			size = 0;
			from = to;
		}
	}
	if (parts.length > 0) yield { audio: Buffer.concat(parts), fromMs: ms(from), toMs: ms(to) };
}

/** Frame sizes averaging `bytesPerFrame` as closely as whole bytes allow. */
function frameSizes(bytesPerFrame: number): (index: number) => number {
	return (index) => Math.floor((index + 1) * bytesPerFrame) - Math.floor(index * bytesPerFrame);
}

const MPEG1_L3_KBPS = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MPEG2_L3_KBPS = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

export function* mp3Pieces(
	totalSamples: number,
	sampleRate: number,
	bitrate: number,
): Generator<SynthesisPiece> {
	const mpeg1 = sampleRate >= 32000;
	const table = mpeg1 ? MPEG1_L3_KBPS : MPEG2_L3_KBPS;
	// The nearest bitrate the frame header can state (MPEG-2 stops at 160 kbit/s).
	let index = table.length - 1;
	while (index > 1 && table[index] * 1000 > bitrate) index--;
	const frameBitrate = table[index] * 1000;
	const samplesPerFrame = mpeg1 ? 1152 : 576;
	const rateIndex = (mpeg1 ? [44100, 48000, 32000] : [22050, 24000, 16000]).indexOf(sampleRate);
	const bytesPerFrame = (samplesPerFrame / 8) * (frameBitrate / sampleRate);
	const count = Math.ceil(totalSamples / samplesPerFrame);
	const sizeOf = frameSizes(bytesPerFrame);
	const exactSize = Number.isInteger(bytesPerFrame);
	const frames = function* () {
		for (let i = 0; i < count; i++) {
			const size = sizeOf(i);
			const frame = Buffer.alloc(size);
			frame[0] = 0xff;
			frame[1] = mpeg1 ? 0xfb : 0xf3;
			const padded = !exactSize && size > Math.floor(bytesPerFrame) ? 1 : 0;
			frame[2] = (index << 4) | (rateIndex << 2) | (padded << 1);
			frame[3] = 0xc4; // mono, original
			yield {
				bytes: frame,
				samples: Math.min(samplesPerFrame, totalSamples - i * samplesPerFrame),
			};
		}
	};
	yield* groupFrames(frames(), sampleRate, id3Tag());
}

function id3Tag(): Buffer {
	const text = Buffer.from('\u0003Soniox emulator', 'utf8');
	const frame = Buffer.alloc(10 + text.length);
	frame.write('TSSE', 0, 'latin1');
	frame.writeUInt32BE(text.length, 4); // < 128, so also a valid synchsafe integer
	text.copy(frame, 10);
	const tag = Buffer.alloc(10);
	tag.write('ID3', 0, 'latin1');
	tag[3] = 4;
	tag.writeUInt32BE(frame.length, 6);
	return Buffer.concat([tag, frame]);
}

const AAC_RATE_INDEX = [
	96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000,
];

export function* aacPieces(
	totalSamples: number,
	sampleRate: number,
	bitrate: number,
): Generator<SynthesisPiece> {
	const rateIndex = AAC_RATE_INDEX.indexOf(sampleRate);
	const count = Math.ceil(totalSamples / 1024);
	const sizeOf = frameSizes((1024 / 8) * (bitrate / sampleRate));
	const frames = function* () {
		for (let i = 0; i < count; i++) {
			const size = Math.max(8, sizeOf(i));
			const frame = Buffer.alloc(size);
			frame[0] = 0xff;
			frame[1] = 0xf1; // MPEG-4, no CRC
			frame[2] = (1 << 6) | (rateIndex << 2); // AAC LC
			frame[3] = (1 << 6) | ((size >> 11) & 0x03); // mono
			frame[4] = (size >> 3) & 0xff;
			frame[5] = ((size & 0x07) << 5) | 0x1f;
			frame[6] = 0xfc;
			yield { bytes: frame, samples: Math.min(1024, totalSamples - i * 1024) };
		}
	};
	yield* groupFrames(frames(), sampleRate);
}

const OPUS_PRE_SKIP = 312;

export function* opusPieces(
	totalSamples: number,
	sampleRate: number,
	bitrate: number,
): Generator<SynthesisPiece> {
	const serial = 0x536f6e69;
	const head = Buffer.alloc(19);
	head.write('OpusHead', 0, 'latin1');
	head[8] = 1;
	head[9] = 1;
	head.writeUInt16LE(OPUS_PRE_SKIP, 10);
	head.writeUInt32LE(sampleRate, 12);
	const vendor = Buffer.from('soniox-emulator', 'utf8');
	const tags = Buffer.alloc(8 + 4 + vendor.length + 4);
	tags.write('OpusTags', 0, 'latin1');
	tags.writeUInt32LE(vendor.length, 8);
	vendor.copy(tags, 12);
	const headers = Buffer.concat([
		oggPage({ packets: [head], granule: 0n, serial, sequence: 0, flags: 0x02 }),
		oggPage({ packets: [tags], granule: 0n, serial, sequence: 1, flags: 0 }),
	]);
	// 20 ms packets of a CELT-only full-band configuration, 50 to a page.
	const totalMs = (totalSamples * 1000) / sampleRate;
	const count = Math.ceil(totalMs / 20);
	const sizeOf = frameSizes((bitrate * 0.02) / 8);
	const pages = function* () {
		for (let first = 0, sequence = 2; first < count; first += 50, sequence++) {
			const packets: Buffer[] = [];
			const last = Math.min(count, first + 50);
			for (let i = first; i < last; i++) {
				const packet = Buffer.alloc(Math.max(1, sizeOf(i)));
				packet[0] = 0xf8;
				packets.push(packet);
			}
			const granule =
				last === count ? OPUS_PRE_SKIP + Math.round(totalMs * 48) : OPUS_PRE_SKIP + last * 960;
			const flags = last === count ? 0x04 : 0;
			const samples =
				Math.min(totalSamples, Math.round((last * 20 * sampleRate) / 1000)) -
				Math.round((first * 20 * sampleRate) / 1000);
			yield {
				bytes: oggPage({ packets, granule: BigInt(granule), serial, sequence, flags }),
				samples,
			};
		}
	};
	yield* groupFrames(pages(), sampleRate, headers);
}

function oggPage(page: {
	packets: Buffer[];
	granule: bigint;
	serial: number;
	sequence: number;
	flags: number;
}): Buffer {
	const lacing: number[] = [];
	for (const packet of page.packets) {
		let left = packet.length;
		while (left >= 255) {
			lacing.push(255);
			left -= 255;
		}
		lacing.push(left);
	}
	const header = Buffer.alloc(27 + lacing.length);
	header.write('OggS', 0, 'latin1');
	header[5] = page.flags;
	header.writeBigUInt64LE(page.granule, 6);
	header.writeUInt32LE(page.serial, 14);
	header.writeUInt32LE(page.sequence, 18);
	header[26] = lacing.length;
	lacing.forEach((value, index) => (header[27 + index] = value));
	const bytes = Buffer.concat([header, ...page.packets]);
	bytes.writeUInt32LE(oggCrc(bytes), 22);
	return bytes;
}

const OGG_CRC_TABLE = (() => {
	const table = new Uint32Array(256);
	for (let i = 0; i < 256; i++) {
		let crc = i << 24;
		for (let bit = 0; bit < 8; bit++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
		table[i] = crc >>> 0;
	}
	return table;
})();

export function oggCrc(bytes: Uint8Array): number {
	let crc = 0;
	for (let i = 0; i < bytes.length; i++)
		crc = ((crc << 8) ^ OGG_CRC_TABLE[((crc >>> 24) ^ bytes[i]) & 0xff]) >>> 0;
	return crc;
}

const FLAC_BLOCK = 4096;
const FLAC_RATE_CODES: Record<number, number> = {
	8000: 4,
	16000: 5,
	22050: 6,
	24000: 7,
	32000: 8,
	44100: 9,
	48000: 10,
};

export function* flacPieces(
	blocks: Iterable<Int16Array>,
	totalSamples: number,
	sampleRate: number,
): Generator<SynthesisPiece> {
	const info = Buffer.alloc(4 + 4 + 34);
	info.write('fLaC', 0, 'latin1');
	info[4] = 0x80; // last metadata block, STREAMINFO
	info.writeUIntBE(34, 5, 3);
	info.writeUInt16BE(FLAC_BLOCK, 8);
	info.writeUInt16BE(FLAC_BLOCK, 10);
	const packed = (BigInt(sampleRate) << 44n) | (0n << 41n) | (15n << 36n) | BigInt(totalSamples);
	info.writeBigUInt64BE(packed, 18);
	const frames = function* () {
		let pending = new Int16Array(0);
		let frameNumber = 0;
		const flush = function* (samples: Int16Array) {
			yield { bytes: flacFrame(samples, frameNumber++, sampleRate), samples: samples.length };
		};
		for (const block of blocks) {
			const joined = new Int16Array(pending.length + block.length);
			joined.set(pending);
			joined.set(block, pending.length);
			let at = 0;
			for (; at + FLAC_BLOCK <= joined.length; at += FLAC_BLOCK)
				yield* flush(joined.subarray(at, at + FLAC_BLOCK));
			pending = joined.slice(at);
		}
		if (pending.length > 0) yield* flush(pending);
	};
	yield* groupFrames(frames(), sampleRate, info);
}

function flacFrame(samples: Int16Array, frameNumber: number, sampleRate: number): Buffer {
	const fullBlock = samples.length === FLAC_BLOCK;
	const header: number[] = [
		0xff,
		0xf8,
		((fullBlock ? 12 : 7) << 4) | FLAC_RATE_CODES[sampleRate],
		0x08,
	];
	header.push(...utf8CodedNumber(frameNumber));
	if (!fullBlock) header.push(((samples.length - 1) >> 8) & 0xff, (samples.length - 1) & 0xff);
	header.push(crc8(header));
	const frame = Buffer.alloc(header.length + 1 + samples.length * 2 + 2);
	Buffer.from(header).copy(frame, 0);
	frame[header.length] = 0x02; // verbatim subframe, no wasted bits
	for (let i = 0; i < samples.length; i++)
		frame.writeInt16BE(samples[i], header.length + 1 + i * 2);
	frame.writeUInt16BE(crc16(frame.subarray(0, frame.length - 2)), frame.length - 2);
	return frame;
}

/** FLAC frame numbers use the UTF-8 byte pattern, extended to 36 bits. */
function utf8CodedNumber(value: number): number[] {
	if (value < 0x80) return [value];
	const limits = [0x800, 0x10000, 0x200000, 0x4000000, 0x80000000];
	const count = limits.findIndex((limit) => value < limit) + 2;
	const bytes: number[] = [];
	let rest = value;
	for (let i = 1; i < count; i++) {
		bytes.unshift(0x80 | (rest & 0x3f));
		rest = Math.floor(rest / 64);
	}
	return [((0xff << (8 - count)) & 0xff) | rest, ...bytes];
}

function crc8(bytes: number[]): number {
	let crc = 0;
	for (const byte of bytes) {
		crc ^= byte;
		for (let bit = 0; bit < 8; bit++)
			crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
	}
	return crc;
}

const CRC16_TABLE = (() => {
	const table = new Uint16Array(256);
	for (let i = 0; i < 256; i++) {
		let crc = i << 8;
		for (let bit = 0; bit < 8; bit++)
			crc = crc & 0x8000 ? ((crc << 1) ^ 0x8005) & 0xffff : (crc << 1) & 0xffff;
		table[i] = crc;
	}
	return table;
})();

function crc16(bytes: Uint8Array): number {
	let crc = 0;
	for (let i = 0; i < bytes.length; i++)
		crc = ((crc << 8) ^ CRC16_TABLE[((crc >> 8) ^ bytes[i]) & 0xff]) & 0xffff;
	return crc;
}
