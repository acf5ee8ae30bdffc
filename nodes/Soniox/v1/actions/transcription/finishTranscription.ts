import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
} from 'n8n-workflow';

import type { TranscriptToken } from '../../helpers/transcriptFormat';
import { sonioxApiRequest } from '../../transport';
import { cleanUp, type CleanupTarget } from './cleanup';
import { transcriptOutput, type TranscriptOutputChoice } from './transcriptOutput';

/**
 * A completed transcription's output, the same whether the node polled or Soniox called back:
 * the transcript is fetched, then the clean-up runs, then the transcript is formatted.
 */
export async function finishTranscription(
	this: IExecuteFunctions | IWebhookFunctions,
	transcription: IDataObject,
	output: TranscriptOutputChoice,
	cleanupTargets: CleanupTarget[],
	uploadedFileId: string | undefined,
): Promise<INodeExecutionData[]> {
	const id = String(transcription.id);
	const transcript = await sonioxApiRequest.call(this, {
		method: 'GET',
		path: `/v1/transcriptions/${id}/transcript`,
	});
	const cleanup = await cleanUp.call(this, cleanupTargets, id, uploadedFileId);
	return await transcriptOutput.call(
		this,
		output,
		{
			id,
			tokens: transcript.tokens as TranscriptToken[],
			name: String(transcription.filename ?? transcription.audio_url ?? ''),
		},
		{
			id,
			model: transcription.model,
			audio_duration_ms: transcription.audio_duration_ms,
			file_id: transcription.file_id ?? null,
			filename: transcription.filename,
			client_reference_id: transcription.client_reference_id ?? null,
			...cleanup,
		},
	);
}
