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
import { TRANSCRIPTION_FAILED_HINT, transcriptionFailure } from './waitForTranscription';

/** Soniox is done with the transcription: it completed or failed. */
export const hasEnded = (transcription: IDataObject) =>
	transcription.status === 'completed' || transcription.status === 'error';

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

/**
 * A transcription that ended in status "error", as an item where the node cannot throw (a
 * resumed wait, a trigger): `status: 'error'`, `error` with Soniox's message, the ID; the
 * clean-up asked for still runs.
 */
export async function failedTranscriptionOutput(
	this: IExecuteFunctions | IWebhookFunctions,
	transcription: IDataObject,
	cleanupTargets: CleanupTarget[],
	uploadedFileId: string | undefined,
): Promise<INodeExecutionData[]> {
	const id = String(transcription.id);
	const cleanup = await cleanUp.call(this, cleanupTargets, id, uploadedFileId);
	return [
		{
			json: {
				id,
				status: 'error',
				error: transcriptionFailure(id, transcription),
				error_type: transcription.error_type ?? null,
				error_message: transcription.error_message ?? null,
				details: TRANSCRIPTION_FAILED_HINT,
				client_reference_id: transcription.client_reference_id ?? null,
				...cleanup,
			},
		},
	];
}
