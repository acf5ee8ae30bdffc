// Transcribe's wait "Until Soniox Calls Back", the way n8n's send-and-wait nodes wait: the
// execution is saved as waiting (no worker holds it) and resumes on whichever n8n process
// receives Soniox's call. Nothing is kept in memory: each transcription's webhook URL names
// its item, and the transcriptions themselves, at Soniox, say which have ended.
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { failItem, readChoices } from '../../helpers/parameterValues';
import { SONIOX_ID } from '../../helpers/resourceId';
import { credentialWebhookSecret } from '../../helpers/webhookSecret';
import { CREDENTIAL_TYPE, paginate, sonioxApiRequest, type SonioxContext } from '../../transport';
import { cleanUp, cleanupField, type CleanupTarget } from './cleanup';
import { failedTranscriptionOutput, finishTranscription, hasEnded } from './finishTranscription';
import { readTranscriptOutput } from './transcriptOutput';
import {
	answerSonioxFailure,
	firstItemParameters,
	refuseWithoutSecret,
	respond,
} from './webhookCall';

/** n8n's resume webhook of a waiting execution (…/webhook-waiting/<execution>?signature=…). */
export const callbackWebhooks: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		path: '',
		restartWebhook: true,
		ndvHideUrl: true,
	},
];

const ITEM = 'soniox_item';
const ITEMS = 'soniox_items';
const UPLOADED = 'soniox_uploaded';
/** Soniox takes a webhook URL of at most this many characters. */
const MAX_WEBHOOK_URL_LENGTH = 256;

const SECRET_HINT =
	"Fill in the Soniox credential's Webhook Header Name and Webhook Secret (a long random value): Soniox sends them with its call, and the node resumes only for a call that has them.";

/**
 * Soniox's webhook fields for one item: the execution's resume URL, tagged with the item, and
 * the credential's secret header. Checked before anything is uploaded or billed.
 */
export async function callbackWebhookConfig(
	this: IExecuteFunctions,
	itemIndex: number,
	uploads: boolean,
): Promise<IDataObject> {
	const resumeUrl = this.evaluateExpression('{{ $execution.resumeUrl }}', itemIndex);
	if (typeof resumeUrl !== 'string' || !/^https?:\/\//.test(resumeUrl)) {
		failItem(
			this,
			itemIndex,
			'n8n gave no resume URL for this execution',
			'Use Poll Soniox instead.',
		);
	}
	const url = new URL(resumeUrl);
	url.searchParams.set(ITEM, String(itemIndex));
	url.searchParams.set(ITEMS, String(this.getInputData().length));
	if (uploads) url.searchParams.set(UPLOADED, '1');
	const webhookUrl = url.toString();
	if (webhookUrl.length > MAX_WEBHOOK_URL_LENGTH) {
		failItem(
			this,
			itemIndex,
			`n8n's resume URL is ${webhookUrl.length} characters long; Soniox takes at most ${MAX_WEBHOOK_URL_LENGTH}`,
			'Give n8n a shorter public URL (WEBHOOK_URL), or choose Wait → Poll Soniox.',
		);
	}
	const secret = credentialWebhookSecret(await this.getCredentials(CREDENTIAL_TYPE, itemIndex));
	if (!secret) {
		failItem(
			this,
			itemIndex,
			'Waiting for Soniox to call back needs a webhook secret',
			SECRET_HINT,
		);
	}
	return {
		webhook_url: webhookUrl,
		webhook_auth_header_name: secret.headerName,
		webhook_auth_header_value: secret.value,
	};
}

/** One execution's callback URL without the item tags: the same for all its transcriptions. */
function callbackBase(webhookUrl: unknown): string | undefined {
	if (typeof webhookUrl !== 'string') return undefined;
	try {
		const url = new URL(webhookUrl);
		for (const tag of [ITEM, ITEMS, UPLOADED]) url.searchParams.delete(tag);
		return url.toString();
	} catch {
		return undefined;
	}
}

interface ExecutionTranscriptions {
	itemCount: number;
	byItem: Map<number, IDataObject>;
}

/**
 * The transcriptions this execution created, by item, as Soniox lists them: those whose webhook
 * URL is the execution's own. The list is newest first, so it usually ends on the first page.
 */
async function executionTranscriptions(
	this: SonioxContext,
	base: string,
	itemCount: number,
): Promise<ExecutionTranscriptions> {
	const byItem = new Map<number, IDataObject>();
	const pages = paginate.call(this, '/v1/transcriptions', 'transcriptions');
	for await (const page of pages as AsyncGenerator<IDataObject[]>) {
		for (const transcription of page) {
			const url = transcription.webhook_url;
			if (callbackBase(url) !== base) continue;
			byItem.set(Number(new URL(String(url)).searchParams.get(ITEM)), transcription);
		}
		if (byItem.size >= itemCount) break;
	}
	return { itemCount, byItem };
}

/** The transcription named in a call to a waiting execution, if it is one of the execution's. */
async function calledTranscription(this: IWebhookFunctions) {
	const id = String(this.getBodyData().id ?? '');
	if (!SONIOX_ID.test(id)) return undefined;
	const transcription = await sonioxApiRequest.call(this, {
		method: 'GET',
		path: `/v1/transcriptions/${id.toLowerCase()}`,
	});
	const url = typeof transcription.webhook_url === 'string' ? transcription.webhook_url : '';
	const ownPath = new URL(url || 'http://none/').pathname
		.split('/')
		.includes(this.getExecutionId());
	return ownPath ? transcription : undefined;
}

/** The callback choices of every item must be those of the first, which the webhook reads. */
export function checkSameAsFirstItem(this: IExecuteFunctions, itemIndex: number) {
	const choices = (index: number) =>
		JSON.stringify([
			readTranscriptOutput.call(this, index),
			readChoices(this, index, cleanupField),
		]);
	if (itemIndex > 0 && choices(itemIndex) !== choices(0)) {
		failItem(
			this,
			itemIndex,
			`Output and Clean Up of item ${itemIndex} differ from item 0`,
			'When waiting for Soniox to call back, every item is formatted and cleaned up the same way. Map the same values, or choose Wait → Poll Soniox.',
		);
	}
}

/** The output of every item once all its transcriptions have ended, paired with its item. */
async function itemsOutput(
	this: IWebhookFunctions,
	{ itemCount, byItem }: ExecutionTranscriptions,
): Promise<INodeExecutionData[]> {
	const reader = firstItemParameters(this);
	const output = readTranscriptOutput.call(reader, 0);
	const targets = readChoices<CleanupTarget>(reader, 0, cleanupField);
	const items: INodeExecutionData[] = [];
	for (let item = 0; item < itemCount; item++) {
		const transcription = byItem.get(item);
		const uploaded = transcription?.webhook_url
			? new URL(String(transcription.webhook_url)).searchParams.get(UPLOADED) === '1'
			: false;
		const fileId = uploaded ? (transcription?.file_id as string | undefined) : undefined;
		let results: INodeExecutionData[];
		if (!transcription) {
			results = [
				{
					json: {
						status: 'error',
						error: `Item ${item} has no transcription at Soniox`,
						details: 'Soniox refused it when the node ran, or it was deleted since.',
					},
				},
			];
		} else if (transcription.status === 'error') {
			results = await failedTranscriptionOutput.call(this, transcription, targets, fileId);
		} else {
			results = await finishTranscription.call(this, transcription, output, targets, fileId);
		}
		for (const result of results) items.push({ ...result, pairedItem: { item } });
	}
	return items;
}

/**
 * Of an execution whose transcriptions have all ended, the one whose call resumes it. n8n
 * would resume an execution once per call that reaches it while it still waits, so two calls
 * at once must not both resume. Calls still to come (or being answered) are those of the
 * transcriptions Soniox has no 2xx answer for; the highest of their IDs resumes. Every
 * call that reads the list after all have ended picks the same one among those it sees, and a
 * call counts itself as still to come, so two calls at once never both resume; the others are
 * answered 503 and Soniox calls them again: by then the one resumed (n8n answers the repeat
 * itself), or it was answered 200 from before all had ended and the next highest resumes.
 */
function resumingTranscription(transcriptions: IDataObject[]): string {
	const answered = (t: IDataObject) => {
		const code = Number(t.webhook_status_code);
		return code >= 200 && code < 300;
	};
	const toCome = transcriptions.filter((t) => !answered(t)).map((t) => String(t.id));
	return (toCome.length ? toCome : transcriptions.map((t) => String(t.id))).sort().at(-1)!;
}

/**
 * Soniox's call to a waiting Transcribe. A call without the credential's secret header is
 * refused and the execution goes on waiting; so does a call while some of the execution's
 * transcriptions are still running. The call after which all have ended resumes the execution
 * with every item's transcript, formatted and cleaned up as when polling.
 */
export async function resumeOnCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const refusal = await refuseWithoutSecret(this);
	if (refusal) return refusal;
	try {
		const called = await calledTranscription.call(this);
		if (!called) return respond(this, 404, { error: 'Not a transcription of this execution' });
		const base = callbackBase(called.webhook_url)!;
		const itemCount = Number(new URL(String(called.webhook_url)).searchParams.get(ITEMS)) || 1;
		const transcriptions = await executionTranscriptions.call(this, base, itemCount);
		const listed = [...transcriptions.byItem.values()];
		const running = listed.filter((t) => !hasEnded(t)).length;
		if (running > 0) return respond(this, 200, { received: true, stillRunning: running });
		// All have ended, and calls for several of them may be here at once: only one resumes.
		const resumer = resumingTranscription(listed);
		if (resumer !== String(called.id)) {
			return respond(this, 503, { retryLater: true, resumedBy: resumer });
		}
		return {
			webhookResponse: { received: true },
			workflowData: [await itemsOutput.call(this, transcriptions)],
		};
	} catch (error) {
		return answerSonioxFailure(this, error);
	}
}

/**
 * When an item fails before the wait begins, the execution will never resume: the
 * transcriptions it already created are deleted where Soniox allows, with their uploads.
 */
export async function abandonCallbacks(this: IExecuteFunctions, itemIndex: number) {
	const webhook = await callbackWebhookConfig.call(this, itemIndex, false);
	const base = callbackBase(webhook.webhook_url)!;
	const targets: CleanupTarget[] = ['transcription', 'file'];
	const { byItem } = await executionTranscriptions.call(this, base, itemIndex);
	for (const transcription of byItem.values()) {
		const uploaded = new URL(String(transcription.webhook_url)).searchParams.get(UPLOADED) === '1';
		const fileId = uploaded ? (transcription.file_id as string) : undefined;
		await cleanUp.call(this, targets, String(transcription.id), fileId);
	}
}
