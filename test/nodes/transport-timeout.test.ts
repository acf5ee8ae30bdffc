// Request Timeout bounds the whole request: a server that keeps the connection busy with a
// byte now and then (never silent long enough for an idle timeout) must not hold a request
// past the credential's Request Timeout.
import { runNode } from '../harness';
import { startLoopbackServer, trickle, type LoopbackServer } from '../harness/loopback';

let slow: LoopbackServer;
// Valid JSON in the end, so that without a bound the run goes on and fails differently.
const BODY = JSON.stringify({
	id: 'trickled',
	status: 'error',
	error_type: 'trickled',
	error_message: 'the whole body arrived',
	models: [],
});

beforeAll(async () => {
	slow = await startLoopbackServer((_req, res) => {
		res.writeHead(200, { 'Content-Type': 'application/json' });
		trickle(res, BODY, 100);
	});
});
afterAll(() => slow.close());
beforeEach(() => (slow.received.length = 0));

const credentials = () => ({
	apiKey: 'timeout-test-key',
	region: 'custom',
	baseDomain: 'soniox.invalid',
	restUrl: slow.url,
	ttsRestUrl: slow.url,
	requestTimeoutSeconds: 1,
});

describe('a server that trickles its answer', () => {
	it('fails a create after the Request Timeout, and does not send it again', async () => {
		const { error } = await runNode({
			parameters: {
				resource: 'transcription',
				operation: 'transcribe',
				audioSource: 'url',
				audioUrl: 'http://127.0.0.1:9/a.wav',
			},
			credentials: credentials(),
		});
		expect(error?.message).toBe(
			'Soniox request failed while calling POST /v1/transcriptions: Soniox did not answer within 1 seconds.',
		);
		expect(error?.description).toContain('was not sent again');
		expect(slow.received.map((request) => `${request.method} ${request.url}`)).toEqual([
			'POST /v1/transcriptions',
		]);
	});

	it('bounds every attempt of a read, then fails with the timeout', async () => {
		const { error } = await runNode({
			parameters: { resource: 'model', operation: 'getMany', returnAll: true },
			credentials: credentials(),
		});
		expect(error?.message).toBe(
			'Soniox request failed while calling GET /v1/models: Soniox did not answer within 1 seconds.',
		);
		expect(error?.description).toContain('Raise "Request Timeout"');
		expect(slow.received.length).toBeGreaterThan(1);
		expect(slow.received.length).toBeLessThanOrEqual(5);
	});
});
