import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	LiveRecognizer,
	MS_PER_CHARACTER,
	TTS_AUDIO_FORMATS,
	aLawByte,
	makeWav,
	muLawByte,
	oggCrc,
	synthesize,
	type TtsAudioFormat,
	pseudoTranslate,
	recognizeBuffer,
	recognizeFile,
	type StreamToken,
	type TranscriptToken,
} from '../audio';

const TEXT = 'Hello world. This is the emulator speaking, with extraordinary words! Goodbye.';

let dir: string;
beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'emulator-audio-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeTemp(name: string, bytes: Buffer): string {
	const path = join(dir, name);
	writeFileSync(path, bytes);
	return path;
}

function originals(tokens: TranscriptToken[]): string {
	return tokens
		.filter((token) => token.translation_status !== 'translation')
		.map((token) => token.text)
		.join('');
}

describe('makeWav', () => {
	it('writes a PCM s16le RIFF header, an ICMT comment and the right amount of data', () => {
		const wav = makeWav({ text: TEXT, durationMs: 2500, sampleRate: 24000, channels: 2 });
		expect(wav.toString('latin1', 0, 4)).toBe('RIFF');
		expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
		expect(wav.toString('latin1', 8, 16)).toBe('WAVEfmt ');
		expect(wav.readUInt16LE(20)).toBe(1);
		expect(wav.readUInt16LE(22)).toBe(2);
		expect(wav.readUInt32LE(24)).toBe(24000);
		expect(wav.readUInt32LE(28)).toBe(24000 * 4);
		expect(wav.readUInt16LE(32)).toBe(4);
		expect(wav.readUInt16LE(34)).toBe(16);
		expect(wav.toString('latin1', 36, 40)).toBe('LIST');
		expect(wav.toString('latin1', 44, 52)).toBe('INFOICMT');
		const commentLength = wav.readUInt32LE(52);
		expect(wav.toString('utf8', 56, 56 + commentLength).replace(/\0+$/, '')).toBe(TEXT);
		const dataAt = wav.indexOf('data', 36, 'latin1');
		expect(wav.readUInt32LE(dataAt + 4)).toBe(2.5 * 24000 * 4);
		expect(wav.length).toBe(dataAt + 8 + 2.5 * 24000 * 4);
	});

	it('defaults to 16 kHz mono and is deterministic', () => {
		const a = makeWav({ durationMs: 1000 });
		expect(a.readUInt32LE(24)).toBe(16000);
		expect(a.readUInt16LE(22)).toBe(1);
		expect(a.equals(makeWav({ durationMs: 1000 }))).toBe(true);
		expect(a.subarray(44).some((byte) => byte !== 0)).toBe(true);
	});
});

describe('recognizeFile and recognizeBuffer', () => {
	it('hears the ICMT text exactly, as sub-word tokens spread over the duration', async () => {
		const path = writeTemp('icmt.wav', makeWav({ text: TEXT, durationMs: 6000 }));
		const result = await recognizeFile(path, {});
		expect(result.durationMs).toBe(6000);
		expect(result.text).toBe(TEXT);
		expect(result.tokens.map((token) => token.text).slice(0, 4)).toEqual([
			'Hel',
			'lo',
			' wor',
			'ld.',
		]);
		let previousEnd = 0;
		for (const token of result.tokens) {
			expect(token.start_ms).toBeGreaterThanOrEqual(previousEnd);
			expect(token.end_ms).toBeGreaterThan(token.start_ms!);
			expect(token.confidence).toBeGreaterThan(0);
			expect(token.confidence).toBeLessThanOrEqual(1);
			expect(token).not.toHaveProperty('speaker');
			expect(token).not.toHaveProperty('language');
			expect(token).not.toHaveProperty('translation_status');
			previousEnd = token.end_ms!;
		}
		expect(previousEnd).toBe(6000);
		expect(recognizeBuffer(makeWav({ text: TEXT, durationMs: 6000 }), {})).toEqual(result);
	});

	it('gives a stable pseudo-transcript for audio without text, growing with duration', async () => {
		const short = await recognizeFile(
			writeTemp('short.wav', makeWav({ durationMs: 2000, sampleRate: 8000 })),
			{},
		);
		const again = await recognizeFile(
			writeTemp('short2.wav', makeWav({ durationMs: 2000, sampleRate: 8000 })),
			{},
		);
		const long = await recognizeFile(
			writeTemp('long.wav', makeWav({ durationMs: 8000, sampleRate: 8000 })),
			{},
		);
		expect(short).toEqual(again);
		expect(short.durationMs).toBe(2000);
		expect(short.text.split(' ').length).toBe(5);
		expect(long.text.split(' ').length).toBe(20);
		expect(long.text.startsWith(short.text.replace(/\.$/, ''))).toBe(true);
		expect(short.text).toMatch(/^[A-Z][a-z]+( [a-z]+\.?)*/);
	});

	it('hears the words coded in the samples of a WAV without ICMT and of headerless PCM', () => {
		const wav = makeWav({ text: TEXT, durationMs: 6000 });
		const dataAt = wav.indexOf('data', 36, 'latin1') + 8;
		const withoutComment = Buffer.concat([
			wavHeaderOnly(wav.readUInt32LE(dataAt - 4)),
			wav.subarray(dataAt),
		]);
		expect(recognizeBuffer(withoutComment, {}).text).toBe(TEXT);

		const live = new LiveRecognizer(
			{ kind: 'raw', format: 'pcm_s16le', sampleRate: 16000, channels: 1 },
			{},
		);
		const pcm = wav.subarray(dataAt);
		for (let at = 0; at < pcm.length; at += 777) live.push(pcm.subarray(at, at + 777));
		expect(live.audioMs).toBe(6000);
		expect(
			live
				.tokens(true)
				.map((token) => token.text)
				.join(''),
		).toBe(TEXT);
	});

	it('finds an ICMT chunk written after the data chunk', async () => {
		const wav = makeWav({ text: TEXT, durationMs: 3000 });
		const listAt = wav.indexOf('LIST', 36, 'latin1');
		const dataAt = wav.indexOf('data', 36, 'latin1');
		const list = wav.subarray(listAt, dataAt);
		const moved = Buffer.concat([wav.subarray(0, listAt), wav.subarray(dataAt), list]);
		// Blank the coded samples so that only the trailing comment can supply the text.
		const samplesAt = listAt + 8;
		for (let at = samplesAt; at < samplesAt + 3 * 32000; at += 2) moved[at] = 0;
		const result = await recognizeFile(writeTemp('list-after-data.wav', moved), {});
		expect(result.durationMs).toBe(3000);
		expect(result.text).toBe(TEXT);
	});

	it('derives the duration of non-WAV bytes from their size (16 bytes per ms)', () => {
		const mp3ish = Buffer.concat([Buffer.from('ID3'), Buffer.alloc(15997, 9)]);
		const result = recognizeBuffer(mp3ish, {});
		expect(result.durationMs).toBe(1000);
		expect(result.tokens.length).toBeGreaterThan(0);
		expect(recognizeBuffer(mp3ish, {})).toEqual(result);
	});

	it('refuses empty and malformed audio with errorType invalid_audio', async () => {
		await expect(recognizeFile(writeTemp('empty.wav', Buffer.alloc(0)), {})).rejects.toMatchObject({
			errorType: 'invalid_audio',
		});
		expect(() => recognizeBuffer(Buffer.alloc(0), {})).toThrow(
			expect.objectContaining({ errorType: 'invalid_audio' }),
		);
		const broken = Buffer.from('RIFF\x10\x00\x00\x00WAVEjunk\x00\x00\x00\x00', 'latin1');
		await expect(recognizeFile(writeTemp('broken.wav', broken), {})).rejects.toMatchObject({
			errorType: 'invalid_audio',
		});
	});

	it('marks speakers per sentence with diarization and languages with identification', () => {
		const result = recognizeBuffer(makeWav({ text: TEXT, durationMs: 6000 }), {
			enableSpeakerDiarization: true,
			enableLanguageIdentification: true,
			languageHints: ['de', 'en'],
		});
		const speakers = result.tokens.map((token) => token.speaker);
		expect(new Set(speakers)).toEqual(new Set(['1', '2']));
		expect(result.tokens.find((token) => token.text === ' This')?.speaker).toBe('2');
		expect(result.tokens.every((token) => token.language === 'de')).toBe(true);
		expect(result.tokens.some((token) => 'translation_status' in token)).toBe(false);
	});

	it('adds a pseudo-translation after each sentence, timed as the sentence (the async transcript token has no source_language)', () => {
		const result = recognizeBuffer(makeWav({ text: TEXT, durationMs: 6000 }), {
			translation: { type: 'one_way', target_language: 'fr' },
		});
		expect(originals(result.tokens)).toBe(TEXT);
		const original = result.tokens.filter((token) => token.translation_status === 'original');
		const translated = result.tokens.filter((token) => token.translation_status === 'translation');
		expect(original.every((token) => token.language === 'en' && token.start_ms !== undefined)).toBe(
			true,
		);
		const sentenceEnd = original.find((token) => token.text.endsWith('.'))?.end_ms;
		for (const token of translated) {
			expect(token.language).toBe('fr');
			expect(token).not.toHaveProperty('source_language');
			expect(token.end_ms).toBeGreaterThanOrEqual(token.start_ms as number);
		}
		expect(translated[0]).toMatchObject({ start_ms: original[0].start_ms, end_ms: sentenceEnd });
		expect(translated.map((token) => token.text).join('')).toBe(pseudoTranslate(` ${TEXT}`));
		// The translation of the first sentence comes right after it.
		const firstTranslated = result.tokens.findIndex(
			(token) => token.translation_status === 'translation',
		);
		expect(originals(result.tokens.slice(0, firstTranslated))).toBe('Hello world.');
	});

	it('translates two-way from the hinted side', () => {
		const result = recognizeBuffer(makeWav({ text: 'Hola amigo.', durationMs: 1500 }), {
			languageHints: ['es'],
			translation: { type: 'two_way', language_a: 'en', language_b: 'es' },
		});
		const translated = result.tokens.filter((token) => token.translation_status === 'translation');
		expect(translated[0]).toMatchObject({ language: 'en' });
		expect(result.tokens[0]).toMatchObject({ language: 'es', translation_status: 'original' });
	});
});

describe('LiveRecognizer', () => {
	function finalsOnce(chunks: Buffer[]): { text: string; messages: StreamToken[][] } {
		const live = new LiveRecognizer({ kind: 'auto' }, {});
		const sent = new Set<number>();
		const messages: StreamToken[][] = [];
		let finals = '';
		const emit = (ended: boolean) => {
			const tokens = live.tokens(ended);
			messages.push(tokens);
			tokens.forEach((token, index) => {
				if (token.final && !sent.has(index)) {
					sent.add(index);
					finals += token.text;
				}
			});
		};
		for (const chunk of chunks) {
			live.push(chunk);
			emit(false);
		}
		emit(true);
		return { text: finals, messages };
	}

	it('hears a WAV streamed in any chunking, final tokens never changing', () => {
		const wav = makeWav({ text: TEXT, durationMs: 5000 });
		const headerInBits = [1, 2, 3, 5, 8, 13, 21, 34];
		for (const size of [333, 1000, 4096, wav.length]) {
			const chunks: Buffer[] = [];
			let at = 0;
			for (const bit of size === wav.length ? [] : headerInBits)
				chunks.push(wav.subarray(at, (at += bit)));
			for (; at < wav.length; at += size) chunks.push(wav.subarray(at, at + size));
			const { text, messages } = finalsOnce(chunks);
			expect(text).toBe(TEXT);
			// A token final in one message stays identical in every later one.
			for (let m = 1; m < messages.length; m++) {
				messages[m - 1].forEach((token, index) => {
					if (token.final) expect(messages[m][index]).toEqual(token);
				});
			}
		}
	});

	it('keeps pseudo-words of steady audio stable as it arrives', () => {
		const wav = makeWav({ durationMs: 3000 });
		const chunks: Buffer[] = [];
		for (let at = 0; at < wav.length; at += 1234) chunks.push(wav.subarray(at, at + 1234));
		expect(finalsOnce(chunks).text).toBe(recognizeBuffer(wav, {}).text);
	});
});

function wavHeaderOnly(dataBytes: number): Buffer {
	const header = Buffer.alloc(44);
	header.write('RIFF', 0, 'latin1');
	header.writeUInt32LE(36 + dataBytes, 4);
	header.write('WAVEfmt ', 8, 'latin1');
	header.writeUInt32LE(16, 16);
	header.writeUInt16LE(1, 20);
	header.writeUInt16LE(1, 22);
	header.writeUInt32LE(16000, 24);
	header.writeUInt32LE(32000, 28);
	header.writeUInt16LE(2, 32);
	header.writeUInt16LE(16, 34);
	header.write('data', 36, 'latin1');
	header.writeUInt32LE(dataBytes, 40);
	return header;
}

describe('synthesize', () => {
	const SPOKEN = 'Hello there. This is synthesized speech!';
	const bytesOf = (
		format: TtsAudioFormat,
		extra: { sampleRate?: number; bitrate?: number; speed?: number } = {},
	) => {
		const synthesis = synthesize({ text: SPOKEN, audioFormat: format, ...extra });
		return { synthesis, bytes: Buffer.concat([...synthesis.chunks()]) };
	};

	it('speaks 60 ms per character, faster with speed', () => {
		expect(synthesize({ text: SPOKEN, audioFormat: 'wav' }).durationMs).toBe(
			SPOKEN.length * MS_PER_CHARACTER,
		);
		expect(synthesize({ text: SPOKEN, audioFormat: 'wav', speed: 1.2 }).durationMs).toBe(
			Math.round((SPOKEN.length * MS_PER_CHARACTER) / 1.2),
		);
	});

	it('writes a WAV whose header matches the request and whose speech STT hears back', () => {
		const { synthesis, bytes } = bytesOf('wav', { sampleRate: 16000 });
		expect(synthesis.contentType).toBe('application/octet-stream');
		expect(bytes.toString('latin1', 0, 4)).toBe('RIFF');
		expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
		expect(bytes.readUInt32LE(24)).toBe(16000);
		expect(bytes.readUInt16LE(34)).toBe(16);
		expect(bytes.readUInt32LE(40)).toBe(Math.round((synthesis.durationMs * 16000) / 1000) * 2);
		expect(recognizeBuffer(bytes, {}).text).toBe(SPOKEN);
	});

	it('writes raw PCM with the right sample width and byte order', () => {
		const samples = Math.round((SPOKEN.length * MS_PER_CHARACTER * 24000) / 1000);
		const s16le = bytesOf('pcm_s16le').bytes;
		const s16be = bytesOf('pcm_s16be').bytes;
		const f32 = bytesOf('pcm_f32le').bytes;
		expect(s16le.length).toBe(samples * 2);
		expect(s16be.length).toBe(samples * 2);
		expect(f32.length).toBe(samples * 4);
		for (const index of [0, 100, 5000]) {
			expect(s16be.readInt16BE(index * 2)).toBe(s16le.readInt16LE(index * 2));
			expect(f32.readFloatLE(index * 4)).toBeCloseTo(s16le.readInt16LE(index * 2) / 32768, 6);
		}
		expect(bytesOf('pcm_mulaw').bytes.length).toBe(
			Math.round((SPOKEN.length * MS_PER_CHARACTER * 8000) / 1000),
		);
		expect(bytesOf('pcm_alaw').synthesis.sampleRate).toBe(8000);
		expect(bytesOf('pcm_s16le').synthesis.contentType).toBe('audio/pcm');
		// G.711 reference points.
		expect(muLawByte(0)).toBe(0xff);
		expect(muLawByte(-32768)).toBe(0x00);
		expect(aLawByte(0)).toBe(0xd5);
		expect(aLawByte(32767)).toBe(0xaa);
	});

	it('writes compressed formats with identifying headers and bitrate-sized bodies', () => {
		const seconds = (SPOKEN.length * MS_PER_CHARACTER) / 1000;
		const mp3 = bytesOf('mp3', { bitrate: 64000, sampleRate: 44100 });
		expect(mp3.synthesis.contentType).toBe('audio/mpeg');
		expect(mp3.bytes.toString('latin1', 0, 3)).toBe('ID3');
		const firstFrame = 10 + mp3.bytes.readUInt32BE(6);
		expect(mp3.bytes.readUInt16BE(firstFrame)).toBe(0xfffb);
		expect(mp3.bytes.length).toBeGreaterThan(0.95 * ((64000 * seconds) / 8));
		expect(mp3.bytes.length).toBeLessThan(1.1 * ((64000 * seconds) / 8));

		const aac = bytesOf('aac');
		expect(aac.synthesis.contentType).toBe('application/octet-stream');
		expect(aac.bytes.readUInt16BE(0)).toBe(0xfff1);
		expect(aac.bytes.length).toBeGreaterThan(0.95 * ((128000 * seconds) / 8));
		expect(aac.bytes.length).toBeLessThan(1.1 * ((128000 * seconds) / 8));
		// ADTS frames chain by their length field.
		let at = 0;
		while (at < aac.bytes.length) {
			expect(aac.bytes.readUInt16BE(at)).toBe(0xfff1);
			at +=
				((aac.bytes[at + 3] & 0x03) << 11) | (aac.bytes[at + 4] << 3) | (aac.bytes[at + 5] >> 5);
		}
		expect(at).toBe(aac.bytes.length);

		const opus = bytesOf('opus', { bitrate: 32000 });
		expect(opus.synthesis.contentType).toBe('audio/opus');
		expect(opus.bytes.toString('latin1', 0, 4)).toBe('OggS');
		expect(opus.bytes.toString('latin1', 28, 36)).toBe('OpusHead');
		expect(opus.bytes.length).toBeGreaterThan(0.95 * ((32000 * seconds) / 8));
		expect(opus.bytes.length).toBeLessThan(1.2 * ((32000 * seconds) / 8));
		// Every Ogg page carries a valid CRC.
		for (let page = 0; page < opus.bytes.length;) {
			const segments = opus.bytes[page + 26];
			let length = 27 + segments;
			for (let i = 0; i < segments; i++) length += opus.bytes[page + 27 + i];
			const copy = Buffer.from(opus.bytes.subarray(page, page + length));
			const crc = copy.readUInt32LE(22);
			copy.writeUInt32LE(0, 22);
			expect(oggCrc(copy)).toBe(crc);
			page += length;
		}

		const flac = bytesOf('flac', { sampleRate: 48000 });
		expect(flac.synthesis.contentType).toBe('audio/flac');
		expect(flac.bytes.toString('latin1', 0, 4)).toBe('fLaC');
		expect(flac.bytes.readUIntBE(18, 3) >> 4).toBe(48000);
		expect(flac.bytes.readUInt16BE(42)).toBe(0xfff8);
	});

	it('defaults the sample rate per format and keeps chunks small', () => {
		for (const format of Object.keys(TTS_AUDIO_FORMATS) as TtsAudioFormat[]) {
			expect(synthesize({ text: 'Hi', audioFormat: format }).sampleRate).toBe(
				TTS_AUDIO_FORMATS[format].defaultSampleRate,
			);
		}
		const long = synthesize({
			text: 'x'.repeat(2000),
			audioFormat: 'pcm_f32le',
			sampleRate: 48000,
		});
		let total = 0;
		let largest = 0;
		for (const chunk of long.chunks()) {
			largest = Math.max(largest, chunk.length);
			total += chunk.length;
		}
		expect(largest).toBeLessThanOrEqual(64 * 1024);
		expect(total).toBe(120 * 48000 * 4);
	});

	it('times every character within the audio', () => {
		const synthesis = synthesize({ text: SPOKEN, audioFormat: 'mp3' });
		const timings = synthesis.timings();
		expect(timings.characters.join('')).toBe(SPOKEN);
		expect(timings.character_start_times_seconds).toHaveLength(SPOKEN.length);
		const ends = timings.character_end_times_seconds;
		expect(ends[ends.length - 1]).toBe(synthesis.durationMs / 1000);
		for (let i = 1; i < ends.length; i++)
			expect(timings.character_start_times_seconds[i]).toBeGreaterThanOrEqual(ends[i - 1] - 0.001);
	});
});
