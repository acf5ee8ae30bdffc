// WAV fixtures for tests of the whole project.

import { speechSamples } from './sample-code';
import { infoChunk, wavHeader } from './wav';

export interface MakeWavOptions {
	/** The spoken text: stored in the ICMT chunk and coded into the samples. */
	text?: string;
	durationMs: number;
	sampleRate?: number;
	channels?: number;
}

/** A PCM s16le WAV: a quiet tone (or "speech" carrying `text`) with the text in LIST/INFO/ICMT. */
export function makeWav(options: MakeWavOptions): Buffer {
	const sampleRate = options.sampleRate ?? 16000;
	const channels = options.channels ?? 1;
	const frames = Math.round((options.durationMs * sampleRate) / 1000);
	const dataBytes = frames * channels * 2;
	const info = options.text === undefined ? Buffer.alloc(0) : infoChunk(options.text);
	const header = wavHeader({
		sampleRate,
		channels,
		bitsPerSample: 16,
		formatTag: 1,
		dataBytes,
		extra: info,
	});
	const data = Buffer.alloc(dataBytes);
	let frame = 0;
	for (const block of speechSamples(options.text ?? '', options.durationMs, sampleRate)) {
		for (let i = 0; i < block.length; i++, frame++) {
			for (let channel = 0; channel < channels; channel++)
				data.writeInt16LE(block[i], (frame * channels + channel) * 2);
		}
	}
	return Buffer.concat([header, data]);
}
