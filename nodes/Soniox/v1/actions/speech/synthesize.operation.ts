import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { sonioxApiResponse } from '../../transport';
import type { ItemOutcome } from '../node.type';
import {
	MAX_TEXT_CHARACTERS,
	prepareSpeech,
	speechFields,
	type PreparedSpeech,
} from './speech.descriptions';
import { realtimeSynthesizeFields, synthesizeRealtimeBatch } from './synthesizeRealtime';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['speech'], operation: ['synthesize'] } },
	[
		{
			displayName: 'Mode',
			name: 'mode',
			type: 'options',
			options: [
				{
					name: 'REST (One Request per Item)',
					value: 'rest',
					description: 'Simple and reliable for short texts',
				},
				{
					name: 'Real-Time (WebSocket)',
					value: 'realTime',
					description:
						'Items share one connection; long text is split; character timestamps available',
				},
			],
			default: 'rest',
		},
		...speechFields,
		...realtimeSynthesizeFields.map((field) => ({
			...field,
			displayOptions: {
				...(field.displayOptions ?? {}),
				show: { ...(field.displayOptions?.show ?? {}), mode: ['realTime'] },
			},
		})),
	],
);

function summary(speech: PreparedSpeech, bytes: number) {
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

async function synthesizeRest(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const speech = prepareSpeech.call(this, itemIndex, MAX_TEXT_CHARACTERS);
	const response = await sonioxApiResponse.call(this, {
		method: 'POST',
		service: 'tts',
		path: '/tts',
		body: { ...speech.config, text: speech.text },
		encoding: 'stream',
		idempotent: false,
		minTimeoutMs: 5 * 60_000,
	});
	const binary = await this.helpers.prepareBinaryData(
		response.body as unknown as Buffer,
		speech.fileName,
		speech.mimeType,
	);
	return [
		{
			json: { mode: 'rest', ...summary(speech, Number(binary.bytes ?? 0)) },
			binary: { [speech.binaryPropertyName]: binary },
		},
	];
}

/** REST runs item by item; real-time speaks all items over shared connections. */
export async function executeBatch(
	this: IExecuteFunctions,
	itemIndexes: number[],
): Promise<ItemOutcome[]> {
	if (this.getNodeParameter('mode', 0) === 'realTime') {
		const prepared = new Map<number, PreparedSpeech>();
		return await synthesizeRealtimeBatch.call(
			this,
			itemIndexes,
			async (itemIndex) => {
				const speech = prepareSpeech.call(this, itemIndex);
				prepared.set(itemIndex, speech);
				return { config: speech.config, text: speech.text };
			},
			async (itemIndex, result) => {
				const speech = prepared.get(itemIndex) as PreparedSpeech;
				const binary = await this.helpers.prepareBinaryData(
					result.audio,
					speech.fileName,
					speech.mimeType,
				);
				return [
					{
						json: {
							mode: 'realTime',
							...summary(speech, result.audio.length),
							...(result.timestamps ? { timestamps: result.timestamps } : {}),
						},
						binary: { [speech.binaryPropertyName]: binary },
					},
				];
			},
		);
	}
	const outcomes: ItemOutcome[] = [];
	for (const itemIndex of itemIndexes) {
		try {
			outcomes.push(await synthesizeRest.call(this, itemIndex));
		} catch (error) {
			outcomes.push(error as Error);
			if (!this.continueOnFail()) break;
		}
	}
	return outcomes;
}
