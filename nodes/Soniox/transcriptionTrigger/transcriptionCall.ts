// Soniox's call to the Soniox Transcription Trigger: a transcription that some app created with
// this trigger's URL as its webhook has ended. The call is checked for the credential's secret,
// the transcription is read back from Soniox (the call says only its ID and status), and the
// workflow starts with its transcript, or with an item that says it failed.
import type {
	IDataObject,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { readChoices } from '../v1/helpers/parameterValues';
import { SONIOX_ID } from '../v1/helpers/resourceId';
import { cleanupField, type CleanupTarget } from '../v1/actions/transcription/cleanup';
import {
	failedTranscriptionOutput,
	finishTranscription,
	hasEnded,
} from '../v1/actions/transcription/finishTranscription';
import { readTranscriptOutput } from '../v1/actions/transcription/transcriptOutput';
import {
	answerSonioxFailure,
	firstItemParameters,
	refuseWithoutSecret,
	respond,
} from '../v1/actions/transcription/webhookCall';
import { sonioxApiRequest } from '../v1/transport';

/** The trigger's Clean Up: the app made the transcription, so by default nothing is deleted. */
export const triggerCleanupField = {
	...cleanupField,
	default: [],
	description:
		"What to delete from Soniox once the transcript is fetched (also when the transcription failed): the transcription, and the file it transcribed (if the app uploaded one). Soniox keeps at most 1,000 files and 2,000 transcriptions per project. A deleted transcription cannot be read again, so Soniox's repeated call for it starts nothing.",
};

/** The transcription the call names, as Soniox has it now; an answer when there is none. */
async function calledTranscription(
	context: IWebhookFunctions,
): Promise<IDataObject | IWebhookResponseData> {
	const id = String(context.getBodyData().id ?? '');
	if (!SONIOX_ID.test(id)) {
		return respond(context, 400, { error: 'The call names no Soniox transcription ID' });
	}
	return await sonioxApiRequest.call(context, {
		method: 'GET',
		path: `/v1/transcriptions/${id.toLowerCase()}`,
	});
}

export async function receiveTranscriptionCall(
	this: IWebhookFunctions,
): Promise<IWebhookResponseData> {
	const refusal = await refuseWithoutSecret(this);
	if (refusal) return refusal;
	// Every parameter is read before Soniox is asked anything.
	const parameters = firstItemParameters(this);
	const output = readTranscriptOutput.call(parameters, 0);
	const targets = readChoices<CleanupTarget>(parameters, 0, triggerCleanupField);
	let items: INodeExecutionData[];
	try {
		const transcription = await calledTranscription(this);
		if (!('id' in transcription)) return transcription as IWebhookResponseData;
		if (!hasEnded(transcription)) {
			return respond(this, 409, {
				error: `Transcription ${String(transcription.id)} has not ended: it is ${String(transcription.status)}`,
			});
		}
		const fileId = (transcription.file_id as string | null) ?? undefined;
		items =
			transcription.status === 'error'
				? await failedTranscriptionOutput.call(this, transcription, targets, fileId)
				: await finishTranscription.call(this, transcription, output, targets, fileId);
	} catch (error) {
		return answerSonioxFailure(this, error);
	}
	return { webhookResponse: { received: true }, workflowData: [items] };
}
