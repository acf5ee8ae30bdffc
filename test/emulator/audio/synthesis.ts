// The fake voice: MS_PER_CHARACTER per character at speed 1, as PCM, G.711, WAV or a
// compressed container. PCM and WAV carry the sample-coded words, so STT hears TTS output.

import { aacPieces, flacPieces, mp3Pieces, opusPieces } from './containers';
import { speechSamples } from './sample-code';
import { layoutText } from './text-layout';
import { wavHeader } from './wav';

const { min, abs } = Math;

export const MS_PER_CHARACTER = 60;

export type TtsAudioFormat =
	| 'pcm_f32le'
	| 'pcm_s16le'
	| 'pcm_s16be'
	| 'pcm_mulaw'
	| 'pcm_alaw'
	| 'wav'
	| 'aac'
	| 'mp3'
	| 'opus'
	| 'flac';

export interface TtsFormatRule {
	contentType: string;
	sampleRates: readonly number[];
	defaultSampleRate: number;
	bitrates?: readonly number[];
	defaultBitrate?: number;
}

const PCM_RATES = [8000, 16000, 24000, 44100, 48000] as const;
const LOSSY_BITRATES = [32000, 64000, 96000, 128000, 192000, 256000, 320000] as const;

/**
 * The reference's format table (§6); pcm_s16be follows pcm_s16le. Defaults are assumed. The
 * spec's POST /tts media types are audio/pcm, mpeg, opus, flac and application/octet-stream:
 * wav and aac, having none of their own, are sent as application/octet-stream.
 */
export const TTS_AUDIO_FORMATS: Record<TtsAudioFormat, TtsFormatRule> = {
	pcm_f32le: { contentType: 'audio/pcm', sampleRates: PCM_RATES, defaultSampleRate: 24000 },
	pcm_s16le: { contentType: 'audio/pcm', sampleRates: PCM_RATES, defaultSampleRate: 24000 },
	pcm_s16be: { contentType: 'audio/pcm', sampleRates: PCM_RATES, defaultSampleRate: 24000 },
	pcm_mulaw: { contentType: 'audio/pcm', sampleRates: [8000], defaultSampleRate: 8000 },
	pcm_alaw: { contentType: 'audio/pcm', sampleRates: [8000], defaultSampleRate: 8000 },
	wav: {
		contentType: 'application/octet-stream',
		sampleRates: PCM_RATES,
		defaultSampleRate: 24000,
	},
	flac: {
		contentType: 'audio/flac',
		sampleRates: [16000, 24000, 44100, 48000],
		defaultSampleRate: 24000,
	},
	mp3: {
		contentType: 'audio/mpeg',
		sampleRates: [16000, 24000, 32000, 44100, 48000],
		defaultSampleRate: 24000,
		bitrates: LOSSY_BITRATES,
		defaultBitrate: 128000,
	},
	opus: {
		contentType: 'audio/opus',
		sampleRates: [8000, 16000, 24000, 48000],
		defaultSampleRate: 24000,
		bitrates: [16000, 32000, 64000, 96000, 128000, 256000],
		defaultBitrate: 128000,
	},
	aac: {
		contentType: 'application/octet-stream',
		sampleRates: [16000, 24000, 44100, 48000],
		defaultSampleRate: 24000,
		bitrates: LOSSY_BITRATES,
		defaultBitrate: 128000,
	},
};

export function isTtsAudioFormat(value: string): value is TtsAudioFormat {
	return Object.prototype.hasOwnProperty.call(TTS_AUDIO_FORMATS, value);
}

/** How long the fake voice takes to say `text` at `speed`; reduced silence halves the spaces. */
export function speechDurationMs(text: string, speed = 1, reduceSilence = false): number {
	let units = 0;
	for (const char of text) units += reduceSilence && /\s/u.test(char) ? 0.5 : 1;
	return Math.round((units * MS_PER_CHARACTER) / speed);
}

export interface SynthesisOptions {
	text: string;
	audioFormat: TtsAudioFormat;
	sampleRate?: number;
	speed?: number;
	bitrate?: number;
	reduceSilence?: boolean;
}

/** A span of the output: these bytes carry the audio from fromMs to toMs. */
export interface SynthesisPiece {
	audio: Buffer;
	fromMs: number;
	toMs: number;
}

export interface CharacterTimings {
	characters: string[];
	character_start_times_seconds: number[];
	character_end_times_seconds: number[];
}

export interface Synthesis {
	contentType: string;
	sampleRate: number;
	/** Only for mp3, aac and opus. */
	bitrate: number | undefined;
	durationMs: number;
	/** The audio in pieces of at most a few tens of KiB, generated lazily. */
	pieces(): Iterable<SynthesisPiece>;
	chunks(): Iterable<Buffer>;
	/** When each character of the text is spoken. */
	timings(): CharacterTimings;
}

export function synthesize(options: SynthesisOptions): Synthesis {
	const rule = TTS_AUDIO_FORMATS[options.audioFormat];
	const sampleRate = options.sampleRate ?? rule.defaultSampleRate;
	const bitrate = rule.bitrates ? (options.bitrate ?? rule.defaultBitrate) : undefined;
	const durationMs = speechDurationMs(
		options.text,
		options.speed ?? 1,
		options.reduceSilence ?? false,
	);
	const totalSamples = Math.round((durationMs * sampleRate) / 1000);
	const source = () => speechSamples(options.text, durationMs, sampleRate);
	const pieces = (): Iterable<SynthesisPiece> => {
		switch (options.audioFormat) {
			case 'mp3':
				return mp3Pieces(totalSamples, sampleRate, bitrate!);
			case 'aac':
				return aacPieces(totalSamples, sampleRate, bitrate!);
			case 'opus':
				return opusPieces(totalSamples, sampleRate, bitrate!);
			case 'flac':
				return flacPieces(source(), totalSamples, sampleRate);
			default:
				return pcmPieces(source(), options.audioFormat, totalSamples, sampleRate);
		}
	};
	return {
		contentType: rule.contentType,
		sampleRate,
		bitrate,
		durationMs,
		pieces,
		chunks: () => mapIterable(pieces(), (piece) => piece.audio),
		timings: () => characterTimings(options.text, durationMs),
	};
}

function* mapIterable<T, U>(items: Iterable<T>, map: (item: T) => U): Generator<U> {
	for (const item of items) yield map(item);
}

export function characterTimings(text: string, durationMs: number): CharacterTimings {
	const characters: string[] = [];
	const starts: number[] = [];
	const ends: number[] = [];
	const seconds = (ms: number) => Math.round(ms) / 1000;
	for (const word of layoutText(text, durationMs)) {
		const chars = Array.from(word.text);
		chars.forEach((char, index) => {
			characters.push(char);
			starts.push(seconds(word.startMs + ((word.endMs - word.startMs) * index) / chars.length));
			ends.push(seconds(word.startMs + ((word.endMs - word.startMs) * (index + 1)) / chars.length));
		});
	}
	// Text without any word (only whitespace) is spoken as nothing.
	for (const char of Array.from(text).slice(characters.length)) {
		characters.push(char);
		starts.push(0);
		ends.push(0);
	}
	return { characters, character_start_times_seconds: starts, character_end_times_seconds: ends };
}

function* pcmPieces(
	blocks: Iterable<Int16Array>,
	format: TtsAudioFormat,
	totalSamples: number,
	sampleRate: number,
): Generator<SynthesisPiece> {
	const ms = (sample: number) => Math.round((sample * 1000) / sampleRate);
	if (format === 'wav') {
		const header = wavHeader({
			sampleRate,
			channels: 1,
			bitsPerSample: 16,
			formatTag: 1,
			dataBytes: totalSamples * 2,
		});
		yield { audio: header, fromMs: 0, toMs: 0 };
	}
	let done = 0;
	for (const block of blocks) {
		yield { audio: encodePcm(block, format), fromMs: ms(done), toMs: ms(done + block.length) };
		done += block.length;
	}
}

function encodePcm(block: Int16Array, format: TtsAudioFormat): Buffer {
	switch (format) {
		case 'pcm_f32le': {
			const floats = new Float32Array(block.length);
			for (let i = 0; i < block.length; i++) floats[i] = block[i] / 32768;
			return littleEndianBytes(floats);
		}
		case 'pcm_s16be': {
			const out = Buffer.allocUnsafe(block.length * 2);
			for (let i = 0; i < block.length; i++) {
				out[i * 2] = (block[i] >> 8) & 0xff;
				out[i * 2 + 1] = block[i] & 0xff;
			}
			return out;
		}
		case 'pcm_mulaw':
			return Buffer.from(Array.from(block, muLawByte));
		case 'pcm_alaw':
			return Buffer.from(Array.from(block, aLawByte));
		default:
			return littleEndianBytes(block);
	}
}

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function littleEndianBytes(samples: Int16Array | Float32Array): Buffer {
	const bytes = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
	if (HOST_IS_LITTLE_ENDIAN) return bytes;
	const copy = Buffer.from(bytes);
	return samples instanceof Int16Array ? copy.swap16() : copy.swap32();
}

export function muLawByte(sample: number): number {
	const sign = sample < 0 ? 0x80 : 0;
	let magnitude = min(abs(sample), 32635) + 0x84;
	let exponent = 7;
	for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
	const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
	magnitude = sign | (exponent << 4) | mantissa;
	return ~magnitude & 0xff;
}

export function aLawByte(sample: number): number {
	const sign = sample >= 0 ? 0x80 : 0;
	const magnitude = min(sample >= 0 ? sample : -sample - 1, 32767);
	let value: number;
	if (magnitude >= 256) {
		let exponent = 7;
		for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 1; mask >>= 1) exponent--;
		value = (exponent << 4) | ((magnitude >> (exponent + 3)) & 0x0f);
	} else {
		value = magnitude >> 4;
	}
	return (value | sign) ^ 0x55;
}
