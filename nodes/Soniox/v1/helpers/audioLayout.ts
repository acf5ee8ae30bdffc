// What the real-time sender must know about the audio it streams: how fast to send it, and
// where it may be cut to resume after the server ended a session early.

/** Sample width in bytes of every raw format the real-time STT API accepts. */
export const RAW_FORMAT_SAMPLE_BYTES: Record<string, number> = {
	pcm_s8: 1,
	pcm_u8: 1,
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

const SAMPLE_KINDS: Record<string, string> = { s: 'Signed', u: 'Unsigned', f: 'Float' };
const BYTE_ORDERS: Record<string, string> = { le: ', Little-Endian', be: ', Big-Endian' };

/** A raw format's name as the editor lists it, e.g. pcm_s16le → PCM 16-Bit Signed, Little-Endian. */
export function rawFormatName(format: string): string {
	if (format === 'mulaw') return 'G.711 μ-Law';
	if (format === 'alaw') return 'G.711 A-Law';
	const [, kind, bits, order = ''] = /^pcm_([suf])(\d+)(le|be)?$/.exec(format) ?? [];
	return `PCM ${bits}-Bit ${SAMPLE_KINDS[kind]}${BYTE_ORDERS[order] ?? ''}`;
}

/**
 * Bytes per second assumed for compressed audio sent with format 'auto' (128 kbit/s): its
 * real bitrate is unknown without decoding it. Files of higher bitrate are then sent a little
 * slower than real time, which Soniox accepts; lower ones a little faster.
 */
export const COMPRESSED_BYTES_PER_SECOND = 16_000;

/** The sample rates Soniox takes for raw audio. */
export const SAMPLE_RATE_RANGE = { min: 1000, max: 384_000 };
/** Fewer bytes per second than the leanest speech codec (8 kbit/s) cannot be a real pace. */
const MIN_BYTES_PER_SECOND = 1000;
/** Soniox caps a real-time session at 300 minutes of audio. */
export const MAX_SESSION_SECONDS = 300 * 60;

/** Raw PCM as the STT config describes it. */
export interface RawPcm {
	format: string;
	sampleRate: number;
	channels: number;
}

/** How the audio of one item is laid out, as far as sending and resuming need to know. */
export interface AudioLayout {
	/** The audio format fields of the first session's config. */
	config: { audio_format: string; sample_rate?: number; num_channels?: number };
	bytesPerSecond: number;
	/**
	 * Raw PCM that a resumed session can be sent, with where its samples start in the input
	 * (after a WAV header). Without it, a resumed session starts over from the beginning.
	 */
	resumable?: RawPcm & { dataOffset: number; blockAlign: number };
}

export function rawLayout(pcm: RawPcm): AudioLayout {
	const blockAlign = RAW_FORMAT_SAMPLE_BYTES[pcm.format] * pcm.channels;
	return {
		config: { audio_format: pcm.format, sample_rate: pcm.sampleRate, num_channels: pcm.channels },
		bytesPerSecond: blockAlign * pcm.sampleRate,
		resumable: { ...pcm, dataOffset: 0, blockAlign },
	};
}

/**
 * Format 'auto': Soniox detects the container. A WAV header (from the first bytes of the input)
 * gives the pace and, when its samples are a raw format Soniox knows, a way to resume mid-file.
 */
export function autoLayout(head: Uint8Array): AudioLayout {
	const wav = parseWavHeader(head);
	if (!wav)
		return { config: { audio_format: 'auto' }, bytesPerSecond: COMPRESSED_BYTES_PER_SECOND };
	const blockAlign = wav.format ? RAW_FORMAT_SAMPLE_BYTES[wav.format] * wav.channels : 0;
	const resumable =
		wav.format && blockAlign > 0 && blockAlign === wav.blockAlign
			? {
					format: wav.format,
					sampleRate: wav.sampleRate,
					channels: wav.channels,
					dataOffset: wav.dataOffset,
					blockAlign,
				}
			: undefined;
	return {
		config: { audio_format: 'auto' },
		// Samples Soniox knows are paced by their own rate, not by the header's byte rate field.
		bytesPerSecond: resumable
			? resumable.sampleRate * blockAlign
			: wav.byteRate > 0
				? wav.byteRate
				: COMPRESSED_BYTES_PER_SECOND,
		resumable,
	};
}

/**
 * Why audio of this layout and size cannot be streamed as its header says, or undefined: the
 * stream is paced (and billed) by that pace, so a header that lies would stream for hours.
 */
export function unstreamable(layout: AudioLayout, audioBytes: number): string | undefined {
	const pcm = layout.resumable;
	const { min, max } = SAMPLE_RATE_RANGE;
	if (pcm && (pcm.sampleRate < min || pcm.sampleRate > max)) {
		return `its header declares ${pcm.sampleRate} samples per second; Soniox takes ${min} to ${max}`;
	}
	if (layout.bytesPerSecond < MIN_BYTES_PER_SECOND) {
		return `its header declares ${layout.bytesPerSecond} bytes per second, fewer than any speech encoding`;
	}
	const minutes = (audioBytes - (pcm?.dataOffset ?? 0)) / layout.bytesPerSecond / 60;
	if (minutes > MAX_SESSION_SECONDS / 60) {
		return `it would stream for ${Math.round(minutes)} minutes; Soniox caps a real-time session at ${MAX_SESSION_SECONDS / 60}`;
	}
	return undefined;
}

interface WavHeader {
	/** The matching raw STT format; undefined for encodings Soniox has no raw name for. */
	format: string | undefined;
	sampleRate: number;
	channels: number;
	blockAlign: number;
	byteRate: number;
	dataOffset: number;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_FLOAT = 3;
const WAVE_FORMAT_ALAW = 6;
const WAVE_FORMAT_MULAW = 7;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

function rawFormatOf(formatTag: number, bitsPerSample: number): string | undefined {
	if (formatTag === WAVE_FORMAT_PCM) {
		return { 8: 'pcm_u8', 16: 'pcm_s16le', 24: 'pcm_s24le', 32: 'pcm_s32le' }[bitsPerSample];
	}
	if (formatTag === WAVE_FORMAT_FLOAT) return { 32: 'pcm_f32le', 64: 'pcm_f64le' }[bitsPerSample];
	if (formatTag === WAVE_FORMAT_ALAW && bitsPerSample === 8) return 'alaw';
	if (formatTag === WAVE_FORMAT_MULAW && bitsPerSample === 8) return 'mulaw';
	return undefined;
}

/**
 * The fmt and data chunks of a RIFF/WAVE header, or undefined when `head` is not one or the
 * data chunk does not start within it.
 */
export function parseWavHeader(head: Uint8Array): WavHeader | undefined {
	const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
	const tag = (at: number) => String.fromCharCode(...head.subarray(at, at + 4));
	if (head.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') return undefined;
	let fmt: Omit<WavHeader, 'dataOffset'> | undefined;
	for (let at = 12; at + 8 <= head.length;) {
		const size = view.getUint32(at + 4, true);
		const body = at + 8;
		if (tag(at) === 'data') return fmt && { ...fmt, dataOffset: body };
		if (tag(at) === 'fmt ' && size >= 16 && body + 16 <= head.length) {
			let formatTag = view.getUint16(body, true);
			const bitsPerSample = view.getUint16(body + 14, true);
			// WAVE_FORMAT_EXTENSIBLE keeps the real tag in the first bytes of its sub-format GUID.
			if (formatTag === WAVE_FORMAT_EXTENSIBLE && size >= 26 && body + 26 <= head.length) {
				formatTag = view.getUint16(body + 24, true);
			}
			fmt = {
				format: rawFormatOf(formatTag, bitsPerSample),
				channels: view.getUint16(body + 2, true),
				sampleRate: view.getUint32(body + 4, true),
				byteRate: view.getUint32(body + 8, true),
				blockAlign: view.getUint16(body + 12, true),
			};
		}
		at = body + size + (size % 2);
	}
	return undefined;
}
