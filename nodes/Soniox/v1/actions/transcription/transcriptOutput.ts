import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	IWebhookFunctions,
} from 'n8n-workflow';

import { checkText, readChoice, readChoices } from '../../helpers/parameterValues';
import {
	plainText,
	segmentTokens,
	toSrt,
	toVtt,
	translatedText,
	type OutputFormat,
	type TranscriptToken,
} from '../../helpers/transcriptFormat';

const OUTPUT_OPTIONS = [
	{
		name: 'Full JSON With Tokens',
		value: 'json',
		description: 'Every token with its timing, confidence, speaker and language',
	},
	{
		name: 'Segments',
		value: 'segments',
		description: 'Consecutive speech of one speaker (or language) with start and end times',
	},
	{
		name: 'SRT Subtitles',
		value: 'srt',
		description: 'An .srt file in a binary field, plus the text',
	},
	{ name: 'Text', value: 'text', description: 'The transcript as plain text' },
	{
		name: 'WebVTT Subtitles',
		value: 'vtt',
		description: 'A .vtt file in a binary field, plus the text',
	},
] as const satisfies ReadonlyArray<{ name: string; value: OutputFormat; description: string }>;

const SEGMENT_GROUP_OPTIONS = [
	{ name: 'Speaker', value: 'speaker' },
	{ name: 'Language', value: 'language' },
] as const;

const outputField: INodeProperties = {
	displayName: 'Output',
	name: 'outputFormat',
	type: 'options',
	options: [...OUTPUT_OPTIONS],
	default: 'text',
};

const segmentGroupField: INodeProperties = {
	displayName: 'Group Segments By',
	name: 'segmentGroupBy',
	type: 'multiOptions',
	options: [...SEGMENT_GROUP_OPTIONS],
	default: ['speaker', 'language'],
	displayOptions: { show: { outputFormat: ['segments'] } },
};

export const outputFormatFields: INodeProperties[] = [
	outputField,
	segmentGroupField,
	{
		displayName: 'Put Subtitles in Field',
		name: 'subtitleBinaryProperty',
		type: 'string',
		default: 'subtitles',
		description: 'Name of the binary field that receives the subtitle file',
		displayOptions: { show: { outputFormat: ['srt', 'vtt'] } },
	},
];

export interface TranscriptOutputChoice {
	format: OutputFormat;
	segmentGroupBy: Array<(typeof SEGMENT_GROUP_OPTIONS)[number]['value']>;
	subtitleProperty: string;
}

/** The output the user chose, checked before anything is sent (a transcription is billed). */
export function readTranscriptOutput(
	this: IExecuteFunctions,
	itemIndex: number,
): TranscriptOutputChoice {
	const format = readChoice<OutputFormat>(this, itemIndex, outputField);
	return {
		format,
		segmentGroupBy:
			format === 'segments'
				? readChoices<TranscriptOutputChoice['segmentGroupBy'][number]>(
						this,
						itemIndex,
						segmentGroupField,
					)
				: [],
		subtitleProperty:
			format === 'srt' || format === 'vtt'
				? checkText(
						this,
						itemIndex,
						'Put Subtitles in Field',
						this.getNodeParameter('subtitleBinaryProperty', itemIndex, 'subtitles'),
						{
							required: true,
							hint: 'Name the binary field for the subtitle file, e.g. subtitles.',
						},
					)
				: '',
	};
}

/** "call.wav" or "https://…/call.mp3?x" → "call"; undefined when there is no name to use. */
function subtitleBaseName(name: string | undefined): string | undefined {
	const last = name?.split(/[?#]/)[0].split('/').pop()?.trim();
	const base = last?.replace(/\.[^.]*$/, '');
	return base ? base.replace(/[^\w.\- ]/g, '_') : undefined;
}

/** One output item for a transcript, in the format the user chose. */
export async function transcriptOutput(
	this: Pick<IExecuteFunctions, 'helpers'> | IWebhookFunctions,
	{ format, segmentGroupBy, subtitleProperty }: TranscriptOutputChoice,
	transcript: { id?: string; tokens: TranscriptToken[]; name?: string },
	metadata: IDataObject,
): Promise<INodeExecutionData[]> {
	const { tokens } = transcript;
	const translation = translatedText(tokens);
	const json: IDataObject = {
		...metadata,
		text: plainText(tokens),
		...(translation ? { translation } : {}),
	};
	if (format === 'json') return [{ json: { ...json, tokens } }];
	if (format === 'segments') {
		return [{ json: { ...json, segments: segmentTokens(tokens, segmentGroupBy) } }];
	}
	if (format === 'srt' || format === 'vtt') {
		const content = format === 'srt' ? toSrt(tokens) : toVtt(tokens);
		// Named after the recording, and a text type, so n8n previews it and a download makes sense.
		const binary = await this.helpers.prepareBinaryData(
			Buffer.from(content, 'utf8'),
			`${subtitleBaseName(transcript.name) ?? transcript.id ?? 'transcript'}.${format}`,
			format === 'srt' ? 'text/plain' : 'text/vtt',
		);
		return [{ json, binary: { [subtitleProperty]: binary } }];
	}
	return [{ json }];
}
