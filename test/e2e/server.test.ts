// The example workflows that wait for the world, in a running `n8n start`: webhooks answered
// through n8n's production webhook URLs, and the Soniox Trigger polling an activated workflow.
import { makeWav, startEmulator, type Emulator } from '../emulator';
import {
	exampleWorkflow,
	N8nInstance,
	sonioxCredential,
	type ExampleWorkflow,
	type N8nServer,
} from './n8n';
import { EXAMPLE_CREDENTIAL, emulatorCredentialData, LoopbackReceiver } from './workflows';

jest.setTimeout(600_000);

let emulator: Emulator;
let receiver: LoopbackReceiver;
let n8n: N8nInstance;
let server: N8nServer;

const SUBTITLES = exampleWorkflow('transcribe-audio-to-subtitles.json');

beforeAll(async () => {
	[emulator, receiver, n8n] = await Promise.all([
		startEmulator(),
		LoopbackReceiver.start(),
		N8nInstance.create(),
	]);
	await n8n.importCredentials([
		sonioxCredential(
			emulatorCredentialData(emulator),
			EXAMPLE_CREDENTIAL.id,
			EXAMPLE_CREDENTIAL.name,
		),
	]);
	const active: ExampleWorkflow[] = [SUBTITLES];
	await n8n.importWorkflow(active);
	for (const workflow of active) await n8n.publishWorkflow(workflow.id);
	server = await n8n.start();
	await server.setupOwner({
		email: 'e2e@example.com',
		password: 'E2e-Password-1',
		firstName: 'E2E',
		lastName: 'Owner',
	});
});

afterAll(async () => {
	await server?.stop();
	await Promise.all([emulator?.close(), receiver?.close()]);
	n8n?.remove();
});

const TWO_SPEAKERS = 'Hello and welcome to the show. Thanks, it is great to be here.';

describe('transcribe incoming audio to subtitles', () => {
	function expectSubtitles(body: { text: string; srt: string }) {
		expect(body.text.trim()).toBe(TWO_SPEAKERS);
		const cues = body.srt.trim().split(/\n\n+/);
		expect(cues.length).toBeGreaterThanOrEqual(2);
		expect(cues[0]).toMatch(/^1\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\nSpeaker 1: Hello/);
		expect(body.srt).toContain('Speaker 2: Thanks');
	}

	test('an uploaded file comes back as SRT and text, billed to the customer, cleaned up', async () => {
		const form = new FormData();
		form.append('customer_id', 'acme');
		form.append(
			'audio',
			new Blob([new Uint8Array(makeWav({ text: TWO_SPEAKERS, durationMs: 6000 }))], {
				type: 'audio/wav',
			}),
			'show.wav',
		);
		const response = await server.webhook('soniox/subtitles', { method: 'POST', body: form });
		const body = (await response.json()) as {
			text: string;
			srt: string;
			audio_duration_ms: number;
		};
		expect(response.status).toBe(200);
		expectSubtitles(body);
		expect(body.audio_duration_ms).toBe(6000);

		const ledger = emulator.ledger();
		expect(ledger).toHaveLength(1);
		expect(ledger[0]).toMatchObject({
			client_reference_id: 'acme',
			request_scope: 'transcribe_async',
		});
		const routes = emulator.requests().map((request) => `${request.route} ${request.status}`);
		expect(routes).toEqual(
			expect.arrayContaining([
				'POST /v1/files 201',
				'POST /v1/transcriptions 201',
				'DELETE /v1/transcriptions/:id 204',
				'DELETE /v1/files/:id 204',
			]),
		);
	});

	test('an audio URL comes back as SRT and text', async () => {
		const audio = makeWav({ text: TWO_SPEAKERS, durationMs: 6000 });
		const audioServer = await serveOnce(audio);
		try {
			const response = await server.webhook('soniox/subtitles', {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ audio_url: audioServer.url, customer_id: 'globex' }),
			});
			const body = (await response.json()) as { text: string; srt: string };
			expect(response.status).toBe(200);
			expectSubtitles(body);
			expect(emulator.ledger().at(-1)).toMatchObject({ client_reference_id: 'globex' });
		} finally {
			await audioServer.close();
		}
	});
});

/** A loopback URL that serves one audio file (the emulator downloads only from loopback). */
async function serveOnce(audio: Buffer) {
	const { createServer } = await import('node:http');
	const audioServer = createServer((_req, res) => {
		res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': audio.length });
		res.end(audio);
	});
	await new Promise<void>((resolve) => audioServer.listen(0, '127.0.0.1', resolve));
	const { port } = audioServer.address() as { port: number };
	return {
		url: `http://127.0.0.1:${port}/show.wav`,
		close: () => new Promise<void>((resolve) => audioServer.close(() => resolve())),
	};
}
