// Real-time transcription against the emulator's /transcribe-websocket: Transcription →
// Transcribe in Real-Time mode through n8n, and the session helper on its own with a real
// SonioxSocket (resuming at many cut points, pacing, errors).
import { Readable } from 'node:stream';

import type { INodeExecutionData } from 'n8n-workflow';

import { makeWav, startEmulator, type Emulator } from '../emulator';
import {
	emulatorCredentials,
	runNode,
	storeBinary,
	useBinaryDataMode,
	expectRequestsToConform,
} from '../harness';
import { autoLayout, rawLayout } from '../../nodes/Soniox/v1/helpers/audioLayout';
import {
	bufferSource,
	streamSource,
	type AudioSource,
} from '../../nodes/Soniox/v1/helpers/audioSource';
import {
	transcribeInRealTime,
	type RealtimeTranscriptionRequest,
} from '../../nodes/Soniox/v1/transport/realtime/transcribeSession';
import {
	SPEECH,
	SPEECH_MS,
	SPEECH_WAV,
	TEST_NODE,
	createTemporaryKey,
	pcmOf,
	timeline,
} from './realtime-fixtures';

// Audio then sits in files, read through n8n's binary streams as in a real instance.
useBinaryDataMode('filesystem');

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator({ realtimeIdleTimeoutMs: 3000 });
});
afterEach(() => expectRequestsToConform(emulator));
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
			message: expect.stringMatching(/^Soniox is temporarily unavailable: /),
			description: expect.stringContaining('early 3 times'),
		});
	});
});

describe('errors', () => {
	it('names an invalid model', async () => {
		const error = await transcribe({ config: { model: 'stt-rt-v0' } }).catch((e: Error) => e);
		expect(error).toMatchObject({
			httpCode: '400',
			message: 'Soniox does not offer this model: Invalid model specified.',
			description: expect.stringContaining('Choose a model'),
		});
	});

	it('reports the concurrency cap as 429', async () => {
		emulator.config.concurrency.transcribe = 0;
		const error = await transcribe().catch((e: Error) => e);
		expect(error).toMatchObject({
			httpCode: '429',
			message: expect.stringMatching(/^A Soniox limit was reached: /),
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
			httpCode: '401',
			description: expect.stringContaining('Temporary Key → Create'),
		});
		expect(JSON.stringify(error)).not.toContain(key);
		expect(
			`${(error as Error).message}${(error as { description?: string }).description}`,
		).not.toContain(key);
	});
});

describe('Transcription → Transcribe in Real-Time mode', () => {
	/** Real-time transcriptions in the usage log (a stt-rt model: Soniox logs no kind). */
	const ledgerOf = (_kind: 'real-time transcription') =>
		emulator.ledger().filter((entry) => entry.model.startsWith('stt-rt'));

	async function audioItem(wav: Buffer = SPEECH_WAV, json = {}): Promise<INodeExecutionData> {
		return { json, binary: { data: await storeBinary(wav, 'meeting.wav', 'audio/wav') } };
	}

	function transcribeNode(
		parameters: Record<string, unknown>,
		items: INodeExecutionData[],
		continueOnFail = false,
	) {
		return runNode({
			parameters: {
				resource: 'transcription',
				operation: 'transcribeRealTime',
				realtimeModel: 'stt-rt-v5',
				sendingPace: 'fast',
				...parameters,
			},
			credentials: emulatorCredentials(emulator),
			items,
			continueOnFail,
		});
	}

	/** A copy of a WAV file with fields of its fmt chunk rewritten, as a damaged or hostile header. */
	function withFmt(
		wav: Buffer,
		fields: { formatTag?: number; sampleRate?: number; byteRate?: number },
		size = wav.length,
	): Buffer {
		const copy = Buffer.alloc(size);
		wav.copy(copy);
		const body = copy.indexOf('fmt ') + 8;
		if (fields.formatTag !== undefined) copy.writeUInt16LE(fields.formatTag, body);
		if (fields.sampleRate !== undefined) copy.writeUInt32LE(fields.sampleRate, body + 4);
		if (fields.byteRate !== undefined) copy.writeUInt32LE(fields.byteRate, body + 8);
		return copy;
	}

	it('paces a WAV by its samples, not by a byte-rate field that says 1 byte a second', async () => {
		// Paced by that field, one second of audio would stream (and be billed) for nine hours.
		const wav = withFmt(makeWav({ text: 'one two three', durationMs: 1000 }), { byteRate: 1 });
		const { items, error } = await transcribeNode({ sendingPace: 'realTime' }, [
			await audioItem(wav),
		]);
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ text: 'one two three', audio_duration_ms: 1000 });
	});

	it.each([
		[
			'an impossible sample rate',
			() => withFmt(SPEECH_WAV, { sampleRate: 1, byteRate: 2 }),
			/its header declares 1 samples per second; Soniox takes 1000 to 384000/,
		],
		[
			'a byte rate no speech encoding has',
			() => withFmt(SPEECH_WAV, { formatTag: 0x11, byteRate: 1 }),
			/its header declares 1 bytes per second, fewer than any speech encoding/,
		],
		[
			'more audio than one session takes',
			() => withFmt(SPEECH_WAV, { formatTag: 0x11, byteRate: 1000 }, 19_000_000),
			/it would stream for 317 minutes; Soniox caps a real-time session at 300/,
		],
	])('refuses, before connecting, a WAV with %s', async (_title, wav, problem) => {
		const before = ledgerOf('real-time transcription').length;
		const { error } = await transcribeNode({}, [await audioItem(wav())]);
		expect(error?.message).toMatch(/^The audio in data of item 0 cannot be streamed: /);
		expect(error?.message).toMatch(problem);
		expect(ledgerOf('real-time transcription')).toHaveLength(before);
	});

	it('returns the spoken text, timed tokens and the usage under the client reference ID', async () => {
		const before = ledgerOf('real-time transcription').length;
		const input = await audioItem();
		// Stored as a file, so the node reads it through n8n's binary stream, piece by piece.
		expect(input.binary?.data.id).toEqual(expect.any(String));
		const { items, error } = await transcribeNode(
			{ outputFormat: 'json', clientReferenceId: 'meeting_42' },
			[input],
		);
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({
			mode: 'realTime',
			model: 'stt-rt-v5',
			text: SPEECH,
			audio_duration_ms: SPEECH_MS,
			sessions: 1,
			client_reference_id: 'meeting_42',
		});
		const tokens = items[0].json.tokens as Array<{ start_ms: number; end_ms: number }>;
		expect(tokens.every((token, i) => i === 0 || token.start_ms >= tokens[i - 1].end_ms)).toBe(
			true,
		);
		expect(tokens[tokens.length - 1].end_ms).toBeLessThanOrEqual(SPEECH_MS);
		expect(ledgerOf('real-time transcription').slice(before)).toMatchObject([
			{ model: 'stt-rt-v5', client_reference_id: 'meeting_42', input_audio_duration_ms: SPEECH_MS },
		]);
	});

	it('translates when asked: translation tokens and text come with the transcript', async () => {
		const { items, error } = await transcribeNode(
			{
				outputFormat: 'json',
				options: { translationType: 'one_way', translationTargetLanguage: 'fr' },
			},
			[await audioItem()],
		);
		expect(error).toBeUndefined();
		const tokens = items[0].json.tokens as Array<{
			translation_status?: string;
			language?: string;
		}>;
		expect(
			tokens.some((token) => token.translation_status === 'translation' && token.language === 'fr'),
		).toBe(true);
		expect(items[0].json.text).toBe(SPEECH);
		expect(items[0].json.translation).toEqual(expect.any(String));
	});

	it('streams raw PCM with its sample rate and channels, and writes SRT subtitles', async () => {
		const pcm = pcmOf(SPEECH_WAV);
		const item = {
			json: {},
			binary: { data: await storeBinary(pcm, 'call.raw', 'application/octet-stream') },
		};
		const { items, error } = await transcribeNode(
			{ realtimeAudioFormat: 'pcm_s16le', sampleRate: 16000, numChannels: 1, outputFormat: 'srt' },
			[item],
		);
		expect(error).toBeUndefined();
		expect(items[0].json.text).toBe(SPEECH);
		// Named after the recording, a text type n8n can preview.
		expect(items[0].binary?.subtitles).toMatchObject({
			fileName: 'call.srt',
			mimeType: 'text/plain',
		});
	});

	it('resumes after a 503 with a transcript identical to an uninterrupted one', async () => {
		const uninterrupted = await transcribeNode({ outputFormat: 'json' }, [await audioItem()]);
		emulator.faults.arm({
			route: 'WS /transcribe-websocket',
			kind: 'terminate503',
			afterMessages: 7,
		});
		const resumed = await transcribeNode({ outputFormat: 'json' }, [await audioItem()]);
		expect(resumed.error).toBeUndefined();
		expect(resumed.items[0].json.sessions).toBe(2);
		expect(timeline(resumed.items[0].json.tokens as never)).toEqual(
			timeline(uninterrupted.items[0].json.tokens as never),
		);
	});

	it('resumes after a dropped socket; with resuming off, says the connection closed', async () => {
		emulator.faults.arm({ route: 'WS /transcribe-websocket', kind: 'drop', afterMessages: 4 });
		const resumed = await transcribeNode({}, [await audioItem()]);
		expect(resumed.items[0].json).toMatchObject({ text: SPEECH, sessions: 2 });

		emulator.faults.arm({ route: 'WS /transcribe-websocket', kind: 'drop', afterMessages: 4 });
		const { error } = await transcribeNode({ options: { maxResumes: 0 } }, [await audioItem()]);
		expect(error?.message).toBe(
			'The Soniox real-time connection closed before the transcript was finished',
		);
		expect(error?.description).toMatch(/Check the network/);
	});

	it('names an invalid model with a hint, and never shows the key', async () => {
		const { error } = await transcribeNode({ realtimeModel: 'stt-async-v5' }, [await audioItem()]);
		expect(error?.message).toBe('Soniox does not offer this model: Invalid model specified.');
		expect(error?.description).toMatch(/Choose a model/);
		expect(JSON.stringify(error)).not.toContain(emulator.apiKey);
	});

	it('reports the concurrency cap (429) per item with Continue On Fail', async () => {
		emulator.config.concurrency.transcribe = 0;
		const { items } = await transcribeNode({}, [await audioItem(), await audioItem()], true);
		expect(items).toHaveLength(2);
		for (const item of items) expect(item.json.error).toMatch(/^A Soniox limit was reached: /);
	});

	it('continues on fail: a bad item gets its error, the next one its transcript', async () => {
		const { items } = await transcribeNode(
			{ realtimeModel: '={{ $json.model }}' },
			[
				await audioItem(SPEECH_WAV, { model: 'stt-rt-v0' }),
				await audioItem(SPEECH_WAV, { model: 'stt-rt-v4' }),
			],
			true,
		);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items[0].json.error).toMatch(/Invalid model/);
		expect(items[1].json.text).toBe(SPEECH);
	});

	it('acts for an end user with a temporary key: the usage carries the key’s bound reference', async () => {
		const created = await runNode({
			parameters: {
				resource: 'temporaryKey',
				operation: 'create',
				usageType: 'transcribe_websocket',
				clientReferenceId: 'end_user_9',
			},
			credentials: emulatorCredentials(emulator),
		});
		const apiKey = created.items[0].json.api_key as string;
		expect(apiKey).toMatch(/^snx_temp_/);
		const before = ledgerOf('real-time transcription').length;
		const { items, error } = await transcribeNode(
			{
				realtimeKeySource: 'temporaryKey',
				temporaryApiKey: '={{ $json.api_key }}',
				clientReferenceId: 'set_on_the_node',
			},
			[await audioItem(SPEECH_WAV, { api_key: apiKey })],
		);
		expect(error).toBeUndefined();
		expect(items[0].json.text).toBe(SPEECH);
		expect(JSON.stringify(items[0].json)).not.toContain(apiKey);
		expect(ledgerOf('real-time transcription').slice(before)).toMatchObject([
			{ client_reference_id: 'end_user_9' },
		]);
	});

	it('refuses an empty temporary key before connecting', async () => {
		const { error } = await transcribeNode(
			{ realtimeKeySource: 'temporaryKey', temporaryApiKey: '={{ $json.api_key }}' },
			[await audioItem()],
		);
		expect(error?.message).toBe('Temporary API Key of item 0 is empty');
	});
});
