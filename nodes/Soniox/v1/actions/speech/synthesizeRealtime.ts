// Synthesize → Real-time mode: the fields only that mode has, and a batch of items spoken over
// shared TTS WebSocket connections (see helpers/realtime/synthesize.ts for the streams).

import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import {
	MAX_STREAMS_PER_CONNECTION,
	synthesizeInRealTime,
	type Speech,
	type SpeechRequest,
} from '../../transport/realtime/synthesizeSession';
import { checkNumber } from '../../helpers/parameterValues';
import type { ItemOutcome } from '../node.type';
import {
	getRealtimeAccess,
	realtimeKeyFields,
	type RealtimeAccess,
} from '../realtime.descriptions';

/** Fields of the real-time mode; the operation adds its own displayOptions (mode: realTime). */
export const realtimeSynthesizeFields: INodeProperties[] = [
	{
		displayName: 'Character Timestamps',
		name: 'returnTimestamps',
		type: 'boolean',
		default: false,
		description:
			'Whether to add when each character is spoken (in seconds from the start) to the output, for captions or lip sync',
	},
	{
		displayName: 'Items Spoken in Parallel',
		name: 'parallelStreams',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_STREAMS_PER_CONNECTION },
		default: 3,
		description: `All items share one connection; this many are synthesized at the same time (Soniox allows ${MAX_STREAMS_PER_CONNECTION} per connection, and each counts toward the project's text-to-speech concurrency limit)`,
	},
	...realtimeKeyFields('tts_rt'),
];

/** What the operation makes of one item before anything is sent: a stream's config and text. */
export type PrepareSpeech = (itemIndex: number) => Promise<SpeechRequest>;
/** What the operation makes of one item's audio: the same output as the REST mode. */
export type SpeechOutput = (itemIndex: number, speech: Speech) => Promise<INodeExecutionData[]>;

interface Prepared {
	itemIndex: number;
	access: RealtimeAccess;
	speech: SpeechRequest;
	parallelStreams: number;
}

/**
 * Speaks every item over as few connections as possible (one per API key, so normally one),
 * at most `parallelStreams` at a time. Returns one outcome per item, in order; an error fails
 * only its own item. Without Continue On Fail, nothing after the first failed item is sent.
 */
export async function synthesizeRealtimeBatch(
	this: IExecuteFunctions,
	itemIndexes: number[],
	prepare: PrepareSpeech,
	toOutput: SpeechOutput,
): Promise<ItemOutcome[]> {
	const stopOnError = !this.continueOnFail();
	const outcomes = new Map<number, ItemOutcome>();
	let firstFailure = Infinity;
	const fail = (itemIndex: number, error: Error) => {
		outcomes.set(itemIndex, error);
		firstFailure = Math.min(firstFailure, itemIndex);
	};

	const groups = new Map<string, Prepared[]>();
	for (const itemIndex of itemIndexes) {
		try {
			const access = await getRealtimeAccess.call(this, itemIndex, 'tts');
			const parallelStreams = checkNumber(
				this,
				itemIndex,
				'Items Spoken in Parallel',
				this.getNodeParameter('parallelStreams', itemIndex, 3),
				{ min: 1, max: MAX_STREAMS_PER_CONNECTION },
			);
			const speech = await prepare(itemIndex);
			if (this.getNodeParameter('returnTimestamps', itemIndex, false) === true) {
				speech.config = { ...speech.config, return_timestamps: true };
			}
			const groupKey = `${access.url}\n${access.apiKey}`;
			const entry = { itemIndex, access, speech, parallelStreams };
			groups.set(groupKey, [...(groups.get(groupKey) ?? []), entry]);
		} catch (error) {
			fail(itemIndex, error as Error);
			if (stopOnError) break;
		}
	}

	for (const prepared of groups.values()) {
		// Only without Continue On Fail does a failed item stop the ones after it.
		const group = prepared.filter(({ itemIndex }) => !stopOnError || itemIndex < firstFailure);
		if (group.length === 0) continue;
		const { access } = group[0];
		const results = await synthesizeInRealTime({
			node: this.getNode(),
			...access,
			speeches: group.map(({ speech }) => speech),
			maxStreams: group[0].parallelStreams,
			stopOnError,
		});
		for (const [position, result] of results.entries()) {
			const { itemIndex } = group[position];
			if (result instanceof Error) fail(itemIndex, result);
			else if (result) await addOutput(itemIndex, result);
		}
	}

	async function addOutput(itemIndex: number, speech: Speech) {
		try {
			outcomes.set(itemIndex, await toOutput(itemIndex, speech));
		} catch (error) {
			fail(itemIndex, error as Error);
		}
	}

	// Without Continue On Fail the run ends at the first failed item: later ones are not reported.
	const reported = itemIndexes.filter((itemIndex) => !stopOnError || itemIndex <= firstFailure);
	return reported.map(
		(itemIndex) =>
			outcomes.get(itemIndex) ??
			new NodeOperationError(this.getNode(), `Item ${itemIndex} was not synthesized`, {
				itemIndex,
			}),
	);
}
