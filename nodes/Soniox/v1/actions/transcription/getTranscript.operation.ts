import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { TranscriptToken } from '../../helpers/transcriptFormat';
import { outputFormatFields, readTranscriptOutput, transcriptOutput } from './transcriptOutput';
import { sonioxApiRequest } from '../../transport';
import { readResourceId } from '../../helpers/resourceId';
import { transcriptionIdField } from '../collections';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['transcription'], operation: ['getTranscript'] } },
	[transcriptionIdField, ...outputFormatFields],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const id = readResourceId(this, itemIndex, transcriptionIdField);
	const output = readTranscriptOutput.call(this, itemIndex);
	const transcript = await sonioxApiRequest.call(this, {
		method: 'GET',
		path: `/v1/transcriptions/${id}/transcript`,
	});
	return await transcriptOutput.call(
		this,
		output,
		{ id: String(transcript.id), tokens: transcript.tokens as TranscriptToken[] },
		{ id: transcript.id },
	);
}
