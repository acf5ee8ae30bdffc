// Text-to-speech audio formats: what each accepts and how its file is named and typed.
export interface AudioFormatRule {
	mimeType: string;
	extension: string;
	sampleRates: number[];
	bitrates?: number[];
}

const PCM_RATES = [8000, 16000, 24000, 44100, 48000];

export const AUDIO_FORMATS: Record<string, AudioFormatRule> = {
	mp3: {
		mimeType: 'audio/mpeg',
		extension: 'mp3',
		sampleRates: [16000, 24000, 32000, 44100, 48000],
		bitrates: [32000, 64000, 96000, 128000, 192000, 256000, 320000],
	},
	wav: { mimeType: 'audio/wav', extension: 'wav', sampleRates: PCM_RATES },
	opus: {
		mimeType: 'audio/opus',
		extension: 'opus',
		sampleRates: [8000, 16000, 24000, 48000],
		bitrates: [16000, 32000, 64000, 96000, 128000, 256000],
	},
	flac: { mimeType: 'audio/flac', extension: 'flac', sampleRates: [16000, 24000, 44100, 48000] },
	aac: {
		mimeType: 'audio/aac',
		extension: 'aac',
		sampleRates: [16000, 24000, 44100, 48000],
		bitrates: [32000, 64000, 96000, 128000, 192000, 256000, 320000],
	},
	pcm_s16le: { mimeType: 'audio/pcm', extension: 'pcm', sampleRates: PCM_RATES },
	pcm_f32le: { mimeType: 'audio/pcm', extension: 'pcm', sampleRates: PCM_RATES },
	pcm_mulaw: { mimeType: 'audio/pcm', extension: 'raw', sampleRates: [8000] },
	pcm_alaw: { mimeType: 'audio/pcm', extension: 'raw', sampleRates: [8000] },
};

export const AUDIO_FORMAT_OPTIONS = [
	{ name: 'AAC', value: 'aac' },
	{ name: 'FLAC', value: 'flac' },
	{ name: 'MP3', value: 'mp3' },
	{ name: 'Opus', value: 'opus' },
	{ name: 'PCM 16-Bit (Raw)', value: 'pcm_s16le' },
	{ name: 'PCM 32-Bit Float (Raw)', value: 'pcm_f32le' },
	{ name: 'PCM A-Law (Raw, Telephony)', value: 'pcm_alaw' },
	{ name: 'PCM μ-Law (Raw, Telephony)', value: 'pcm_mulaw' },
	{ name: 'WAV', value: 'wav' },
];
