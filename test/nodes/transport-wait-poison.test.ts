// The transcription wait keeps its pace whatever a status answer says: an absurd
// audio_duration_ms must not turn the forecast (shared by every later job of the model)
// into NaN and the wait into checks without any pause.
import { runNode } from '../harness';
import { startLoopbackServer, type LoopbackServer } from '../harness/loopback';

const MODEL = 'poisoned-forecast-model';
let server: LoopbackServer;
let checksLeft = 0;
let audioDurationMs = 1e308;

beforeAll(async () => {
	server = await startLoopbackServer((req, res) => {
		res.setHeader('Content-Type', 'application/json');
		const job = { id: 'job-1', model: MODEL, audio_duration_ms: audioDurationMs };
		if (req.method === 'POST') return void res.end(JSON.stringify({ ...job, status: 'queued' }));
		if (req.url?.endsWith('/transcript'))
			return void res.end(JSON.stringify({ text: '', tokens: [] }));
		checksLeft--;
		res.end(JSON.stringify({ ...job, status: checksLeft > 0 ? 'processing' : 'completed' }));
	});
});
afterAll(() => server.close());

const transcribe = () =>
	runNode({
		parameters: {
			resource: 'transcription',
			operation: 'transcribe',
			audioSource: 'url',
			audioUrl: 'http://127.0.0.1:9/a.wav',
			model: MODEL,
		},
		credentials: {
			apiKey: 'wait-test-key',
			region: 'custom',
			baseDomain: 'soniox.invalid',
			restUrl: server.url,
		},
	});

const checks = () =>
	server.received.filter((r) => r.method === 'GET' && r.url === '/v1/transcriptions/job-1').length;

it('a job after one with an absurd duration is still checked at a bounded pace', async () => {
	// Two jobs teach the forecast two impossible samples.
	for (const duration of [1e308, 1e307]) {
		audioDurationMs = duration;
		checksLeft = 3;
		expect((await transcribe()).error).toBeUndefined();
	}

	// The next one runs while the test waits: 4 checks at a sane pace are seconds apart;
	// without a pause between them they would number in the thousands meanwhile.
	server.received.length = 0;
	checksLeft = Infinity;
	const run = transcribe();
	await new Promise((resolve) => setTimeout(resolve, 3000));
	const seen = checks();
	checksLeft = 0;
	expect((await run).error).toBeUndefined();
	expect(seen).toBeLessThan(40);
});
