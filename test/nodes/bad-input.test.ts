// Hostile or broken input, operation by operation: every case must fail with an error that
// names the field as the editor shows it, and before anything reaches Soniox.
import type { INodeExecutionData, INodeParameters, INodeProperties } from 'n8n-workflow';

import { versionProperties } from '../../nodes/Soniox/v1/actions/versionDescription';
import { makeWav, startEmulator, type Emulator } from '../emulator';
import {
	emulatorCredentials,
	runNode,
	storeBinary,
	useBinaryDataMode,
	expectRequestsToConform,
} from '../harness';

// Stored binaries live on disk (streamed by the node); `inline` ones sit in the item as base64.
useBinaryDataMode('filesystem');

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator({ transcription: { queuedMs: 10, processingBaseMs: 20 } });
});
afterEach(() => expectRequestsToConform(emulator));
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();
const SOME_ID = '84c32fc6-4fb5-4e7a-b656-b5ec70493753';
const WAV = makeWav({ text: 'Testing one two three.', durationMs: 1500 });

type Items = () => Promise<INodeExecutionData[]> | INodeExecutionData[];

function inline(data: Buffer, fileName: string, mimeType: string): Items {
	return () => [
		{ json: {}, binary: { data: { data: data.toString('base64'), fileName, mimeType } } },
	];
}

function stored(data: Buffer, fileName: string, mimeType: string): Items {
	return async () => [{ json: {}, binary: { data: await storeBinary(data, fileName, mimeType) } }];
}

const audio = stored(WAV, 'call.wav', 'audio/wav');
const textFile = inline(Buffer.from('Agenda: budget, hiring.'), 'notes.txt', 'text/plain');
const jsonAsOctets = stored(
	Buffer.from('{"error":"not found"}'),
	'export.bin',
	'application/octet-stream',
);
const pngImage = inline(
	Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
	'photo.png',
	'image/png',
);
const emptyWav = inline(Buffer.alloc(0), 'silence.wav', 'audio/wav');
const noBinary: Items = () => [{ json: { note: 'no audio here' } }];

/** Valid parameters of each operation; a case changes one thing. */
const operations: Record<string, INodeParameters> = {
	'transcription.transcribe (async, binary)': {
		resource: 'transcription',
		operation: 'transcribe',
		waitForCompletion: false,
	},
	'transcription.transcribe (async, URL)': {
		resource: 'transcription',
		operation: 'transcribe',
		audioSource: 'url',
		audioUrl: 'http://127.0.0.1:9/call.wav',
		waitForCompletion: false,
	},
	'transcription.transcribe (async, file ID)': {
		resource: 'transcription',
		operation: 'transcribe',
		audioSource: 'fileId',
		fileId: SOME_ID,
		waitForCompletion: false,
	},
	'transcription.transcribe (real-time)': {
		resource: 'transcription',
		operation: 'transcribeRealTime',
		sendingPace: 'fast',
	},
	'transcription.get': { resource: 'transcription', operation: 'get', transcriptionId: SOME_ID },
	'transcription.getTranscript': {
		resource: 'transcription',
		operation: 'getTranscript',
		transcriptionId: SOME_ID,
	},
	'transcription.delete': {
		resource: 'transcription',
		operation: 'delete',
		transcriptionId: SOME_ID,
	},
	'transcription.getMany': { resource: 'transcription', operation: 'getMany', limit: 5 },
	'file.upload': { resource: 'file', operation: 'upload' },
	'file.get': { resource: 'file', operation: 'get', fileId: SOME_ID },
	'file.delete': { resource: 'file', operation: 'delete', fileId: SOME_ID },
	'file.getMany': { resource: 'file', operation: 'getMany', limit: 5 },
	'speech.synthesize (REST)': { resource: 'speech', operation: 'synthesize', text: 'Hello there.' },
	'speech.synthesize (real-time)': {
		resource: 'speech',
		operation: 'synthesizeRealTime',
		text: 'Hello there.',
	},
	'temporaryKey.create': {
		resource: 'temporaryKey',
		operation: 'create',
		usageType: 'tts_rt',
		expiresInSeconds: 60,
	},
	'voice.create': { resource: 'voice', operation: 'create', name: 'Narrator' },
	'voice.get': { resource: 'voice', operation: 'get', voiceId: SOME_ID },
	'voice.delete': { resource: 'voice', operation: 'delete', voiceId: SOME_ID },
	'voice.getMany': { resource: 'voice', operation: 'getMany', limit: 5 },
	'voice.recompute': { resource: 'voice', operation: 'recompute', voiceId: SOME_ID, model: '' },
	'voice.getManyShared': {
		resource: 'voice',
		operation: 'getManyShared',
		model: 'tts-rt-v2',
		limit: 5,
	},
	'model.getMany': { resource: 'model', operation: 'getMany', modelType: 'stt', limit: 5 },
	'usage.getLogs': {
		resource: 'usage',
		operation: 'getLogs',
		timeRange: 'custom',
		startTime: iso(NOW - 2 * HOUR),
		endTime: iso(NOW - HOUR),
		limit: 10,
	},
	'usage.getSummary': {
		resource: 'usage',
		operation: 'getSummary',
		timeRange: 'custom',
		startTime: iso(NOW - 3 * DAY),
		endTime: iso(NOW - DAY),
	},
	'usage.aggregate': {
		resource: 'usage',
		operation: 'aggregate',
		timeRange: 'custom',
		startTime: iso(NOW - 3 * DAY),
		endTime: iso(NOW - DAY),
	},
	'account.getStreamsHistory': {
		resource: 'account',
		operation: 'getStreamsHistory',
		kind: 'stt',
		startTime: iso(NOW - 6 * HOUR),
		endTime: iso(NOW - HOUR),
		periodSec: 3600,
	},
};
type Operation = keyof typeof operations;

interface BadInput {
	operation: Operation;
	/** What is wrong with the input. */
	title: string;
	parameters?: INodeParameters;
	items?: Items;
	/** The parameter at fault, e.g. "clientReferenceId" or "keyOptions.maxSessionDurationSeconds". */
	field: string;
	/** What the error says about it. */
	problem: RegExp;
}

const longText = (length: number) => 'x'.repeat(length);

const cases: BadInput[] = [
	// Transcribe, async from a binary field
	...(
		[
			[
				'a binary field the item lacks',
				{ binaryPropertyName: 'audio' },
				audio,
				/no binary property "audio"/,
			],
			['an item without binary data', {}, noBinary, /no binary property "data"/],
			['a text file', {}, textFile, /text\/plain.*not audio/],
			['JSON labelled application/octet-stream', {}, jsonAsOctets, /not audio/],
			['an empty audio file', {}, emptyWav, /is empty/],
		] as const
	).map(([title, parameters, items, problem]) => ({
		operation: 'transcription.transcribe (async, binary)' as const,
		title,
		parameters,
		items,
		field: 'binaryPropertyName',
		problem,
	})),
	...(
		[
			[
				'an overlong client reference ID',
				longText(257),
				/257 characters long; Soniox accepts at most 256/,
			],
			[
				'a client reference ID that is an object',
				'={{ { id: 7 } }}',
				/must be text, not an object/,
			],
			['a client reference ID that is a list', '={{ ["a", "b"] }}', /must be text, not a list/],
			['a client reference ID that is a boolean', '={{ true }}', /must be text, not a boolean/],
		] as const
	).map(([title, clientReferenceId, problem]) => ({
		operation: 'transcription.transcribe (async, binary)' as const,
		title,
		parameters: { clientReferenceId },
		field: 'clientReferenceId',
		problem,
	})),
	{
		operation: 'transcription.transcribe (async, binary)',
		title: 'a model mapped from a missing field',
		parameters: { model: '={{ $json.model }}' },
		field: 'model',
		problem: /is empty/,
	},
	{
		operation: 'transcription.transcribe (async, binary)',
		title: 'a model that is an object',
		parameters: { model: '={{ { id: "stt-async-v5" } }}' },
		field: 'model',
		problem: /must be text, not an object/,
	},
	{
		operation: 'transcription.transcribe (async, binary)',
		title: 'a model name over 32 characters',
		parameters: { model: longText(33) },
		field: 'model',
		problem: /at most 32/,
	},
	{
		operation: 'transcription.transcribe (async, binary)',
		title: 'a wait timeout of 0 minutes',
		parameters: { waitForCompletion: true, waitTimeoutMinutes: 0 },
		field: 'waitTimeoutMinutes',
		problem: /must be a number of at least/,
	},
	{
		operation: 'transcription.transcribe (async, binary)',
		title: 'a wait timeout that is text',
		parameters: { waitForCompletion: true, waitTimeoutMinutes: '={{ "soon" }}' },
		field: 'waitTimeoutMinutes',
		problem: /not "soon"/,
	},
	{
		operation: 'transcription.transcribe (async, binary)',
		title: 'a language hint that is a language name',
		parameters: { options: { languageHints: 'English' } },
		field: 'options.languageHints',
		problem: /must be language codes/,
	},
	{
		operation: 'transcription.transcribe (async, binary)',
		title: 'one-way translation without a target',
		parameters: { options: { translationType: 'one_way' } },
		field: 'options.translationTargetLanguage',
		problem: /is empty/,
	},
	{
		operation: 'transcription.transcribe (async, binary)',
		title: 'two-way translation with one language',
		parameters: { options: { translationType: 'two_way', translationLanguagePair: 'en' } },
		field: 'options.translationLanguagePair',
		problem: /exactly two language codes/,
	},
	{
		operation: 'transcription.transcribe (async, binary)',
		title: 'Wait for Completion that is neither true nor false (it would read as false)',
		parameters: { waitForCompletion: '={{ "yes" }}' },
		field: 'waitForCompletion',
		problem: /must be true or false, not "yes"/,
	},
	{
		operation: 'transcription.transcribe (async, binary)',
		title: 'speaker separation that is neither true nor false',
		parameters: { options: { enableSpeakerDiarization: '={{ "on" }}' } },
		field: 'options.enableSpeakerDiarization',
		problem: /must be true or false, not "on"/,
	},
	{
		operation: 'model.getMany',
		title: 'a model type that does not exist',
		parameters: { modelType: '={{ "asr" }}' },
		field: 'modelType',
		problem: /must be stt or tts, not "asr"/,
	},
	{
		operation: 'file.getMany',
		title: 'Return All that is neither true nor false',
		parameters: { returnAll: '={{ "all" }}' },
		field: 'returnAll',
		problem: /must be true or false, not "all"/,
	},
	{
		operation: 'transcription.transcribe (async, binary)',
		title: 'context text that is an object (it would be sent as "[object Object]")',
		parameters: { options: { contextText: '={{ { agenda: "Q3" } }}' } },
		field: 'options.contextText',
		problem: /must be text, not an object/,
	},
	{
		operation: 'transcription.transcribe (async, binary)',
		title: 'a context topic whose value is an object',
		parameters: {
			options: { contextGeneral: { entries: [{ key: 'domain', value: '={{ { a: 1 } }}' }] } },
		},
		field: 'options.contextGeneral',
		problem: /Context Topics \(General Context\): Value of item 0 must be text, not an object/,
	},
	{
		operation: 'transcription.transcribe (async, binary)',
		title: 'a target language without a translation type',
		parameters: { options: { translationTargetLanguage: 'fr' } },
		field: 'options.translationType',
		problem: /Translation of item 0 is None, but languages to translate are set/,
	},
	{
		operation: 'transcription.transcribe (real-time)',
		title: 'an unknown translation type',
		parameters: { options: { translationType: 'three_way' } },
		field: 'options.translationType',
		problem: /must be none, one_way or two_way, not "three_way"/,
	},
	{
		operation: 'transcription.transcribe (async, binary)',
		title: 'a webhook URL without a scheme',
		parameters: { webhookUrl: 'my-n8n.example.com/webhook' },
		field: 'webhookUrl',
		problem: /not an http\(s\) URL/,
	},
	{
		operation: 'transcription.transcribe (async, binary)',
		title: 'a webhook URL over 256 characters',
		parameters: { webhookUrl: `https://example.com/${longText(250)}` },
		field: 'webhookUrl',
		problem: /at most 256/,
	},
	{
		operation: 'transcription.transcribe (async, binary)',
		title: 'an unknown webhook authentication',
		parameters: { webhookUrl: 'https://example.com/hook', webhookAuthentication: 'basic' },
		field: 'webhookAuthentication',
		problem: /must be none or secretHeader/,
	},

	// Transcribe, async from a URL or an uploaded file
	...(
		[
			['a URL without a scheme', 'example.com/call.mp3', /not an http\(s\) URL/],
			['an FTP URL', 'ftp://example.com/call.mp3', /not an http\(s\) URL/],
			['a URL with a space', 'https://example.com/my call.mp3', /not an http\(s\) URL/],
			['a URL mapped from a missing field', '={{ $json.url }}', /is empty/],
			['a URL over 4096 characters', `https://example.com/${longText(4100)}`, /at most 4096/],
			['a URL that is a number', '={{ 404 }}', /not an http\(s\) URL: "404"/],
			[
				'a URL that is an object',
				'={{ { href: "https://example.com/a.mp3" } }}',
				/must be text, not an object/,
			],
		] as const
	).map(([title, audioUrl, problem]) => ({
		operation: 'transcription.transcribe (async, URL)' as const,
		title,
		parameters: { audioUrl },
		field: 'audioUrl',
		problem,
	})),
	...(
		[
			['a blank file ID', '   ', /is empty/],
			['a file ID that is a path', '../transcriptions', /not a Soniox ID/],
			['a file ID that is an object', '={{ { id: 1 } }}', /must be text, not an object/],
		] as const
	).map(([title, fileId, problem]) => ({
		operation: 'transcription.transcribe (async, file ID)' as const,
		title,
		parameters: { fileId },
		field: 'fileId',
		problem,
	})),

	// Transcribe in real time
	...(
		[
			[
				'a binary field the item lacks',
				{ binaryPropertyName: 'audio' },
				audio,
				/no binary property "audio"/,
			],
			['a text file', {}, textFile, /not audio/],
			['an empty audio file', {}, emptyWav, /is empty/],
		] as const
	).map(([title, parameters, items, problem]) => ({
		operation: 'transcription.transcribe (real-time)' as const,
		title,
		parameters,
		items,
		field: 'binaryPropertyName',
		problem,
	})),
	{
		operation: 'transcription.transcribe (real-time)',
		title: 'an audio format Soniox does not know',
		parameters: { realtimeAudioFormat: '={{ "pcm_s12le" }}' },
		field: 'realtimeAudioFormat',
		problem: /must be auto, .*alaw.* not "pcm_s12le"/,
	},
	{
		operation: 'transcription.transcribe (real-time)',
		title: 'a raw sample rate below 1000 Hz',
		parameters: { realtimeAudioFormat: 'pcm_s16le', sampleRate: 500 },
		field: 'sampleRate',
		problem: /whole number from 1000 to 384000, not 500/,
	},
	{
		operation: 'transcription.transcribe (real-time)',
		title: 'a raw sample rate that is text',
		parameters: { realtimeAudioFormat: 'pcm_s16le', sampleRate: '={{ "16k" }}' },
		field: 'sampleRate',
		problem: /not "16k"/,
	},
	{
		operation: 'transcription.transcribe (real-time)',
		title: 'zero channels',
		parameters: { realtimeAudioFormat: 'pcm_s16le', numChannels: 0 },
		field: 'numChannels',
		problem: /from 1 to 16/,
	},
	{
		operation: 'transcription.transcribe (real-time)',
		title: 'an endpoint delay below 500 ms',
		parameters: { options: { enableEndpointDetection: true, maxEndpointDelayMs: 100 } },
		field: 'options.maxEndpointDelayMs',
		problem: /from 500 to 3000/,
	},
	{
		operation: 'transcription.transcribe (real-time)',
		title: 'more than 10 resumes',
		parameters: { options: { maxResumes: 50 } },
		field: 'options.maxResumes',
		problem: /from 0 to 10/,
	},
	{
		operation: 'transcription.transcribe (real-time)',
		title: 'a negative number of resumes',
		parameters: { options: { maxResumes: -1 } },
		field: 'options.maxResumes',
		problem: /from 0 to 10/,
	},
	{
		operation: 'transcription.transcribe (real-time)',
		title: 'an overlong client reference ID',
		parameters: { clientReferenceId: longText(300) },
		field: 'clientReferenceId',
		problem: /at most 256/,
	},
	{
		operation: 'transcription.transcribe (real-time)',
		title: 'a temporary key mapped from a missing field',
		parameters: { realtimeKeySource: 'temporaryKey', temporaryApiKey: '={{ $json.api_key }}' },
		field: 'temporaryApiKey',
		problem: /is empty/,
	},
	{
		operation: 'transcription.transcribe (real-time)',
		title: 'a model that is an object',
		parameters: { realtimeModel: '={{ { id: "stt-rt-v5" } }}' },
		field: 'realtimeModel',
		problem: /must be text, not an object/,
	},

	// The transcript's output: checked before a transcription is billed or fetched.
	...(['transcription.transcribe (real-time)', 'transcription.getTranscript'] as const).flatMap(
		(operation) => [
			{
				operation,
				title: 'an output format Soniox transcripts lack',
				parameters: { outputFormat: '={{ "pdf" }}' },
				field: 'outputFormat',
				problem: /must be json, segments, srt, text or vtt, not "pdf"/,
			},
			{
				operation,
				title: 'segments grouped by something unknown',
				parameters: { outputFormat: 'segments', segmentGroupBy: '={{ "speaker, topic" }}' },
				field: 'segmentGroupBy',
				problem: /may hold only speaker, language, not "topic"/,
			},
			{
				operation,
				title: 'subtitles into a blank field name',
				parameters: { outputFormat: 'srt', subtitleBinaryProperty: ' ' },
				field: 'subtitleBinaryProperty',
				problem: /is empty/,
			},
		],
	),

	{
		operation: 'transcription.transcribe (async, URL)',
		title: 'a clean-up target that does not exist',
		parameters: { waitForCompletion: true, cleanup: '={{ "file, everything" }}' },
		field: 'cleanup',
		problem: /may hold only file, transcription, not "everything"/,
	},

	// Transcription by ID, and lists
	...(
		['transcription.get', 'transcription.getTranscript', 'transcription.delete'] as const
	).flatMap((operation) =>
		(
			[
				['an ID that is a path', '../files', /not a Soniox ID/],
				['an ID that is a dot segment', '..', /not a Soniox ID/],
				['an ID that is a dot', '.', /not a Soniox ID/],
				['an ID mapped from a missing field', '={{ $json.id }}', /is empty/],
				['an ID that is an object', '={{ { id: 1 } }}', /must be text, not an object/],
			] as const
		).map(([title, transcriptionId, problem]) => ({
			operation,
			title,
			parameters: { transcriptionId },
			field: 'transcriptionId',
			problem,
		})),
	),
	...(
		[
			['file.getMany', 'a limit of 0', 0],
			['transcription.getMany', 'a negative limit', -3],
			['voice.getMany', 'a fractional limit', 2.5],
			['model.getMany', 'a limit that is text', '={{ "ten" }}'],
			['usage.getLogs', 'a limit of 0', 0],
		] as const
	).map(([operation, title, limit]) => ({
		operation,
		title,
		parameters: { returnAll: false, limit },
		field: 'limit',
		problem: /must be a whole number of at least 1/,
	})),

	// Files
	...(
		[
			[
				'a binary field the item lacks',
				{ binaryPropertyName: 'audio' },
				audio,
				/no binary property "audio"/,
			],
			['a PNG image', {}, pngImage, /image\/png.*not audio/],
			['JSON labelled application/octet-stream', {}, jsonAsOctets, /not audio/],
			['an empty audio file', {}, emptyWav, /is empty/],
		] as const
	).map(([title, parameters, items, problem]) => ({
		operation: 'file.upload' as const,
		title,
		parameters,
		items,
		field: 'binaryPropertyName',
		problem,
	})),
	{
		operation: 'file.upload',
		title: 'an overlong client reference ID',
		parameters: { clientReferenceId: longText(1000) },
		field: 'clientReferenceId',
		problem: /at most 256/,
	},
	{
		operation: 'file.upload',
		title: 'a file name that is an object',
		parameters: { fileName: '={{ { name: "call.wav" } }}' },
		field: 'fileName',
		problem: /must be text, not an object/,
	},
	...(['file.get', 'file.delete'] as const).flatMap((operation) =>
		(
			[
				['an ID that is a path', '../transcriptions', /not a Soniox ID/],
				['an ID with a space', 'abc def', /not a Soniox ID/],
				['an ID that is a dot segment', '..', /not a Soniox ID/],
				[
					'an ID picked from the list that is a path',
					{ __rl: true, mode: 'list', value: '../voices' },
					/not a Soniox ID/,
				],
			] as const
		).map(([title, fileId, problem]) => ({
			operation,
			title,
			parameters: { fileId },
			field: 'fileId',
			problem,
		})),
	),

	// Speech
	...(['speech.synthesize (REST)', 'speech.synthesize (real-time)'] as const).flatMap(
		(operation) => [
			{
				operation,
				title: 'text mapped from a missing field',
				parameters: { text: '={{ $json.text }}' },
				field: 'text',
				problem: /is empty/,
			},
			{
				operation,
				title: 'blank text',
				parameters: { text: ' \n\t ' },
				field: 'text',
				problem: /is empty/,
			},
			{
				operation,
				title: 'text that is a number',
				parameters: { text: '={{ 42 }}' },
				field: 'text',
				problem: /must be text, not a number/,
			},
			{
				operation,
				title: 'text that is an object',
				parameters: { text: '={{ { line: "Hi" } }}' },
				field: 'text',
				problem: /must be text, not an object/,
			},
			{
				operation,
				title: 'an overlong client reference ID',
				parameters: { clientReferenceId: longText(257) },
				field: 'clientReferenceId',
				problem: /at most 256/,
			},
			{
				operation,
				title: 'a voice that is an object',
				parameters: { voice: '={{ { id: "Adrian" } }}' },
				field: 'voice',
				problem: /must be text, not an object/,
			},
			{
				operation,
				title: 'an empty language',
				parameters: { language: '' },
				field: 'language',
				problem: /is empty/,
			},
			{
				operation,
				title: 'a model name over 50 characters',
				parameters: { model: longText(51) },
				field: 'model',
				problem: /at most 50/,
			},
			{
				operation,
				title: 'an unknown audio format',
				parameters: { audioFormat: '={{ "wma" }}' },
				field: 'audioFormat',
				problem: /must be .*mp3.* not "wma"/,
			},
			{
				operation,
				title: 'a sample rate the format lacks',
				parameters: { audioFormat: 'mp3', speechOptions: { sampleRate: 12345 } },
				field: 'speechOptions.sampleRate',
				problem: /is 12345, which mp3 does not offer/,
			},
			{
				operation,
				title: 'a bitrate on WAV',
				parameters: { audioFormat: 'wav', speechOptions: { bitrate: 128000 } },
				field: 'speechOptions.bitrate',
				problem: /applies only to MP3, Opus and AAC/,
			},
			{
				operation,
				title: 'a speed above 1.3',
				parameters: { speechOptions: { speed: 2 } },
				field: 'speechOptions.speed',
				problem: /a number from 0.7 to 1.3, not 2/,
			},
			{
				operation,
				title: 'a speed that is text',
				parameters: { speechOptions: { speed: '={{ "fast" }}' } },
				field: 'speechOptions.speed',
				problem: /a number from 0.7 to 1.3, not "fast"/,
			},
		],
	),
	{
		operation: 'speech.synthesize (REST)',
		title: 'text over 5000 characters',
		parameters: { text: longText(5001) },
		field: 'text',
		problem: /5001 characters; the REST API takes at most 5000/,
	},
	{
		operation: 'speech.synthesize (real-time)',
		title: 'no streams in parallel',
		parameters: { parallelStreams: 0 },
		field: 'parallelStreams',
		problem: /from 1 to 5/,
	},
	{
		operation: 'speech.synthesize (real-time)',
		title: 'more streams than a connection holds',
		parameters: { parallelStreams: 6 },
		field: 'parallelStreams',
		problem: /from 1 to 5/,
	},
	{
		operation: 'speech.synthesize (real-time)',
		title: 'an empty temporary key',
		parameters: { realtimeKeySource: 'temporaryKey', temporaryApiKey: '   ' },
		field: 'temporaryApiKey',
		problem: /is empty/,
	},

	// Temporary keys
	...(
		[
			['an expiry of 0 seconds', 0, /whole number from 1 to 3600, not 0/],
			['an expiry over an hour', 3601, /from 1 to 3600/],
			['a fractional expiry', 1.5, /from 1 to 3600/],
			['an expiry that is text', '={{ "soon" }}', /not "soon"/],
		] as const
	).map(([title, expiresInSeconds, problem]) => ({
		operation: 'temporaryKey.create' as const,
		title,
		parameters: { expiresInSeconds },
		field: 'expiresInSeconds',
		problem,
	})),
	{
		operation: 'temporaryKey.create',
		title: 'a session cap of 0 seconds',
		parameters: { keyOptions: { maxSessionDurationSeconds: 0 } },
		field: 'keyOptions.maxSessionDurationSeconds',
		problem: /from 1 to 18000/,
	},
	{
		operation: 'temporaryKey.create',
		title: 'a session cap over 5 hours',
		parameters: { keyOptions: { maxSessionDurationSeconds: 18001 } },
		field: 'keyOptions.maxSessionDurationSeconds',
		problem: /from 1 to 18000/,
	},
	{
		operation: 'temporaryKey.create',
		title: 'an unknown usage type',
		parameters: { usageType: '={{ "browser" }}' },
		field: 'usageType',
		problem: /"browser"/,
	},
	{
		operation: 'temporaryKey.create',
		title: 'an overlong client reference ID',
		parameters: { clientReferenceId: longText(257) },
		field: 'clientReferenceId',
		problem: /at most 256/,
	},
	{
		operation: 'temporaryKey.create',
		title: 'a client reference ID that is an object',
		parameters: { clientReferenceId: '={{ { user: 9 } }}' },
		field: 'clientReferenceId',
		problem: /must be text/,
	},

	// Cloned voices
	...(
		[
			[
				'a binary field the item lacks',
				{ binaryPropertyName: 'clip' },
				audio,
				/no binary property "clip"/,
			],
			['a text file', {}, textFile, /not audio/],
			['an empty recording', {}, emptyWav, /is empty/],
		] as const
	).map(([title, parameters, items, problem]) => ({
		operation: 'voice.create' as const,
		title,
		parameters,
		items,
		field: 'binaryPropertyName',
		problem,
	})),
	...(
		[
			['an empty name', '={{ "" }}', /1 to 128 characters/],
			['a name over 128 characters', longText(129), /1 to 128 characters/],
			['a name that is an object', '={{ { first: "Ann" } }}', /must be text, not an object/],
		] as const
	).map(([title, name, problem]) => ({
		operation: 'voice.create' as const,
		title,
		parameters: { name },
		field: 'name',
		problem,
	})),
	{
		operation: 'voice.recompute',
		title: 'a model that is an object',
		parameters: { model: '={{ { id: "tts-rt-v2" } }}' },
		field: 'model',
		problem: /must be text, not an object/,
	},
	{
		operation: 'voice.getManyShared',
		title: 'a model mapped from an empty value',
		parameters: { model: '={{ "" }}' },
		field: 'model',
		problem: /is empty/,
	},
	{
		operation: 'voice.getManyShared',
		title: 'an age that does not exist',
		parameters: { filters: { age: '={{ "ancient" }}' } },
		field: 'filters.age',
		problem: /must be , young, middle_aged or old, not "ancient"/,
	},
	{
		operation: 'voice.getManyShared',
		title: 'an accent that is a list',
		parameters: { filters: { accent: '={{ ["british"] }}' } },
		field: 'filters.accent',
		problem: /must be text, not a list/,
	},
	...(['voice.get', 'voice.delete', 'voice.recompute'] as const).map((operation) => ({
		operation,
		title: 'an ID that is a path',
		parameters: { voiceId: '../files' },
		field: 'voiceId',
		problem: /not a Soniox ID/,
	})),

	// Usage
	...(['usage.getLogs', 'usage.getSummary', 'usage.aggregate'] as const).flatMap((operation) => [
		{
			operation,
			title: 'a start that is not a date',
			parameters: { startTime: 'next tuesday' },
			field: 'startTime',
			problem: /"next tuesday" is not a valid date/,
		},
		{
			operation,
			title: 'a start on February 30',
			parameters: { startTime: '2026-02-30T00:00:00Z' },
			field: 'startTime',
			problem: /is not a valid date/,
		},
		{
			operation,
			title: 'an end in month 13',
			parameters: { endTime: '2026-13-01T00:00:00Z' },
			field: 'endTime',
			problem: /is not a valid date/,
		},
		{
			operation,
			title: 'a start that is an object',
			parameters: { startTime: '={{ { day: 1 } }}' },
			field: 'startTime',
			problem: /is not a valid date/,
		},
		{
			operation,
			title: 'an end before the start',
			parameters: { startTime: iso(NOW - DAY), endTime: iso(NOW - 2 * DAY) },
			field: 'endTime',
			problem: /must be after Start/,
		},
	]),
	...(['usage.getLogs', 'usage.aggregate'] as const).map((operation) => ({
		operation,
		title: 'a start more than 91 days ago',
		parameters: { startTime: iso(NOW - 92 * DAY), endTime: iso(NOW - 85 * DAY) },
		field: 'startTime',
		problem: /more than 91 days ago/,
	})),
	{
		operation: 'usage.getSummary',
		title: 'a range of hours, which a summary of whole UTC days cannot honour',
		parameters: { timeRange: 'lastHour' },
		field: 'timeRange',
		problem: /must be today, yesterday, thisMonth, lastMonth or custom, not "lastHour"/,
	},
	{
		operation: 'usage.getSummary',
		title: 'a range over 366 days',
		parameters: { startTime: iso(NOW - 400 * DAY), endTime: iso(NOW - DAY) },
		field: 'timeRange',
		problem: /Soniox summarizes at most 366/,
	},
	{
		operation: 'usage.aggregate',
		title: 'a markup that is not a number',
		parameters: { options: { markup: '25%' } },
		field: 'options.markup',
		problem: /"25%" is not a number/,
	},
	...(
		[
			['billable decimals over 10', 11, /from 0 to 10, not 11/],
			['billable decimals that are a fraction', 1.5, /whole number from 0 to 10, not 1.5/],
			['billable decimals that are text', '={{ "cents" }}', /from 0 to 10, not "cents"/],
		] as const
	).map(([title, billableDecimals, problem]) => ({
		operation: 'usage.aggregate' as const,
		title,
		parameters: { options: { markup: '1.25', billableDecimals } },
		field: 'options.billableDecimals',
		problem,
	})),

	...(['usage.getLogs', 'usage.aggregate'] as const).map((operation) => ({
		operation,
		title: 'a request scope filter that is not a scope',
		parameters: { filters: { requestScopes: '={{ "api, tts_rest" }}' } },
		field: 'filters.requestScopes',
		problem: /may hold only api, playground, not "tts_rest"/,
	})),
	...(['usage.getLogs', 'usage.aggregate'] as const).map((operation) => ({
		operation,
		title: 'a request kind filter that is not a kind',
		parameters: { filters: { requestKinds: '={{ "speech_synthesis, stt" }}' } },
		field: 'filters.requestKinds',
		problem:
			/may hold only async_transcription, real_time_transcription, speech_synthesis, other, not "stt"/,
	})),
	{
		operation: 'usage.aggregate',
		title: 'a group that is not a usage field',
		parameters: { groupBy: '={{ ["model", "customer"] }}' },
		field: 'groupBy',
		problem:
			/may hold only client_reference_id, day, model, request_kind, request_scope, not "customer"/,
	},
	{
		operation: 'usage.aggregate',
		title: 'a group that is a number',
		parameters: { groupBy: '={{ [7] }}' },
		field: 'groupBy',
		problem: /not 7/,
	},
	{
		operation: 'usage.aggregate',
		title: 'an unknown sort order',
		parameters: { options: { sortBy: '={{ "cheapest" }}' } },
		field: 'options.sortBy',
		problem: /must be .*totalCostDesc.* not "cheapest"/,
	},

	// Account
	{
		operation: 'account.getStreamsHistory',
		title: 'a start that is not a date',
		parameters: { startTime: 'yesterday' },
		field: 'startTime',
		problem: /must be times with End after Start/,
	},
	{
		operation: 'account.getStreamsHistory',
		title: 'an end before the start',
		parameters: { startTime: iso(NOW - HOUR), endTime: iso(NOW - 2 * HOUR) },
		field: 'endTime',
		problem: /End after Start/,
	},
	{
		operation: 'account.getStreamsHistory',
		title: 'a period Soniox does not have',
		parameters: { periodSec: '={{ 5 }}' },
		field: 'periodSec',
		problem: /60, 3600 or 86400/,
	},
	{
		operation: 'account.getStreamsHistory',
		title: 'per-minute periods over more than 7 days',
		parameters: { periodSec: 60, startTime: iso(NOW - 8 * DAY) },
		field: 'periodSec',
		problem: /at most 7 days/,
	},
	{
		operation: 'account.getStreamsHistory',
		title: 'an unknown kind',
		parameters: { kind: '={{ "video" }}' },
		field: 'kind',
		problem: /"video"/,
	},
];

/** The field's label in the editor: its displayName, found where the operation shows it. */
function displayNameOf(resource: string, operation: string, path: string): string {
	const [name, option] = path.split('.');
	const shown = versionProperties.filter(
		(property) =>
			property.name === name &&
			property.displayOptions?.show?.resource?.includes(resource) &&
			property.displayOptions.show.operation?.includes(operation),
	);
	if (shown.length === 0) throw new Error(`${resource}.${operation} has no field "${name}"`);
	if (!option) return shown[0].displayName;
	const nested = (shown[0].options as INodeProperties[] | undefined)?.find(
		(entry) => entry.name === option,
	);
	if (!nested) throw new Error(`"${name}" has no option "${option}"`);
	return nested.displayName;
}

async function run(operation: Operation, parameters: INodeParameters = {}, items: Items = audio) {
	return await runNode({
		parameters: { ...operations[operation], ...parameters },
		credentials: emulatorCredentials(emulator),
		items: await items(),
	});
}

describe('the valid input each case starts from', () => {
	// Otherwise a case could pass because the operation refuses everything.
	it.each(Object.keys(operations))(
		'%s gets past validation and reaches Soniox',
		async (operation) => {
			const { error } = await run(operation);
			expect(error?.message ?? '').not.toMatch(/ of item 0 |not a valid date|after Start/);
			expect(emulator.requests().length).toBeGreaterThan(0);
		},
	);
});

describe.each(Object.keys(operations).filter((key) => cases.some((c) => c.operation === key)))(
	'%s refuses, naming the field, before sending anything:',
	(operation) => {
		it.each(cases.filter((c) => c.operation === operation).map((c) => [c.title, c] as const))(
			'%s',
			async (_title, { parameters, items, field, problem }) => {
				const { resource, operation: name } = operations[operation] as Record<string, string>;
				const { error, items: output } = await run(operation, parameters, items);
				expect(output).toHaveLength(0);
				expect(error?.message).toMatch(problem);
				expect(`${error?.message}\n${error?.description ?? ''}`).toContain(
					displayNameOf(resource, name, field),
				);
				expect(error?.context?.itemIndex).toBe(0);
				expect(emulator.requests()).toEqual([]);
			},
		);
	},
);

describe('Continue On Fail with a bad item between good ones', () => {
	const route = (path: string) => emulator.requests().filter((request) => request.path === path);

	it('Temporary Key → Create: the good items get keys, the bad one its error, in place', async () => {
		const { items, error } = await runNode({
			parameters: { ...operations['temporaryKey.create'], expiresInSeconds: '={{ $json.ttl }}' },
			credentials: emulatorCredentials(emulator),
			items: [{ json: { ttl: 60 } }, { json: { ttl: 0 } }, { json: { ttl: 120 } }],
			continueOnFail: true,
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(String(items[0].json.api_key)).toMatch(/^snx_temp_/);
		expect(items[1].json).toEqual({
			error: expect.stringContaining('Expires In (Seconds) of item 1'),
			details: expect.any(String),
		});
		expect(String(items[2].json.api_key)).toMatch(/^snx_temp_/);
		expect(route('/v1/auth/temporary-api-key').map((request) => request.status)).toEqual([
			201, 201,
		]);
	});

	it('Temporary Key → Create without Continue On Fail: stops at the bad item', async () => {
		const { error } = await runNode({
			parameters: { ...operations['temporaryKey.create'], expiresInSeconds: '={{ $json.ttl }}' },
			credentials: emulatorCredentials(emulator),
			items: [{ json: { ttl: 60 } }, { json: { ttl: 0 } }, { json: { ttl: 120 } }],
		});
		expect(error?.message).toContain('Expires In (Seconds) of item 1');
		expect(route('/v1/auth/temporary-api-key')).toHaveLength(1);
	});

	it('Speech → Synthesize in real time without Continue On Fail: one bad item, and nothing is spoken', async () => {
		const { items, error } = await runNode({
			parameters: {
				...operations['speech.synthesize (real-time)'],
				text: '={{ $json.line }}',
				clientReferenceId: '={{ $json.customer }}',
			},
			credentials: emulatorCredentials(emulator),
			items: [
				{ json: { line: 'First line.', customer: 'a' } },
				{ json: { line: 'Second line.', customer: 'b' } },
				{ json: { line: 'Third line.', customer: longText(300) } },
			],
		});
		expect(items).toHaveLength(0);
		expect(error?.message).toMatch(/^Client Reference ID of item 2 is 300 characters long/);
		// The items share connections: all are read before any is sent.
		expect(emulator.ledger()).toHaveLength(0);
		expect(emulator.requests()).toHaveLength(0);
	});

	it('Speech → Synthesize in real time: only the good texts are spoken', async () => {
		const { items, error } = await runNode({
			parameters: {
				...operations['speech.synthesize (real-time)'],
				text: '={{ $json.line }}',
				clientReferenceId: '={{ $json.customer }}',
			},
			credentials: emulatorCredentials(emulator),
			items: [
				{ json: { line: 'First line.', customer: 'a' } },
				{ json: { line: 'Second line.', customer: longText(300) } },
				{ json: { line: 'Third line.', customer: 'c' } },
			],
			continueOnFail: true,
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0].binary?.data).toBeDefined();
		expect(items[1].json.error).toMatch(/^Client Reference ID of item 1 is 300 characters long/);
		expect(items[1].binary).toBeUndefined();
		expect(items[2].json.error).toBeUndefined();
		expect(items[2].binary?.data).toBeDefined();
		expect(
			emulator
				.ledger()
				.map((entry) => entry.client_reference_id)
				.sort(),
		).toEqual(['a', 'c']);
	});
});
