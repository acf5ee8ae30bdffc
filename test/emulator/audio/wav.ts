// RIFF/WAVE: parsing headers (from a buffer or a file, without reading the audio data) and
// writing them; raw PCM layouts of the real-time STT formats.

import type { FileHandle } from 'node:fs/promises';

import { InvalidAudioError } from './types';

const MAX_LIST_CHUNK_BYTES = 1 << 20;

/** 16-bit PCM is the only sample format whose words can be decoded from the samples. */
export type SampleCode = 's16le' | 's16be' | 'other';

export interface PcmLayout {
	sampleRate: number;
	channels: number;
	/** Bytes per sample frame (all channels). */
	blockAlign: number;
	byteRate: number;
	code: SampleCode;
}

export interface WavInfo {
	layout: PcmLayout;
	dataOffset: number;
	/** Size declared in the data chunk header; undefined for streaming headers (0 or 0xFFFFFFFF). */
	declaredDataBytes: number | undefined;
	comment: string | undefined;
}

interface ReadRequest {
	offset: number;
	length: number;
}

const RAW_SAMPLE_WIDTHS: Record<string, number> = {
	pcm_s8: 1,
	pcm_u8: 1,
	pcm_s8le: 1,
	pcm_s8be: 1,
	pcm_u8le: 1,
	pcm_u8be: 1,
	mulaw: 1,
	alaw: 1,
	pcm_s16le: 2,
	pcm_s16be: 2,
	pcm_u16le: 2,
	pcm_u16be: 2,
	pcm_s24le: 3,
	pcm_s24be: 3,
	pcm_u24le: 3,
	pcm_u24be: 3,
	pcm_s32le: 4,
	pcm_s32be: 4,
	pcm_u32le: 4,
	pcm_u32be: 4,
	pcm_f32le: 4,
	pcm_f32be: 4,
	pcm_f64le: 8,
	pcm_f64be: 8,
};

/** The raw formats of the real-time STT config, with their sample width in bytes. */
export const RAW_PCM_FORMATS: readonly string[] = Object.keys(RAW_SAMPLE_WIDTHS);

export function rawPcmLayout(format: string, sampleRate: number, channels: number): PcmLayout {
	const width = RAW_SAMPLE_WIDTHS[format];
	if (width === undefined) throw new Error(`Not a raw PCM format: ${format}`);
	const code: SampleCode =
		format === 'pcm_s16le' ? 's16le' : format === 'pcm_s16be' ? 's16be' : 'other';
	return {
		sampleRate,
		channels,
		blockAlign: width * channels,
		byteRate: width * channels * sampleRate,
		code,
	};
}

/**
 * Walks RIFF chunks as a generator of read requests, so the same parser serves a Buffer
 * (sync) and a file handle (async). Stops at the data chunk when `stopAtData`.
 */
function* walkWav(totalSize: number, stopAtData: boolean): Generator<ReadRequest, WavInfo, Buffer> {
	const riff = yield { offset: 0, length: 12 };
	if (
		riff.length < 12 ||
		riff.toString('latin1', 0, 4) !== 'RIFF' ||
		riff.toString('latin1', 8, 12) !== 'WAVE'
	) {
		throw new InvalidAudioError('Not a RIFF/WAVE file.');
	}
	let layout: PcmLayout | undefined;
	let dataOffset: number | undefined;
	let declaredDataBytes: number | undefined;
	let comment: string | undefined;
	let offset = 12;
	while (offset + 8 <= totalSize) {
		const head = yield { offset, length: 8 };
		if (head.length < 8) break;
		const id = head.toString('latin1', 0, 4);
		const size = head.readUInt32LE(4);
		const bodyOffset = offset + 8;
		if (id === 'fmt ') {
			layout = parseFmtChunk(yield { offset: bodyOffset, length: Math.min(size, 64) });
		} else if (id === 'LIST' && size >= 4 && size <= MAX_LIST_CHUNK_BYTES) {
			comment = parseInfoComment(yield { offset: bodyOffset, length: size }) ?? comment;
		} else if (id === 'data') {
			dataOffset = bodyOffset;
			declaredDataBytes = size === 0 || size === 0xffffffff ? undefined : size;
			if (stopAtData || declaredDataBytes === undefined) break;
		}
		offset = bodyOffset + size + (size % 2);
	}
	if (!layout) throw new InvalidAudioError('WAV file has no fmt chunk.');
	if (dataOffset === undefined) throw new InvalidAudioError('WAV file has no data chunk.');
	return { layout, dataOffset, declaredDataBytes, comment };
}

/** WAVE_FORMAT_PCM, _IEEE_FLOAT, _ALAW and _MULAW: one block per sample frame. */
const SAMPLE_FORMAT_TAGS = [1, 3, 6, 7];

function parseFmtChunk(body: Buffer): PcmLayout {
	if (body.length < 16) throw new InvalidAudioError('WAV fmt chunk is too short.');
	let formatTag = body.readUInt16LE(0);
	const channels = body.readUInt16LE(2);
	const sampleRate = body.readUInt32LE(4);
	const blockAlign = body.readUInt16LE(12);
	const bitsPerSample = body.readUInt16LE(14);
	if (formatTag === 0xfffe && body.length >= 26) formatTag = body.readUInt16LE(24);
	// A decoder times PCM, float and G.711 samples by their rate, whatever the byte-rate field says.
	const byteRate = SAMPLE_FORMAT_TAGS.includes(formatTag)
		? sampleRate * blockAlign
		: body.readUInt32LE(8);
	if (channels === 0 || sampleRate === 0 || byteRate === 0 || blockAlign === 0) {
		throw new InvalidAudioError('WAV fmt chunk describes no audio.');
	}
	const code: SampleCode = formatTag === 1 && bitsPerSample === 16 ? 's16le' : 'other';
	return { sampleRate, channels, blockAlign, byteRate, code };
}

function parseInfoComment(body: Buffer): string | undefined {
	if (body.length < 4 || body.toString('latin1', 0, 4) !== 'INFO') return undefined;
	let offset = 4;
	while (offset + 8 <= body.length) {
		const id = body.toString('latin1', offset, offset + 4);
		const size = body.readUInt32LE(offset + 4);
		const start = offset + 8;
		const end = Math.min(start + size, body.length);
		if (id === 'ICMT') return body.toString('utf8', start, end).replace(/\0+$/, '');
		offset = start + size + (size % 2);
	}
	return undefined;
}

export class NeedMoreBytes extends Error {}

/** Parses a WAV header from the start of a buffer; throws NeedMoreBytes when it is cut short. */
export function parseWavBuffer(audio: Buffer, stopAtData: boolean, complete: boolean): WavInfo {
	const walk = walkWav(complete ? audio.length : Number.MAX_SAFE_INTEGER, stopAtData);
	let step = walk.next(Buffer.alloc(0));
	while (!step.done) {
		const { offset, length } = step.value;
		if (!complete && offset + length > audio.length) throw new NeedMoreBytes();
		step = walk.next(audio.subarray(offset, offset + length));
	}
	return step.value;
}

export async function parseWavFile(file: FileHandle, size: number): Promise<WavInfo> {
	const walk = walkWav(size, false);
	let step = walk.next(Buffer.alloc(0));
	while (!step.done) {
		const { offset, length } = step.value;
		const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
		const { bytesRead } = await file.read(buffer, 0, buffer.length, offset);
		step = walk.next(buffer.subarray(0, bytesRead));
	}
	return step.value;
}

export function isRiff(head: Buffer): boolean {
	return head.length >= 4 && head.toString('latin1', 0, 4) === 'RIFF';
}

export function bytesToMs(bytes: number, byteRate: number): number {
	return Math.round((bytes * 1000) / byteRate);
}

/** A LIST/INFO chunk whose ICMT (comment) carries `text`. */
export function infoChunk(text: string): Buffer {
	const comment = Buffer.from(`${text}\0`, 'utf8');
	const commentPadded = comment.length + (comment.length % 2);
	const chunk = Buffer.alloc(8 + 4 + 8 + commentPadded);
	chunk.write('LIST', 0, 'latin1');
	chunk.writeUInt32LE(4 + 8 + commentPadded, 4);
	chunk.write('INFO', 8, 'latin1');
	chunk.write('ICMT', 12, 'latin1');
	chunk.writeUInt32LE(comment.length, 16);
	comment.copy(chunk, 20);
	return chunk;
}

export interface WavHeaderOptions {
	sampleRate: number;
	channels: number;
	bitsPerSample: number;
	/** 1 = PCM, 3 = IEEE float, 6 = A-law, 7 = µ-law. */
	formatTag: number;
	dataBytes: number;
	/** Chunks placed between fmt and data (e.g. LIST/INFO). */
	extra?: Buffer;
}

export function wavHeader(options: WavHeaderOptions): Buffer {
	const extra = options.extra ?? Buffer.alloc(0);
	const header = Buffer.alloc(12 + 24 + extra.length + 8);
	const blockAlign = (options.channels * options.bitsPerSample) / 8;
	header.write('RIFF', 0, 'latin1');
	header.writeUInt32LE(Math.min(0xffffffff, 4 + 24 + extra.length + 8 + options.dataBytes), 4);
	header.write('WAVE', 8, 'latin1');
	header.write('fmt ', 12, 'latin1');
	header.writeUInt32LE(16, 16);
	header.writeUInt16LE(options.formatTag, 20);
	header.writeUInt16LE(options.channels, 22);
	header.writeUInt32LE(options.sampleRate, 24);
	header.writeUInt32LE(options.sampleRate * blockAlign, 28);
	header.writeUInt16LE(blockAlign, 32);
	header.writeUInt16LE(options.bitsPerSample, 34);
	extra.copy(header, 36);
	header.write('data', 36 + extra.length, 'latin1');
	header.writeUInt32LE(Math.min(0xffffffff, options.dataBytes), 40 + extra.length);
	return header;
}
