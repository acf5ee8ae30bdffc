// The API key goes only to the configured origin: a Custom URL that answers with a redirect
// to another host must not lead the node there, with or without the key, for any request.
import { makeWav } from '../emulator';
import { runNode, storeBinary } from '../harness';
import { startLoopbackServer, type LoopbackServer } from '../harness/loopback';

const API_KEY = 'redirect-test-secret-key';
let otherHost: LoopbackServer;
let redirecting: LoopbackServer;
let redirectStatus = 302;

beforeAll(async () => {
	otherHost = await startLoopbackServer((_req, res) => {
		res.setHeader('Content-Type', 'application/json');
		res.end('{"models": [], "files": [], "id": "stolen"}');
	}, '127.0.0.2');
	redirecting = await startLoopbackServer((req, res) => {
		res.statusCode = redirectStatus;
		res.setHeader('Location', `${otherHost.url}${req.url}`);
		res.end();
	});
});
afterAll(async () => {
	await otherHost.close();
	await redirecting.close();
});
beforeEach(() => {
	otherHost.received.length = 0;
	redirecting.received.length = 0;
});

const credentials = () => ({
	apiKey: API_KEY,
	region: 'custom',
	baseDomain: 'soniox.invalid',
	restUrl: redirecting.url,
	ttsRestUrl: redirecting.url,
	sttWebSocketUrl: 'ws://127.0.0.1:9/transcribe-websocket',
	ttsWebSocketUrl: 'ws://127.0.0.1:9/tts-websocket',
});

const operations: Array<[string, () => Promise<Parameters<typeof runNode>[0]>]> = [
	[
		'Model → Get Many (GET)',
		async () => ({ parameters: { resource: 'model', operation: 'getMany', returnAll: true } }),
	],
	[
		'Transcribe from URL (POST /v1/transcriptions)',
		async () => ({
			parameters: {
				resource: 'transcription',
				operation: 'transcribe',
				audioSource: 'url',
				audioUrl: 'http://127.0.0.1:9/a.wav',
			},
		}),
	],
	[
		'Synthesize (POST /tts)',
		async () => ({
			parameters: {
				resource: 'speech',
				operation: 'synthesize',
				text: 'A secret text',
				audioFormat: 'wav',
			},
		}),
	],
	[
		'Upload (POST /v1/files)',
		async () => ({
			parameters: { resource: 'file', operation: 'upload' },
			items: [
				{
					json: {},
					binary: {
						data: await storeBinary(
							makeWav({ text: 'secret audio', durationMs: 500 }),
							'a.wav',
							'audio/wav',
						),
					},
				},
			],
		}),
	],
];

describe.each([302, 307])('a Custom URL that answers %i to another host', (status) => {
	beforeEach(() => (redirectStatus = status));

	it.each(operations)(
		'%s: not followed, a clear error, the key stays home',
		async (_name, options) => {
			const { error } = await runNode({ ...(await options()), credentials: credentials() });
			expect(redirecting.received.length).toBeGreaterThan(0);
			expect(otherHost.received).toEqual([]);
			expect(error?.message).toContain('Soniox does not redirect');
			expect(error?.message).toContain(`HTTP ${status}`);
			expect(error?.description).toContain('URLs in the Soniox credential');
			expect(
				JSON.stringify({ ...error, message: error?.message, description: error?.description }),
			).not.toContain(API_KEY);
		},
	);
});
