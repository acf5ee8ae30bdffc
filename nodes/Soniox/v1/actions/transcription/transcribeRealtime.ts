// Transcribe → Real-time mode: the fields only that mode has, and one item's transcription over
// the real-time WebSocket (see helpers/realtime/transcribe.ts for the session and resuming).

import type { IBinaryData, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { assertAudio, assertNotEmpty } from '../../helpers/audioInput';
import { getInputBinary } from '../../transport/multipart';
import { checkChoice, checkNumber, checkText } from '../../helpers/parameterValues';
import {
	RAW_FORMAT_SAMPLE_BYTES,
	autoLayout,
	rawLayout,
	type AudioLayout,
} from '../../helpers/audioLayout';
import { bufferSource, readHead, streamSource, type AudioSource } from '../../helpers/audioSource';
import {
	transcribeInRealTime,
	type RealtimeTranscription,
} from '../../transport/realtime/transcribeSession';
import { getRealtimeAccess, realtimeKeyFields } from '../realtime.descriptions';

/** Enough of a file's start to hold a WAV header with its metadata chunks. */
const HEADER_BYTES = 64 * 1024;
const STREAM_CHUNK_BYTES = 256 * 1024;

const RAW_FORMAT_NAMES: Array<[value: string, name: string]> = [
	['pcm_s16le', 'PCM 16-Bit Signed, Little-Endian'],
	['pcm_s16be', 'PCM 16-Bit Signed, Big-Endian'],
	['pcm_f32le', 'PCM 32-Bit Float, Little-Endian'],
	['pcm_f32be', 'PCM 32-Bit Float, Big-Endian'],
	['pcm_s24le', 'PCM 24-Bit Signed, Little-Endian'],
	['pcm_s32le', 'PCM 32-Bit Signed, Little-Endian'],
	['pcm_u8', 'PCM 8-Bit Unsigned'],
	['pcm_s8', 'PCM 8-Bit Signed'],
	['mulaw', 'G.711 μ-Law'],
	['alaw', 'G.711 A-Law'],
];

const rawFormats = RAW_FORMAT_NAMES.map(([value]) => value);

/** Fields of the real-time mode; the operation adds its own displayOptions (mode: realTime). */
export const realtimeTranscribeFields: INodeProperties[] = [
	{
		displayName: 'Real-Time Model Name or ID',
		name: 'realtimeModel',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getRealtimeModels' },
		default: 'stt-rt-v5',
		description:
			'Real-time speech-to-text model. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Audio Format',
		name: 'realtimeAudioFormat',
		type: 'options',
		options: [
			{
				name: 'Auto-Detect (WAV, MP3, OGG, FLAC, WebM, …)',
				value: 'auto',
				description: 'A file with a container Soniox recognises',
			},
			...RAW_FORMAT_NAMES.map(([value, name]) => ({
				name: `Raw ${name}`,
				value,
				description: `Headerless samples (${value})`,
			})),
		],
		default: 'auto',
		description: 'How the audio is encoded. Raw formats need their sample rate and channels.',
	},
	{
		displayName: 'Sample Rate (Hz)',
		name: 'sampleRate',
		type: 'number',
		typeOptions: { minValue: 1000, maxValue: 384000 },
		default: 16000,
		displayOptions: { show: { realtimeAudioFormat: rawFormats } },
	},
	{
		displayName: 'Channels',
		name: 'numChannels',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 16 },
		default: 1,
		displayOptions: { show: { realtimeAudioFormat: rawFormats } },
	},
	{
		displayName: 'Sending Pace',
		name: 'sendingPace',
		type: 'options',
		options: [
			{
				name: 'Real Time',
				value: 'realTime',
				description:
					'Send audio as fast as it plays, as a live source would: a 10-minute file takes 10 minutes',
			},
			{
				name: 'As Fast as Possible',
				value: 'fast',
				description:
					'Send audio as fast as the connection takes it. Much quicker; Soniox may refuse long bursts far faster than real time.',
			},
		],
		default: 'realTime',
	},
	{
		displayName: 'Real-Time Options',
		name: 'realtimeOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Endpoint Detection',
				name: 'enableEndpointDetection',
				type: 'boolean',
				default: false,
				description:
					'Whether Soniox should detect when a speaker has finished an utterance, so its words are final sooner',
			},
			{
				displayName: 'Max Endpoint Delay (Ms)',
				name: 'maxEndpointDelayMs',
				type: 'number',
				typeOptions: { minValue: 500, maxValue: 3000 },
				default: 2000,
				description:
					'With endpoint detection: the longest pause Soniox waits for before ending an utterance',
			},
			{
				displayName: 'Max Resumes',
				name: 'maxResumes',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 10 },
				default: 3,
				description:
					'How many times to continue in a new session when Soniox ends one early (error 503) or the connection drops. The transcript continues where the final words ended, with no gap and no repeat.',
			},
		],
	},
	...realtimeKeyFields('transcribe_websocket'),
];

export interface RealtimeTranscribeResult extends RealtimeTranscription {
	model: string;
}

/**
 * Transcribes one item's binary audio in real time. `common` holds the config fields the
 * async mode shares (language hints, diarization, language identification, context,
 * translation, client_reference_id), in the API's names.
 */
export async function transcribeRealtime(
	this: IExecuteFunctions,
	itemIndex: number,
	binaryPropertyName: string,
	common: IDataObject,
): Promise<RealtimeTranscribeResult> {
	const model = checkText(
		this,
		itemIndex,
		'Real-Time Model Name or ID',
		this.getNodeParameter('realtimeModel', itemIndex),
		{ required: true, hint: 'Choose a model from the list, or map its ID, e.g. stt-rt-v5.' },
	);
	const pace = this.getNodeParameter('sendingPace', itemIndex, 'realTime') as 'realTime' | 'fast';
	const options = this.getNodeParameter('realtimeOptions', itemIndex, {}) as IDataObject;
	const config: IDataObject = { ...common, model };
	if (options.enableEndpointDetection === true) {
		config.enable_endpoint_detection = true;
		if (options.maxEndpointDelayMs !== undefined) {
			config.max_endpoint_delay_ms = checkNumber(
				this,
				itemIndex,
				'Max Endpoint Delay (Ms)',
				options.maxEndpointDelayMs,
				{ min: 500, max: 3000 },
			);
		}
	}
	const maxResumes =
		options.maxResumes === undefined
			? undefined
			: checkNumber(this, itemIndex, 'Max Resumes', options.maxResumes, { min: 0, max: 10 });
	const access = await getRealtimeAccess.call(this, itemIndex, 'stt');
	const binary = getInputBinary(this, itemIndex, binaryPropertyName);
	const audio = await audioOf.call(this, itemIndex, binaryPropertyName, binary);
	const layout = await layoutOf.call(this, itemIndex, audio, binaryPropertyName, binary);

	const transcription = await transcribeInRealTime({
		node: this.getNode(),
		...access,
		config,
		audio,
		layout,
		pace,
		maxResumes,
	});
	return { ...transcription, model };
}

/** The item's audio, streamed from n8n's binary store when it is there, else from the item. */
async function audioOf(
	this: IExecuteFunctions,
	itemIndex: number,
	binaryPropertyName: string,
	binary: IBinaryData,
): Promise<AudioSource> {
	if (binary.id) {
		const id = binary.id;
		return streamSource(async () => await this.helpers.getBinaryStream(id, STREAM_CHUNK_BYTES));
	}
	return bufferSource(await this.helpers.getBinaryDataBuffer(itemIndex, binaryPropertyName));
}

/** How the audio is laid out; audio that is empty, or not audio at all, is refused first. */
async function layoutOf(
	this: IExecuteFunctions,
	itemIndex: number,
	audio: AudioSource,
	binaryPropertyName: string,
	binary: IBinaryData,
): Promise<AudioLayout> {
	const format = checkChoice(
		this,
		itemIndex,
		'Audio Format',
		this.getNodeParameter('realtimeAudioFormat', itemIndex, 'auto'),
		['auto', ...Object.keys(RAW_FORMAT_SAMPLE_BYTES)],
	);
	if (format === 'auto') {
		const head = await readHead(audio, HEADER_BYTES);
		assertAudio(this, itemIndex, binaryPropertyName, binary, head);
		return autoLayout(head);
	}
	// Raw samples have no header to recognise; only emptiness shows.
	assertNotEmpty(this, itemIndex, binaryPropertyName, await readHead(audio, 1));
	const sampleRate = checkNumber(
		this,
		itemIndex,
		'Sample Rate (Hz)',
		this.getNodeParameter('sampleRate', itemIndex),
		{ min: 1000, max: 384000 },
	);
	const channels = checkNumber(
		this,
		itemIndex,
		'Channels',
		this.getNodeParameter('numChannels', itemIndex),
		{ min: 1, max: 16 },
	);
	return rawLayout({ format, sampleRate, channels });
}
