// Synthesize in Real Time: every item spoken over shared TTS WebSocket connections (see
// transport/realtime/synthesizeSession.ts for the streams). The router reads every item first
// (`prepare`), then hands them over together (`executeShared`).
import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { readBoolean, readNumber } from '../../helpers/parameterValues';
import { executionCancelSignal } from '../../transport';
import { getRealtimeAccess, type RealtimeAccess } from '../../transport/realtime/access';
import {
	MAX_STREAMS_PER_CONNECTION,
	synthesizeInRealTime,
	type Speech,
} from '../../transport/realtime/synthesizeSession';
import type { ItemOutcome, PreparedItem } from '../node.type';
import { readKeySource, realtimeKeyFields } from '../realtime.descriptions';
import {
	prepareSpeech,
	speechFields,
	speechSummary,
	type PreparedSpeech,
} from './speech.descriptions';

const timestampsField: INodeProperties = {
	displayName: 'Character Timestamps',
	name: 'returnTimestamps',
	type: 'boolean',
	default: false,
	description:
		'Whether to add when each character is spoken (in seconds from the start) to the output, for captions or lip sync',
};

const parallelStreamsField: INodeProperties = {
	displayName: 'Items Spoken in Parallel',
	name: 'parallelStreams',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_STREAMS_PER_CONNECTION },
	default: 3,
	description: `All items share one connection; this many are synthesized at the same time (Soniox allows ${MAX_STREAMS_PER_CONNECTION} per connection, and each counts toward the project's text-to-speech concurrency limit)`,
};

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['speech'], operation: ['synthesizeRealTime'] } },
	[
		...speechFields('longer text is sent in pieces, up to about 2 minutes of speech per item'),
		timestampsField,
		parallelStreamsField,
		...realtimeKeyFields('tts_rt'),
	],
);

interface PreparedRealtimeSpeech {
	access: RealtimeAccess;
	speech: PreparedSpeech;
	parallelStreams: number;
}

export async function prepare(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<PreparedRealtimeSpeech> {
	const keySource = readKeySource.call(this, itemIndex);
	const access = await getRealtimeAccess.call(this, itemIndex, 'tts', keySource);
	const parallelStreams = readNumber(this, itemIndex, parallelStreamsField);
	const speech = prepareSpeech.call(this, itemIndex, {
		billedByTemporaryKey: keySource === 'temporaryKey',
	});
	if (readBoolean(this, itemIndex, timestampsField)) {
		speech.config = { ...speech.config, return_timestamps: true };
	}
	return { access, speech, parallelStreams };
}

/**
 * Speaks the items over as few connections as possible (one per URL and key, so normally one),
 * at most Items Spoken in Parallel at a time; an error fails only its own item.
 */
export async function executeShared(
	this: IExecuteFunctions,
	items: Array<PreparedItem<PreparedRealtimeSpeech>>,
	stopOnError: boolean,
): Promise<Array<ItemOutcome | undefined>> {
	const outcomes: Array<ItemOutcome | undefined> = [];
	const groups = new Map<string, number[]>();
	items.forEach(({ prepared: { access } }, position) => {
		const key = `${access.url}\n${access.apiKey}`;
		groups.set(key, [...(groups.get(key) ?? []), position]);
	});
	for (const positions of groups.values()) {
		if (stopOnError && outcomes.some((outcome) => outcome instanceof Error)) break;
		const first = items[positions[0]].prepared;
		const results = await synthesizeInRealTime({
			node: this.getNode(),
			...first.access,
			speeches: positions.map((position) => items[position].prepared.speech),
			maxStreams: first.parallelStreams,
			stopOnError,
			signal: executionCancelSignal(this),
		});
		for (const [index, result] of results.entries()) {
			const position = positions[index];
			outcomes[position] =
				result instanceof Error || result === undefined
					? result
					: await toOutput
							.call(this, items[position].prepared.speech, result)
							.catch((error: Error) => error);
		}
	}
	return outcomes;
}

async function toOutput(
	this: IExecuteFunctions,
	speech: PreparedSpeech,
	result: Speech,
): Promise<INodeExecutionData[]> {
	const binary = await this.helpers.prepareBinaryData(
		result.audio,
		speech.fileName,
		speech.mimeType,
	);
	return [
		{
			json: {
				mode: 'realTime',
				...speechSummary(speech, result.audio.length),
				...(result.timestamps ? { timestamps: result.timestamps } : {}),
			},
			binary: { [speech.binaryPropertyName]: binary },
		},
	];
}
