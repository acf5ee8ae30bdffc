// Stop means stop: pressing Stop in the editor aborts n8n's execution cancel signal, and the
// node must end at once, whether it is waiting for a job, backing off before a retry or
// reading a streamed answer, and send nothing more to Soniox.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IRun } from 'n8n-workflow';

import { makeWav, startEmulator, type Emulator } from '../emulator';
import { emulatorCredentials, storeBinary } from '../harness';
import { startLoopbackServer, type LoopbackServer } from '../harness/loopback';
import { startNode } from '../harness/stoppable';

let emulator: Emulator;
let audioServer: LoopbackServer;

beforeAll(async () => {
	// A job that stays queued far longer than any test: only Stop ends the wait.
	emulator = await startEmulator({ transcription: { queuedMs: 3_600_000, processingBaseMs: 10 } });
	audioServer = await startLoopbackServer((_req, res) => res.end('RIFF'));
});
afterAll(async () => {
	await emulator.close();
	await audioServer.close();
});
beforeEach(() => emulator.reset());

const count = (route: string) =>
	emulator.requests().filter((request) => request.route === route).length;
/** Requests that reached the emulator after `time` (a check already under way is not one). */
const startedAfter = (time: number) =>
	emulator.requests().filter((request) => Date.parse(request.at) > time);

async function until(condition: () => boolean) {
	while (!condition()) await pause(20);
}

function pause(ms: number) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function nodeError(run: IRun) {
	return run.data.resultData.runData.Soniox?.[0]?.error as
		(Error & { description?: string }) | undefined;
}

const fetchCount = async () =>
	await fetch(`${emulator.baseUrl}/v1/transcriptions/count`, {
		headers: { Authorization: `Bearer ${emulator.apiKey}` },
	});

const transcribe = {
	resource: 'transcription',
	operation: 'transcribe',
	audioSource: 'url',
	audioUrl: 'http://127.0.0.1:9/never-fetched.wav',
};

describe('Stop', () => {
	it('ends a long wait for a transcription; no status check follows, only the clean-up', async () => {
		const run = startNode({ parameters: transcribe, credentials: emulatorCredentials(emulator) });
		await until(() => count('GET /v1/transcriptions/:id') >= 3);
		const stoppedAt = Date.now();
		run.stop();
		const ended = await run.ended;

		// Longer than the wait's longest sleep between checks.
		await pause(6000);
		// Clean Up (by default the transcription) still runs on the way out.
		expect(startedAfter(stoppedAt).map((request) => request.route)).toEqual([
			'DELETE /v1/transcriptions/:id',
		]);
		expect(await (await fetchCount()).json()).toMatchObject({ total: 0 });
		expect(nodeError(ended)?.message).toMatch(
			/^The execution was stopped while waiting for transcription/,
		);
	});

	it('ends a retry back-off (a long Retry-After); the request is not sent again', async () => {
		emulator.faults.arm({
			route: 'POST /v1/transcriptions',
			statuses: [429],
			retryAfterSeconds: 60,
		});
		const run = startNode({ parameters: transcribe, credentials: emulatorCredentials(emulator) });
		await until(() => count('POST /v1/transcriptions') === 1);
		const stoppedAt = Date.now();
		run.stop();
		const ended = await run.ended;

		expect(startedAfter(stoppedAt)).toEqual([]);
		expect(count('POST /v1/transcriptions')).toBe(1);
		expect(nodeError(ended)?.message).toBe(
			'The execution was stopped while calling POST /v1/transcriptions',
		);
	});

	it('ends a long upload mid-body and hangs up', async () => {
		// A server that reads an upload slowly: one chunk, then a pause, ... (a slow link).
		let upload: IncomingMessage | undefined;
		let uploadEnded: IRun | undefined;
		let bytesRead = 0;
		const hungUp = new Promise<void>((resolve) => {
			const server = createServer((req) => {
				upload = req;
				req.on('data', (chunk: Buffer) => {
					bytesRead += chunk.length;
					// Once the node has ended, what the kernel still buffers is read at once.
					if (uploadEnded) return;
					req.pause();
					setTimeout(() => req.resume(), 200);
				});
				req.on('close', () => {
					server.close();
					resolve();
				});
			});
			server.listen(0, '127.0.0.1', () => {
				const { port } = server.address() as AddressInfo;
				const data = storeBinary(
					makeWav({ text: 'a long upload', durationMs: 300_000 }),
					'long.wav',
					'audio/wav',
				);
				void data.then(async (binary) => {
					const run = startNode({
						parameters: { resource: 'file', operation: 'upload' },
						credentials: { ...emulatorCredentials(emulator), restUrl: `http://127.0.0.1:${port}` },
						items: [{ json: {}, binary: { data: binary } }],
					});
					await until(() => bytesRead > 0);
					run.stop();
					uploadEnded = await run.ended;
				});
			});
		});
		await hungUp;
		await until(() => uploadEnded !== undefined);

		expect(upload?.complete).toBe(false);
		expect(bytesRead).toBeLessThan(Number(upload?.headers['content-length']));
		expect(nodeError(uploadEnded as IRun)?.message).toBe(
			'The execution was stopped while calling POST /v1/files',
		);
	});

	describe('a streamed answer', () => {
		let tts: LoopbackServer;
		let closed: Promise<void>;
		let firstBytesSent: Promise<void>;

		beforeAll(async () => {
			let onClose: () => void = () => {};
			let onFirstBytes: () => void = () => {};
			closed = new Promise((resolve) => (onClose = resolve));
			firstBytesSent = new Promise((resolve) => (onFirstBytes = resolve));
			// Audio that never ends: a byte every 100 ms, until the node hangs up.
			tts = await startLoopbackServer((_req, res) => {
				res.writeHead(200, { 'Content-Type': 'audio/wav' });
				const timer = setInterval(() => {
					res.write('a');
					onFirstBytes();
				}, 100);
				res.on('close', () => {
					clearInterval(timer);
					onClose();
				});
			});
		});
		afterAll(() => tts.close());

		it('ends text-to-speech mid-body and hangs up', async () => {
			const run = startNode({
				parameters: {
					resource: 'speech',
					operation: 'synthesize',
					text: 'Hello',
					audioFormat: 'wav',
				},
				credentials: { ...emulatorCredentials(emulator), ttsRestUrl: tts.url },
			});
			await firstBytesSent;
			run.stop();
			const ended = await run.ended;
			await closed;

			expect(tts.received).toHaveLength(1);
			expect(nodeError(ended)?.message).toBe('The execution was stopped while calling POST /tts');
			expect(nodeError(ended)?.description).toContain('may have carried out the request');
		});
	});
});
