import { NodeOperationError, sleep } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { sonioxApiRequest } from '../transport';

/** First check soon after creation, then back off to a ceiling: short jobs return fast, long ones cost few requests. */
export const POLL_SCHEDULE = { firstMs: 150, factor: 1.5, ceilingMs: 5000 };

/**
 * Polls a transcription until it completes. Fails with the transcription's own error when it
 * ends in status "error", and with a clear timeout error (naming the ID) when it takes too long.
 */
export async function waitForTranscription(
	this: IExecuteFunctions,
	id: string,
	timeoutMs: number,
	itemIndex: number,
): Promise<IDataObject> {
	const deadline = Date.now() + timeoutMs;
	let delayMs = POLL_SCHEDULE.firstMs;
	for (;;) {
		await sleep(Math.min(delayMs, Math.max(0, deadline - Date.now())));
		const transcription = await sonioxApiRequest.call(this, {
			method: 'GET',
			path: `/v1/transcriptions/${id}`,
		});
		if (transcription.status === 'completed') return transcription;
		if (transcription.status === 'error') {
			throw new NodeOperationError(
				this.getNode(),
				`Transcription ${id} failed: ${String(transcription.error_type ?? 'error')}: ${String(transcription.error_message ?? 'no details')}`,
				{ itemIndex, description: 'Check that the audio is reachable and in a supported format.' },
			);
		}
		if (Date.now() >= deadline) {
			throw new NodeOperationError(
				this.getNode(),
				`Transcription ${id} did not finish within ${Math.round(timeoutMs / 1000)} seconds`,
				{
					itemIndex,
					description: `It may still complete: fetch it later with Transcription → Get Transcript and ID ${id}, or raise "Wait Timeout".`,
				},
			);
		}
		delayMs = Math.min(POLL_SCHEDULE.ceilingMs, delayMs * POLL_SCHEDULE.factor);
	}
}
