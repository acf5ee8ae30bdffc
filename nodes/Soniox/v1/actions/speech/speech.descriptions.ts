// The fields both synthesis modes share, and one item's request built from them, checked
// before anything is sent.
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { AUDIO_FORMAT_OPTIONS, AUDIO_FORMATS } from '../../helpers/audioFormats';
import { getClientReferenceId } from '../../helpers/clientReferenceId';
import { checkChoice, checkNumber, checkText } from '../../helpers/parameterValues';
import { clientReferenceIdField } from '../common.descriptions';
import { billedByTemporaryKey } from '../realtime.descriptions';

export const MAX_TEXT_CHARACTERS = 5000;

export const speechFields: INodeProperties[] = [
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		description: `What to say (up to ${MAX_TEXT_CHARACTERS} characters per item in REST mode; real-time mode sends longer text in pieces, up to about 2 minutes of speech per item)`,
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
	{
		displayName: 'Audio Format',
		name: 'audioFormat',
		type: 'options',
		options: AUDIO_FORMAT_OPTIONS,
		default: 'mp3',
	},
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
			{
				displayName: 'Speed',
				name: 'speed',
				type: 'number',
				typeOptions: { minValue: 0.7, maxValue: 1.3, numberPrecision: 2 },
				default: 1,
				description: 'Speaking speed, from 0.7 (slower) to 1.3 (faster)',
			},
		],
	},
];

export interface PreparedSpeech {
	text: string;
	config: IDataObject;
	fileName: string;
	mimeType: string;
	binaryPropertyName: string;
	billedByTemporaryKey: boolean;
}

export function prepareSpeech(
	this: IExecuteFunctions,
	itemIndex: number,
	maxCharacters?: number,
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
			'Split the text across items, or use Real-Time mode, which takes longer text (up to about 2 minutes of speech per item).',
		);
	}
	const format = checkChoice(
		this,
		itemIndex,
		'Audio Format',
		this.getNodeParameter('audioFormat', itemIndex),
		Object.keys(AUDIO_FORMATS),
	);
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
		config.speed = checkNumber(this, itemIndex, 'Speed', options.speed, {
			min: 0.7,
			max: 1.3,
			whole: false,
		});
	}
	if (options.reduceSilence === true) config.reduce_silence = true;
	const clientReferenceId = getClientReferenceId.call(this, itemIndex);
	const boundToKey = billedByTemporaryKey.call(this, itemIndex);
	if (clientReferenceId && !boundToKey) config.client_reference_id = clientReferenceId;
	return {
		billedByTemporaryKey: boundToKey,
		text,
		config,
		fileName: String(options.fileName || `speech.${rule.extension}`),
		mimeType: rule.mimeType,
		binaryPropertyName: this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string,
	};
}
