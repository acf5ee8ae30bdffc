// Real-time transcription against the emulator's /transcribe-websocket: the session helper
// with a real SonioxSocket (resuming, pacing, errors).
import { Readable } from 'node:stream';

import { makeWav, startEmulator, type Emulator } from '../emulator';
import { autoLayout, rawLayout } from '../../nodes/Soniox/v1/helpers/realtime/audioLayout';
import {
	bufferSource,
	streamSource,
	type AudioSource,
} from '../../nodes/Soniox/v1/helpers/realtime/audioSource';
import {
	transcribeInRealTime,
	type RealtimeTranscriptionRequest,
} from '../../nodes/Soniox/v1/helpers/realtime/transcribe';
import {
	SPEECH,
	SPEECH_MS,
	SPEECH_WAV,
	TEST_NODE,
	createTemporaryKey,
	pcmOf,
	timeline,
} from './realtime-fixtures';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator({ realtimeIdleTimeoutMs: 3000 });
});
afterAll(async () => await emulator.close());
afterEach(() => {
	emulator.faults.clear();
	emulator.config.concurrency.transcribe = 10;
	emulator.config.realtimeMaxSpeedup = 0;
});

const PCM_16K = rawLayout({ format: 'pcm_s16le', sampleRate: 16000, channels: 1 });

function transcribe(overrides: Partial<RealtimeTranscriptionRequest> = {}) {
	return transcribeInRealTime({
		node: TEST_NODE,
		url: emulator.urls.sttWebSocket,
		apiKey: emulator.apiKey,
		keySource: 'credential',
		config: { model: 'stt-rt-v5' },
		audio: bufferSource(SPEECH_WAV),
		layout: autoLayout(SPEECH_WAV.subarray(0, 4096)),
		pace: 'fast',
		...overrides,
	});
}

/** Audio behind a stream that is opened anew for each read, as n8n's binary store does. */
function countedStream(audio: Buffer, pieceBytes: number) {
	const opened: number[] = [];
	const source: AudioSource = streamSource(async () => {
		opened.push(Date.now());
		const pieces = [];
		for (let at = 0; at < audio.length; at += pieceBytes)
			pieces.push(audio.subarray(at, at + pieceBytes));
		return Readable.from(pieces);
	});
	return { source, opened };
}

const joined = (tokens: Array<{ text: string }>) => tokens.map((token) => token.text).join('');

describe('a session', () => {
	it('hears the WAV text, with monotonic times within the audio', async () => {
		const result = await transcribe();
		expect(joined(result.tokens)).toBe(SPEECH);
		expect(result.sessions).toBe(1);
		expect(result.audioDurationMs).toBe(SPEECH_MS);
		let previousEnd = 0;
		for (const token of result.tokens) {
			expect(token.start_ms).toBeGreaterThanOrEqual(previousEnd);
			expect(token.end_ms).toBeGreaterThanOrEqual(token.start_ms!);
			previousEnd = token.end_ms!;
		}
		expect(previousEnd).toBeLessThanOrEqual(SPEECH_MS);
	});

	it('streams raw PCM read piece by piece from a stream', async () => {
		const { source, opened } = countedStream(pcmOf(SPEECH_WAV), 7777);
		const result = await transcribe({ audio: source, layout: PCM_16K });
		expect(joined(result.tokens)).toBe(SPEECH);
		expect(opened).toHaveLength(1);
	});

	it('sends at real-time pace when asked', async () => {
		const short = makeWav({ text: 'Hello there.', durationMs: 1200 });
		const startedAt = Date.now();
		const result = await transcribe({
			audio: bufferSource(short),
			layout: autoLayout(short),
			pace: 'realTime',
		});
		const tookMs = Date.now() - startedAt;
		expect(joined(result.tokens)).toBe('Hello there.');
		expect(tookMs).toBeGreaterThanOrEqual(1000);
		expect(tookMs).toBeLessThan(3000);
	});
});

describe('resuming after Soniox ends a session early', () => {
	it.each([3, 6, 9, 12, 15])(
		'continues a WAV after a 503 (after %i messages) with no gap and no repeat',
		async (afterMessages) => {
			const uninterrupted = await transcribe();
			emulator.faults.arm({
				route: 'WS /transcribe-websocket',
				kind: 'terminate503',
				afterMessages,
			});
			const resumed = await transcribe();
			expect(resumed.sessions).toBe(2);
			expect(timeline(resumed.tokens)).toEqual(timeline(uninterrupted.tokens));
		},
	);

	it('continues raw PCM from a reopened stream after the connection drops', async () => {
		const uninterrupted = await transcribe({
			audio: bufferSource(pcmOf(SPEECH_WAV)),
			layout: PCM_16K,
		});
		emulator.faults.arm({ route: 'WS /transcribe-websocket', kind: 'drop', afterMessages: 5 });
		const { source, opened } = countedStream(pcmOf(SPEECH_WAV), 10_000);
		const resumed = await transcribe({ audio: source, layout: PCM_16K });
		expect(resumed.sessions).toBe(2);
		expect(opened).toHaveLength(2);
		expect(timeline(resumed.tokens)).toEqual(timeline(uninterrupted.tokens));
	});

	it('starts compressed audio over, dropping the earlier tokens', async () => {
		const opaque = Buffer.alloc(96_000);
		for (let i = 0; i < opaque.length; i++) opaque[i] = (i * 7919) % 251;
		const layout = autoLayout(opaque.subarray(0, 64));
		expect(layout.resumable).toBeUndefined();
		const uninterrupted = await transcribe({ audio: bufferSource(opaque), layout });
		expect(uninterrupted.tokens.length).toBeGreaterThan(3);
		emulator.faults.arm({
			route: 'WS /transcribe-websocket',
			kind: 'terminate503',
			afterMessages: 4,
		});
		const resumed = await transcribe({ audio: bufferSource(opaque), layout });
		expect(resumed.sessions).toBe(2);
		expect(timeline(resumed.tokens)).toEqual(timeline(uninterrupted.tokens));
	});

	it('gives up after the allowed number of resumes, with the 503 and a hint', async () => {
		for (let i = 0; i < 3; i++) {
			emulator.faults.arm({
				route: 'WS /transcribe-websocket',
				kind: 'terminate503',
				afterMessages: 2,
			});
		}
		await expect(transcribe({ maxResumes: 2 })).rejects.toMatchObject({
			httpCode: '503',
			message: expect.stringContaining('service_unavailable'),
			description: expect.stringContaining('3 times in a row'),
		});
	});
});

describe('errors', () => {
	it('names an invalid model', async () => {
		const error = await transcribe({ config: { model: 'stt-rt-v0' } }).catch((e: Error) => e);
		expect(error).toMatchObject({
			httpCode: '400',
			message: 'Soniox model_not_available: Invalid model specified.',
			description: expect.stringContaining('Choose a model'),
		});
	});

	it('reports the concurrency cap as 429', async () => {
		emulator.config.concurrency.transcribe = 0;
		const error = await transcribe().catch((e: Error) => e);
		expect(error).toMatchObject({
			httpCode: '429',
			message: expect.stringContaining('limit_exceeded'),
		});
	});

	it('suggests real-time pace when Soniox refuses audio sent too fast', async () => {
		emulator.config.realtimeMaxSpeedup = 1;
		const error = await transcribe().catch((e: Error) => e);
		expect(error).toMatchObject({
			httpCode: '400',
			description: expect.stringContaining('Set Sending Pace to Real Time'),
		});
	});

	it('says what to do about a refused temporary key, without the key', async () => {
		const key = await createTemporaryKey(emulator, 'tts_rt');
		const error = await transcribe({ apiKey: key, keySource: 'temporaryKey' }).catch(
			(e: Error) => e,
		);
		expect(error).toMatchObject({
			httpCode: '403',
			description: expect.stringContaining('Temporary Key → Create'),
		});
		expect(JSON.stringify(error)).not.toContain(key);
		expect(
			`${(error as Error).message}${(error as { description?: string }).description}`,
		).not.toContain(key);
	});
});
