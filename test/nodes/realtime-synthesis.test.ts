// Real-time speech synthesis against the emulator's /tts-websocket: Speech → Synthesize in
// Real-Time mode through n8n, and the multiplexing helper on its own with a real SonioxSocket
// (one connection, bounded streams, per-stream errors, reconnects). A counting TCP relay in
// front of the emulator tells how many connections a run opened.
import type { INodeExecutionData } from 'n8n-workflow';

import { startEmulator, type Emulator } from '../emulator';
import { emulatorCredentials, readBinary, runNode, expectRequestsToConform } from '../harness';
import {
	synthesizeInRealTime,
	type SpeechRequest,
	type SynthesisRequest,
} from '../../nodes/Soniox/v1/transport/realtime/synthesizeSession';
import {
	TEST_NODE,
	countingProxy,
	createTemporaryKey,
	type CountingProxy,
} from './realtime-fixtures';

let emulator: Emulator;
let proxy: CountingProxy;
beforeAll(async () => {
	emulator = await startEmulator({ realtimeIdleTimeoutMs: 3000 });
	proxy = await countingProxy(emulator.urls.ttsWebSocket);
});
afterEach(() => expectRequestsToConform(emulator));
afterAll(async () => {
	await proxy.close();
	await emulator.close();
});
afterEach(() => {
	emulator.faults.clear();
	emulator.config.concurrency.tts = 5;
});

const VOICE = { model: 'tts-rt-v2', language: 'en', voice: 'Adrian' };
const TEXTS = [
	'Your order has shipped.',
	'It arrives on Tuesday.',
	'Thank you for shopping with us!',
	'Reply STOP to opt out.',
	'Have a nice day.',
];

const speech = (text: string, config: object = {}): SpeechRequest => ({
	config: { ...VOICE, audio_format: 'wav', sample_rate: 24000, ...config },
	text,
});

function synthesize(speeches: SpeechRequest[], overrides: Partial<SynthesisRequest> = {}) {
	return synthesizeInRealTime({
		node: TEST_NODE,
		url: proxy.url,
		apiKey: emulator.apiKey,
		keySource: 'credential',
		speeches,
		maxStreams: 3,
		stopOnError: false,
		...overrides,
	});
}

async function restAudio(body: object): Promise<Buffer> {
	const response = await fetch(`${emulator.urls.ttsRest}/tts`, {
		method: 'POST',
		headers: { authorization: `Bearer ${emulator.apiKey}`, 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	expect(response.status).toBe(200);
	return Buffer.from(await response.arrayBuffer());
}

const audioOf = (outcome: unknown) => {
	if (!outcome || outcome instanceof Error) throw outcome ?? new Error('no outcome');
	return (outcome as { audio: Buffer }).audio;
};

/** Speech entries in the usage log (Soniox logs REST and WebSocket speech alike). */
const wsEntries = () => emulator.ledger().filter((entry) => entry.model.startsWith('tts-'));

describe('streams on one connection', () => {
	it('speaks every text on one connection, each stream billed with its own reference', async () => {
		const before = proxy.connections();
		const ledgerBefore = wsEntries().length;
		const outcomes = await synthesize(
			TEXTS.map((text, index) => speech(text, { client_reference_id: `customer_${index}` })),
		);
		expect(proxy.connections() - before).toBe(1);
		const entries = wsEntries().slice(ledgerBefore);
		for (const [index, text] of TEXTS.entries()) {
			const rest = await restAudio({ ...VOICE, audio_format: 'wav', sample_rate: 24000, text });
			expect(audioOf(outcomes[index]).equals(rest)).toBe(true);
		}
		expect(entries.map((entry) => entry.client_reference_id).sort()).toEqual(
			TEXTS.map((_, index) => `customer_${index}`),
		);
	});

	it('keeps no more streams open than asked (a cap of 2 is never exceeded)', async () => {
		emulator.config.concurrency.tts = 2;
		const outcomes = await synthesize(
			TEXTS.map((text) => speech(text)),
			{ maxStreams: 2 },
		);
		for (const outcome of outcomes) expect(outcome).toHaveProperty('audio');
		const tooMany = await synthesize(
			TEXTS.map((text) => speech(text)),
			{ maxStreams: 3 },
		);
		expect(tooMany.some((outcome) => outcome instanceof Error)).toBe(true);
	});

	it('sends long text in pieces and gets the same audio and timestamps as in one request', async () => {
		const text = 'Each sentence here is short, but together they are long. '.repeat(30);
		const [outcome] = await synthesize([
			speech(text, { audio_format: 'mp3', return_timestamps: true }),
		]);
		expect(
			audioOf(outcome).equals(
				await restAudio({ ...VOICE, audio_format: 'mp3', sample_rate: 24000, text }),
			),
		).toBe(true);
		const { timestamps } = outcome as {
			timestamps: { characters: string[]; character_start_times_seconds: number[] };
		};
		expect(timestamps.characters.join('')).toBe(text);
		const starts = timestamps.character_start_times_seconds;
		expect(starts.every((start, index) => index === 0 || start >= starts[index - 1])).toBe(true);
	});
});

describe('failures stay per stream', () => {
	it('fails only the stream with a bad voice', async () => {
		const outcomes = await synthesize([
			speech('One.'),
			speech('Two.', { voice: 'Nobody' }),
			speech('Three.'),
		]);
		expect(outcomes[0]).toHaveProperty('audio');
		expect(outcomes[1]).toMatchObject({
			httpCode: '400',
			message: "Soniox refused the request: Invalid voice 'Nobody' for model 'tts-rt-v2'.",
		});
		expect(outcomes[2]).toHaveProperty('audio');
	});

	it('says how to split text whose speech exceeds what one stream holds', async () => {
		const [outcome] = await synthesize([
			speech('A sentence that takes a while to say. '.repeat(80)),
		]);
		expect(outcome).toMatchObject({
			httpCode: '400',
			description: expect.stringContaining('Split the text over several items'),
		});
	});

	it('stops starting streams after a failure when asked to', async () => {
		const ledgerBefore = wsEntries().length;
		const outcomes = await synthesize(
			[speech('One.'), speech('Two.', { voice: 'Nobody' }), speech('Three.'), speech('Four.')],
			{ maxStreams: 1, stopOnError: true },
		);
		expect(outcomes[0]).toHaveProperty('audio');
		expect(outcomes[1]).toBeInstanceOf(Error);
		expect(outcomes.slice(2)).toEqual([undefined, undefined]);
		expect(wsEntries().length - ledgerBefore).toBe(1);
	});

	it.each(['terminate503', 'drop'] as const)(
		'starts unfinished streams again on a new connection after %s',
		async (kind) => {
			const before = proxy.connections();
			emulator.faults.arm({ route: 'WS /tts-websocket', kind, afterMessages: 3 });
			const outcomes = await synthesize(TEXTS.map((text) => speech(text)));
			expect(proxy.connections() - before).toBe(2);
			for (const [index, text] of TEXTS.entries()) {
				const rest = await restAudio({ ...VOICE, audio_format: 'wav', sample_rate: 24000, text });
				expect(audioOf(outcomes[index]).equals(rest)).toBe(true);
			}
		},
	);

	it('gives up on the connection after the allowed reconnects', async () => {
		for (let i = 0; i < 3; i++)
			emulator.faults.arm({ route: 'WS /tts-websocket', kind: 'drop', afterMessages: 1 });
		const outcomes = await synthesize(
			TEXTS.slice(0, 2).map((text) => speech(text)),
			{ maxReconnects: 2 },
		);
		for (const outcome of outcomes) {
			expect(outcome).toMatchObject({
				message: 'The Soniox real-time connection closed before the speech was complete',
			});
		}
	});
});

describe('temporary keys', () => {
	it('opens the connection with a temporary key; the key’s bound reference wins', async () => {
		const key = await createTemporaryKey(emulator, 'tts_rt', 'end_user_7');
		const ledgerBefore = wsEntries().length;
		const outcomes = await synthesize([speech('Hello.', { client_reference_id: 'ignored' })], {
			apiKey: key,
			keySource: 'temporaryKey',
		});
		expect(outcomes[0]).toHaveProperty('audio');
		expect(
			wsEntries()
				.slice(ledgerBefore)
				.map((entry) => entry.client_reference_id),
		).toEqual(['end_user_7']);
	});

	it('explains a temporary key made for the other API', async () => {
		const key = await createTemporaryKey(emulator, 'transcribe_websocket');
		const [outcome] = await synthesize([speech('Hello.')], {
			apiKey: key,
			keySource: 'temporaryKey',
		});
		expect(outcome).toMatchObject({
			httpCode: '401',
			description: expect.stringContaining('usage type'),
		});
		expect(JSON.stringify(outcome)).not.toContain(key);
	});
});

describe('Speech → Synthesize in Real-Time mode', () => {
	const credentials = () => ({ ...emulatorCredentials(emulator), ttsWebSocketUrl: proxy.url });
	const lines = (...texts: string[]) =>
		texts.map((text, index) => ({ json: { text, customer: `c${index}` } }));

	function synthesizeNode(
		parameters: Record<string, unknown>,
		items: INodeExecutionData[],
		continueOnFail = false,
	) {
		return runNode({
			parameters: {
				resource: 'speech',
				operation: 'synthesizeRealTime',
				text: '={{ $json.text }}',
				audioFormat: 'wav',
				clientReferenceId: '={{ $json.customer }}',
				...parameters,
			},
			credentials: credentials(),
			items,
			continueOnFail,
		});
	}

	it('with a temporary key, neither sends nor shows its own reference: the key’s bound one is billed', async () => {
		const key = await createTemporaryKey(emulator, 'tts_rt', 'end_user_9');
		const ledgerBefore = wsEntries().length;
		const { items, error } = await synthesizeNode(
			{ realtimeKeySource: 'temporaryKey', temporaryApiKey: key },
			lines('Hello.'),
		);
		expect(error).toBeUndefined();
		expect(items[0].json).not.toHaveProperty('client_reference_id');
		expect(JSON.stringify(items[0].json)).not.toContain(key);
		expect(
			wsEntries()
				.slice(ledgerBefore)
				.map((entry) => entry.client_reference_id),
		).toEqual(['end_user_9']);
	});

	it('speaks all items over one connection, the same audio as REST mode, each billed to its customer', async () => {
		const before = proxy.connections();
		const ledgerBefore = wsEntries().length;
		const realtime = await synthesizeNode({ parallelStreams: 2 }, lines(...TEXTS));
		expect(realtime.error).toBeUndefined();
		expect(proxy.connections() - before).toBe(1);
		const billed = wsEntries().slice(ledgerBefore);
		const rest = await synthesizeNode({ operation: 'synthesize' }, lines(...TEXTS));
		expect(realtime.items.map((item) => item.pairedItem)).toEqual(
			TEXTS.map((_, item) => ({ item })),
		);
		for (const [index, item] of realtime.items.entries()) {
			expect((await readBinary(item)).equals(await readBinary(rest.items[index]))).toBe(true);
			expect(item.json).toMatchObject({
				mode: 'realTime',
				voice: 'Adrian',
				client_reference_id: `c${index}`,
			});
		}
		expect(billed.map((entry) => entry.client_reference_id).sort()).toEqual(
			TEXTS.map((_, index) => `c${index}`),
		);
	});

	it('adds character timestamps when asked', async () => {
		const { items } = await synthesizeNode({ returnTimestamps: true }, lines('Hello there.'));
		const timestamps = items[0].json.timestamps as { characters: string[] };
		expect(timestamps.characters.join('')).toBe('Hello there.');
	});

	it('continues on fail per item: only the item with a bad voice fails', async () => {
		const { items } = await synthesizeNode(
			{ voice: '={{ $json.voice }}' },
			[
				{ json: { text: 'One.', voice: 'Adrian' } },
				{ json: { text: 'Two.', voice: 'Nobody' } },
				{ json: { text: 'Three.', voice: 'Nora' } },
			],
			true,
		);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0].binary?.data).toBeDefined();
		expect(items[1].json.error).toBe(
			"Soniox refused the request: Invalid voice 'Nobody' for model 'tts-rt-v2'.",
		);
		expect(items[2].binary?.data).toBeDefined();
	});

	it('without Continue On Fail, stops at the failed item and speaks nothing after it', async () => {
		const ledgerBefore = wsEntries().length;
		const { error } = await synthesizeNode({ voice: '={{ $json.voice }}', parallelStreams: 1 }, [
			{ json: { text: 'One.', voice: 'Adrian' } },
			{ json: { text: 'Two.', voice: 'Nobody' } },
			{ json: { text: 'Three.', voice: 'Nora' } },
		]);
		expect(error?.message).toMatch(/Invalid voice 'Nobody'/);
		expect(wsEntries().length - ledgerBefore).toBe(1);
	});

	it('uses a temporary key per item; the key’s bound reference wins over the node’s', async () => {
		const created = await runNode({
			parameters: {
				resource: 'temporaryKey',
				operation: 'create',
				usageType: 'tts_rt',
				clientReferenceId: 'tenant_5',
			},
			credentials: credentials(),
		});
		const apiKey = created.items[0].json.api_key as string;
		const ledgerBefore = wsEntries().length;
		const { items, error } = await synthesizeNode(
			{ realtimeKeySource: 'temporaryKey', temporaryApiKey: '={{ $json.api_key }}' },
			[{ json: { text: 'Welcome back.', customer: 'ignored', api_key: apiKey } }],
		);
		expect(error).toBeUndefined();
		expect(items[0].binary?.data).toBeDefined();
		expect(JSON.stringify(items[0].json)).not.toContain(apiKey);
		expect(
			wsEntries()
				.slice(ledgerBefore)
				.map((entry) => entry.client_reference_id),
		).toEqual(['tenant_5']);
	});
});
