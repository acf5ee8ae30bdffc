// Transcribe in Real Time: one item's audio streamed over the real-time WebSocket (see
// transport/realtime/transcribeSession.ts for the session and how it resumes).
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { assertAudio, assertNotEmpty, getInputBinary } from '../../helpers/audioInput';
import {
	RAW_FORMAT_SAMPLE_BYTES,
	SAMPLE_RATE_RANGE,
	autoLayout,
	rawFormatName,
	rawLayout,
	unstreamable,
	type AudioLayout,
} from '../../helpers/audioLayout';
import { bufferSource, readHead, streamSource, type AudioSource } from '../../helpers/audioSource';
import { getClientReferenceId } from '../../helpers/clientReferenceId';
import { checkText, readBoolean, readChoice, readNumber } from '../../helpers/parameterValues';
import type { TranscriptToken } from '../../helpers/transcriptFormat';
import { executionCancelSignal } from '../../transport';
import { getRealtimeAccess } from '../../transport/realtime/access';
import { transcribeInRealTime } from '../../transport/realtime/transcribeSession';
import {
	clientReferenceIdField,
	inputBinaryField,
	readInputBinaryField,
} from '../common.descriptions';
import { readKeySource, realtimeKeyFields } from '../realtime.descriptions';
import { recognitionConfig, recognitionOptionsField } from './recognition.descriptions';
import { outputFormatFields, readTranscriptOutput, transcriptOutput } from './transcriptOutput';

/** Enough of a file's start to hold a WAV header with its metadata chunks. */
const HEADER_BYTES = 64 * 1024;
const STREAM_CHUNK_BYTES = 256 * 1024;

const rawFormats = Object.keys(RAW_FORMAT_SAMPLE_BYTES);
const rawOnly = { show: { realtimeAudioFormat: rawFormats } };

const audioFormatField: INodeProperties = {
	displayName: 'Audio Format',
	name: 'realtimeAudioFormat',
	type: 'options',
	options: [
		{
			name: 'Auto-Detect (WAV, MP3, OGG, FLAC, WebM, …)',
			value: 'auto',
			description: 'A file with a container Soniox recognises',
		},
		...rawFormats.map((value) => ({
			name: `Raw ${rawFormatName(value)}`,
			value,
			description: `Headerless samples (${value})`,
		})),
	],
	default: 'auto',
	description: 'How the audio is encoded. Raw formats need their sample rate and channels.',
};

const sampleRateField: INodeProperties = {
	displayName: 'Sample Rate (Hz)',
	name: 'sampleRate',
	type: 'number',
	typeOptions: { minValue: SAMPLE_RATE_RANGE.min, maxValue: SAMPLE_RATE_RANGE.max },
	default: 16000,
	displayOptions: rawOnly,
};

const channelsField: INodeProperties = {
	displayName: 'Channels',
	name: 'numChannels',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 16 },
	default: 1,
	displayOptions: rawOnly,
};

const paceField: INodeProperties = {
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
};

const endpointDetectionField: INodeProperties = {
	displayName: 'Endpoint Detection',
	name: 'enableEndpointDetection',
	type: 'boolean',
	default: false,
	description:
		'Whether Soniox should detect when a speaker has finished an utterance, so its words are final sooner',
};

const endpointDelayField: INodeProperties = {
	displayName: 'Max Endpoint Delay (Ms)',
	name: 'maxEndpointDelayMs',
	type: 'number',
	typeOptions: { minValue: 500, maxValue: 3000 },
	default: 2000,
	description:
		'With endpoint detection: the longest pause Soniox waits for before ending an utterance',
};

const maxResumesField: INodeProperties = {
	displayName: 'Max Resumes',
	name: 'maxResumes',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 10 },
	default: 3,
	description:
		'How many times to continue in a new session when Soniox ends one early (error 503) or the connection drops. The transcript continues where the final words ended, with no gap and no repeat.',
};

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['transcription'], operation: ['transcribeRealTime'] } },
	[
		inputBinaryField,
		{
			displayName: 'Model Name or ID',
			name: 'realtimeModel',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getRealtimeModels' },
			default: 'stt-rt-v6',
			description:
				'Real-time speech-to-text model. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		audioFormatField,
		sampleRateField,
		channelsField,
		paceField,
		...realtimeKeyFields('transcribe_websocket'),
		clientReferenceIdField('transcription'),
		...outputFormatFields,
		{
			...recognitionOptionsField,
			options: [
				...(recognitionOptionsField.options as INodeProperties[]),
				endpointDetectionField,
				endpointDelayField,
				maxResumesField,
			],
		},
	],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const keySource = readKeySource.call(this, itemIndex);
	const billedByKey = keySource === 'temporaryKey';
	const config: IDataObject = {
		...recognitionConfig.call(this, itemIndex),
		...realtimeConfig.call(this, itemIndex),
	};
	const clientReferenceId = getClientReferenceId.call(this, itemIndex);
	if (clientReferenceId && !billedByKey) config.client_reference_id = clientReferenceId;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const maxResumes =
		options.maxResumes === undefined
			? undefined
			: readNumber(this, itemIndex, maxResumesField, options.maxResumes);
	const pace = readChoice<'realTime' | 'fast'>(this, itemIndex, paceField);
	const output = readTranscriptOutput.call(this, itemIndex);
	const binaryPropertyName = readInputBinaryField(this, itemIndex);
	const access = await getRealtimeAccess.call(this, itemIndex, 'stt', keySource);
	const binary = getInputBinary(this, itemIndex, binaryPropertyName);
	const { audio, bytes } = await audioOf.call(this, itemIndex, binaryPropertyName, binary);
	const layout = await layoutOf.call(this, itemIndex, audio, binaryPropertyName, binary);
	const problem = unstreamable(layout, bytes);
	if (problem) {
		throw new NodeOperationError(
			this.getNode(),
			`The audio in ${binaryPropertyName} of item ${itemIndex} cannot be streamed: ${problem}`,
			{
				itemIndex,
				description:
					'Check the recording (a WAV header may be damaged), give its real format with Audio Format, or use Transcribe, which takes long recordings.',
			},
		);
	}

	const result = await transcribeInRealTime({
		node: this.getNode(),
		...access,
		config,
		audio,
		layout,
		pace,
		maxResumes,
		signal: executionCancelSignal(this),
	});
	return await transcriptOutput.call(
		this,
		output,
		{ tokens: result.tokens as TranscriptToken[], name: binary.fileName },
		{
			mode: 'realTime',
			model: config.model,
			audio_duration_ms: result.audioDurationMs,
			sessions: result.sessions,
			...(billedByKey ? {} : { client_reference_id: config.client_reference_id ?? null }),
		},
	);
}

/** The config fields only the real-time API has, in its names. */
function realtimeConfig(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const model = checkText(
		this,
		itemIndex,
		'Model Name or ID',
		this.getNodeParameter('realtimeModel', itemIndex),
		{ required: true, hint: 'Choose a model from the list, or map its ID, e.g. stt-rt-v6.' },
	);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const config: IDataObject = { model };
	if (readBoolean(this, itemIndex, endpointDetectionField, options.enableEndpointDetection)) {
		config.enable_endpoint_detection = true;
		if (options.maxEndpointDelayMs !== undefined) {
			config.max_endpoint_delay_ms = readNumber(
				this,
				itemIndex,
				endpointDelayField,
				options.maxEndpointDelayMs,
			);
		}
	}
	return config;
}

/** The item's audio and its size, streamed from n8n's binary store when it is there. */
async function audioOf(
	this: IExecuteFunctions,
	itemIndex: number,
	binaryPropertyName: string,
	binary: IBinaryData,
): Promise<{ audio: AudioSource; bytes: number }> {
	if (binary.id) {
		const id = binary.id;
		const { fileSize } = await this.helpers.getBinaryMetadata(id);
		return {
			audio: streamSource(async () => await this.helpers.getBinaryStream(id, STREAM_CHUNK_BYTES)),
			bytes: Number(fileSize),
		};
	}
	const buffer = await this.helpers.getBinaryDataBuffer(itemIndex, binaryPropertyName);
	return { audio: bufferSource(buffer), bytes: buffer.length };
}

/** How the audio is laid out; audio that is empty, or not audio at all, is refused first. */
async function layoutOf(
	this: IExecuteFunctions,
	itemIndex: number,
	audio: AudioSource,
	binaryPropertyName: string,
	binary: IBinaryData,
): Promise<AudioLayout> {
	const format = readChoice(this, itemIndex, audioFormatField);
	if (format === 'auto') {
		const head = await readHead(audio, HEADER_BYTES);
		assertAudio(this, itemIndex, binaryPropertyName, binary, head);
		return autoLayout(head);
	}
	// Raw samples have no header to recognise; only emptiness shows.
	assertNotEmpty(this, itemIndex, binaryPropertyName, await readHead(audio, 1));
	return rawLayout({
		format,
		sampleRate: readNumber(this, itemIndex, sampleRateField),
		channels: readNumber(this, itemIndex, channelsField),
	});
}
