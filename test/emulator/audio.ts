// Audio in and out for the emulator: what the fake recogniser "hears" in a file or a stream,
// the WAV fixtures tests feed it, and the audio the fake TTS returns.
//
// How recognition works (deterministic, no real ASR):
// 1. A RIFF/WAVE file with a LIST/INFO/ICMT chunk is heard as exactly that text, its words
//    laid out over the audio's duration (more characters, more time).
// 2. 16-bit PCM written by makeWav or synthesize() also carries each word in the low byte of
//    its samples (a small framed code repeated over the word's time span). Raw PCM cut from
//    such audio at any offset, without its header, is still heard word for word, at the
//    words' positions in that cut. This is what lets a client that reconnects mid-stream
//    resend audio from an offset and stitch the transcripts.
// 3. Anything else is heard as pseudo-words: one word per WORD_SLOT_MS of audio, each chosen
//    by the SHA-1 of that slot's bytes from a fixed word list.
// Duration: WAV from its header (data bytes / byte rate, capped at the bytes present); raw
// PCM from sample rate x channels x sample width; any other bytes (mp3, ogg, ...) count as
// 128 kbit/s, i.e. OPAQUE_BYTES_PER_MS bytes per millisecond.
//
// The modules behind this entry point live in ./audio/.

export {
	InvalidAudioError,
	type Recognition,
	type RecognizeOptions,
	type StreamToken,
	type TranscriptToken,
	type TranslationOption,
} from './audio/types';
export {
	LiveRecognizer,
	recognizeBuffer,
	recognizeFile,
	type StreamAudioFormat,
} from './audio/recognition';
export { makeWav, type MakeWavOptions } from './audio/fixtures';
export {
	MS_PER_CHARACTER,
	TTS_AUDIO_FORMATS,
	aLawByte,
	characterTimings,
	isTtsAudioFormat,
	muLawByte,
	speechDurationMs,
	synthesize,
	type CharacterTimings,
	type Synthesis,
	type SynthesisOptions,
	type SynthesisPiece,
	type TtsAudioFormat,
	type TtsFormatRule,
} from './audio/synthesis';
export { oggCrc } from './audio/containers';
export { speechSamples } from './audio/sample-code';
export { layoutText, spokenWords, type TimedWord } from './audio/text-layout';
export { pseudoTranslate, tokensFromWords, wordPieces } from './audio/transcript';
export { WORD_SLOT_MS } from './audio/pseudo-words';
export { OPAQUE_BYTES_PER_MS } from './audio/heard-words';
export {
	RAW_PCM_FORMATS,
	rawPcmLayout,
	wavHeader,
	type PcmLayout,
	type WavHeaderOptions,
} from './audio/wav';
