import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { sonioxApiResponse } from '../../transport';
import {
	MAX_TEXT_CHARACTERS,
	prepareSpeech,
	speechFields,
	speechSummary,
} from './speech.descriptions';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['speech'], operation: ['synthesize'] } },
	speechFields(`up to ${MAX_TEXT_CHARACTERS} characters per item`),
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const speech = prepareSpeech.call(this, itemIndex, {
		maxCharacters: MAX_TEXT_CHARACTERS,
		billedByTemporaryKey: false,
	});
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
			json: { mode: 'rest', ...speechSummary(speech, Number(binary.bytes ?? 0)) },
			binary: { [speech.binaryPropertyName]: binary },
		},
	];
}
