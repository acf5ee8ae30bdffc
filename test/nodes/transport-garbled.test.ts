// Garbled answers give a clear error, never a JavaScript TypeError or a silently empty
// result: JSON that is not an object, error bodies of the wrong shape, runaway bodies.
import type { ServerResponse } from 'node:http';

import { MAX_JSON_BYTES } from '../../nodes/Soniox/v1/transport';
import { runNode } from '../harness';
import { startLoopbackServer, type LoopbackServer } from '../harness/loopback';

let server: LoopbackServer;
let answer: (res: ServerResponse) => void = (res) => res.end();

beforeAll(async () => {
	server = await startLoopbackServer((_req, res) => answer(res));
});
afterAll(() => server.close());
beforeEach(() => (server.received.length = 0));

const credentials = () => ({
	apiKey: 'garbled-test-key',
	region: 'custom',
	baseDomain: 'soniox.invalid',
	restUrl: server.url,
});

const json = (status: number, body: string) => (res: ServerResponse) => {
	res.writeHead(status, { 'Content-Type': 'application/json' });
	res.end(body);
};

const createTranscription = () =>
	runNode({
		parameters: {
			resource: 'transcription',
			operation: 'transcribe',
			audioSource: 'url',
			audioUrl: 'http://127.0.0.1:9/a.wav',
		},
		credentials: credentials(),
	});

describe('a 2xx whose JSON is not an object', () => {
	it.each(['null', '[]', '[{"id": "t1"}]', '42', '"queued"', 'true'])(
		'%s: invalid_response, not sent again',
		async (body) => {
			answer = json(200, body);
			const { error } = await createTranscription();
			expect(error?.message).toBe(
				'Soniox sent an answer this node cannot read: Soniox sent a response that is not a JSON object while calling POST /v1/transcriptions.',
			);
			expect(server.received).toHaveLength(1);
		},
	);
});

describe('an error answer of the wrong shape', () => {
	it('odd field types give the status and a plain message', async () => {
		answer = json(
			400,
			JSON.stringify({
				error_type: 'constructor',
				message: { nested: true },
				validation_errors: 'not a list',
				request_id: 7,
			}),
		);
		const { error } = await createTranscription();
		expect(error?.message).toBe('Soniox returned an error: Soniox answered with HTTP 400');
		expect(error?.description ?? '').not.toContain('function');
	});

	it.each(['null', '[1, 2]', '', 'Bad Gateway'])('body %p', async (body) => {
		answer = json(503, body);
		const { error } = await createTranscription();
		expect(error?.message).toBe(
			`Soniox had a server error: ${body === 'Bad Gateway' ? body : 'Soniox answered with HTTP 503'}`,
		);
	});

	it('validation problems that are not objects are listed without failing', async () => {
		answer = json(
			422,
			JSON.stringify({
				error_type: 'invalid_request',
				message: 'Invalid request',
				validation_errors: [null, 'text', { location: 'body.model', message: 'unknown' }],
			}),
		);
		const { error } = await createTranscription();
		expect(error?.description).toContain('body.model: unknown');
	});
});

describe('a runaway body', () => {
	it(`more than ${MAX_JSON_BYTES / 2 ** 20} MB of JSON: a clear error, read no further`, async () => {
		answer = (res) => {
			res.writeHead(200, { 'Content-Type': 'application/json' });
			const chunk = Buffer.alloc(2 ** 20, ' ');
			let sent = 0;
			const more = () => {
				while (!res.destroyed && sent <= MAX_JSON_BYTES + 2 ** 20) {
					sent += chunk.length;
					if (!res.write(chunk)) return void res.once('drain', more);
				}
				if (!res.destroyed) res.end('{}');
			};
			more();
		};
		const { error } = await runNode({
			parameters: { resource: 'model', operation: 'getMany', returnAll: true },
			credentials: credentials(),
		});
		expect(error?.message).toBe(
			'Soniox sent an answer this node cannot read: Soniox sent an answer larger than 64 MB while calling GET /v1/models.',
		);
		expect(server.received).toHaveLength(1);
	});
});
