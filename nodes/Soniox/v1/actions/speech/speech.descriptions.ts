// The fields Synthesize and Synthesize in Real Time share, and one item's request built from
// them, checked before anything is sent.
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { AUDIO_FORMAT_OPTIONS, AUDIO_FORMATS } from '../../helpers/audioFormats';
import { getClientReferenceId } from '../../helpers/clientReferenceId';
import { checkBoolean, checkText, readChoice, readNumber } from '../../helpers/parameterValues';
import { clientReferenceIdField } from '../common.descriptions';

export const MAX_TEXT_CHARACTERS = 5000;

const audioFormatField: INodeProperties = {
	displayName: 'Audio Format',
	name: 'audioFormat',
	type: 'options',
	options: AUDIO_FORMAT_OPTIONS,
	default: 'mp3',
};

const speedField: INodeProperties = {
	displayName: 'Speed',
	name: 'speed',
	type: 'number',
	typeOptions: { minValue: 0.7, maxValue: 1.3, numberPrecision: 2 },
	default: 1,
	description: 'Speaking speed, from 0.7 (slower) to 1.3 (faster)',
};

/** The fields of a synthesis operation; `textLimit` says how much text one item may hold. */
export const speechFields = (textLimit: string): INodeProperties[] => [
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		description: `What to say (${textLimit})`,
	},
	{
		displayName: 'Model Name or ID',
		name: 'model',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getTtsModels' },
		default: 'tts-rt-v2',
		description:
			'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
	},
	{
		displayName: 'Language Name or ID',
		name: 'language',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getTtsLanguages', loadOptionsDependsOn: ['model'] },
		default: 'en',
		description:
			'Language of the text. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Voice Name or ID',
		name: 'voice',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getTtsVoices', loadOptionsDependsOn: ['model'] },
		default: 'Adrian',
		description:
			'A built-in voice of the model, or one of your cloned voices. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	audioFormatField,
	clientReferenceIdField('speech'),
	{
		displayName: 'Put Audio in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		description: 'Name of the binary field that receives the audio',
	},
	{
		displayName: 'Options',
		name: 'speechOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Bitrate',
				name: 'bitrate',
				type: 'number',
				default: 128000,
				description: 'Bits per second, for MP3, Opus and AAC',
			},
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				default: '',
				placeholder: 'greeting.mp3',
				description: 'Defaults to speech followed by the format extension, e.g. speech.mp3',
			},
			{
				displayName: 'Reduce Silence',
				name: 'reduceSilence',
				type: 'boolean',
				default: false,
				description: 'Whether to shorten pauses between words',
			},
			{
				displayName: 'Sample Rate',
				name: 'sampleRate',
				type: 'number',
				default: 24000,
				description: 'Samples per second of the audio',
			},
			speedField,
		],
	},
];

/** What the output says about one item's speech, beside its audio. */
export function speechSummary(speech: PreparedSpeech, bytes: number): IDataObject {
	return {
		model: speech.config.model,
		language: speech.config.language,
		voice: speech.config.voice,
		audio_format: speech.config.audio_format,
		characters: speech.text.length,
		bytes,
		...(speech.billedByTemporaryKey
			? {}
			: { client_reference_id: speech.config.client_reference_id ?? null }),
	};
}

export interface PreparedSpeech {
	text: string;
	config: IDataObject;
	fileName: string;
	mimeType: string;
	binaryPropertyName: string;
	billedByTemporaryKey: boolean;
}

/**
 * One item's speech request. `billedByTemporaryKey`: Soniox bills the Client Reference ID bound
 * to the key, so none is sent.
 */
export function prepareSpeech(
	this: IExecuteFunctions,
	itemIndex: number,
	{
		maxCharacters,
		billedByTemporaryKey,
	}: { maxCharacters?: number; billedByTemporaryKey: boolean },
): PreparedSpeech {
	const fail = (message: string, description: string): never => {
		throw new NodeOperationError(this.getNode(), message, { itemIndex, description });
	};
	const text = checkText(this, itemIndex, 'Text', this.getNodeParameter('text', itemIndex, ''), {
		required: true,
		allowNumber: false,
		hint: 'Give the words to speak, or map them, e.g. {{ $json.message }}.',
	});
	if (maxCharacters !== undefined && text.length > maxCharacters) {
		fail(
			`Text of item ${itemIndex} has ${text.length} characters; the REST API takes at most ${maxCharacters}`,
			'Split the text across items, or use Synthesize in Real Time, which takes longer text (up to about 2 minutes of speech per item).',
		);
	}
	const format = readChoice(this, itemIndex, audioFormatField);
	const rule = AUDIO_FORMATS[format];
	const options = this.getNodeParameter('speechOptions', itemIndex, {}) as IDataObject;
	// Soniox takes each of these up to 50 characters.
	const choice = (name: string, label: string, example: string) =>
		checkText(this, itemIndex, label, this.getNodeParameter(name, itemIndex), {
			required: true,
			maxLength: 50,
			hint: `Choose from the list, or map an ID, e.g. ${example}.`,
		});
	const config: IDataObject = {
		model: choice('model', 'Model Name or ID', 'tts-rt-v2'),
		language: choice('language', 'Language Name or ID', 'en'),
		voice: choice('voice', 'Voice Name or ID', 'Adrian'),
		audio_format: format,
	};
	if (options.sampleRate !== undefined) {
		if (!rule.sampleRates.includes(Number(options.sampleRate)))
			fail(
				`Sample Rate of item ${itemIndex} is ${String(options.sampleRate)}, which ${format} does not offer`,
				`Use one of: ${rule.sampleRates.join(', ')}.`,
			);
		config.sample_rate = Number(options.sampleRate);
	}
	if (options.bitrate !== undefined) {
		if (!rule.bitrates)
			fail(
				`Bitrate of item ${itemIndex} applies only to MP3, Opus and AAC, not ${format}`,
				'Remove the Bitrate option.',
			);
		if (!rule.bitrates?.includes(Number(options.bitrate)))
			fail(
				`Bitrate of item ${itemIndex} is ${String(options.bitrate)}, which ${format} does not offer`,
				`Use one of: ${rule.bitrates?.join(', ')}.`,
			);
		config.bitrate = Number(options.bitrate);
	}
	if (options.speed !== undefined) {
		config.speed = readNumber(this, itemIndex, speedField, options.speed);
	}
	if (checkBoolean(this, itemIndex, 'Reduce Silence', options.reduceSilence)) {
		config.reduce_silence = true;
	}
	const clientReferenceId = getClientReferenceId.call(this, itemIndex);
	if (clientReferenceId && !billedByTemporaryKey) config.client_reference_id = clientReferenceId;
	return {
		billedByTemporaryKey,
		text,
		config,
		fileName: String(options.fileName || `speech.${rule.extension}`),
		mimeType: rule.mimeType,
		binaryPropertyName: checkText(
			this,
			itemIndex,
			'Put Audio in Field',
			this.getNodeParameter('binaryPropertyName', itemIndex, 'data'),
			{ required: true, hint: 'Name the binary field for the audio, e.g. data.' },
		),
	};
}
