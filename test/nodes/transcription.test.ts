import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { makeWav, startEmulator, type Emulator } from '../emulator';
import {
	emulatorCredentials,
	readBinary,
	runNode,
	storeBinary,
	expectRequestsToConform,
} from '../harness';

let emulator: Emulator;
let audioServer: Server;
let audioUrl: string;
const SPEECH = 'Welcome to the quarterly review. Revenue grew in every region.';

beforeAll(async () => {
	emulator = await startEmulator({ transcription: { queuedMs: 20, processingBaseMs: 40 } });
	const wav = makeWav({ text: SPEECH, durationMs: 4000 });
	audioServer = createServer((_req, res) => res.end(wav));
	await new Promise<void>((resolve) => audioServer.listen(0, '127.0.0.1', resolve));
	audioUrl = `http://127.0.0.1:${(audioServer.address() as AddressInfo).port}/review.wav`;
});
afterEach(() => expectRequestsToConform(emulator));
afterAll(async () => {
	await emulator.close();
	audioServer.close();
});
beforeEach(() => emulator.reset());

const credentials = () => emulatorCredentials(emulator);

async function audioItem(text = SPEECH) {
	return {
		json: {},
		binary: {
			data: await storeBinary(makeWav({ text, durationMs: 4000 }), 'review.wav', 'audio/wav'),
		},
	};
}

function transcribe(
	parameters: Record<string, unknown>,
	items?: unknown[],
	continueOnFail = false,
) {
	return runNode({
		parameters: { resource: 'transcription', operation: 'transcribe', ...parameters },
		credentials: credentials(),
		items: items as never,
		continueOnFail,
	});
}

const posts = () => emulator.requests().filter((request) => request.method === 'POST');

describe('Transcription → Transcribe (async)', () => {
	it('sends the credential’s webhook secret, which the workflow never holds', async () => {
		const calls: Array<{ secret?: string; body: string }> = [];
		const receiver = createServer((req, res) => {
			let body = '';
			req.on('data', (chunk) => (body += chunk));
			req.on('end', () => {
				calls.push({ secret: req.headers['x-webhook-secret'] as string | undefined, body });
				res.end('ok');
			});
		});
		await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
		const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/soniox`;
		try {
			const parameters = { webhookUrl, webhookAuthentication: 'secretHeader' };
			const { items, error } = await runNode({
				parameters: { resource: 'transcription', operation: 'transcribe', ...parameters },
				credentials: {
					...credentials(),
					webhookHeaderName: 'X-Webhook-Secret',
					webhookSecret: 'shh-42',
				},
				items: [await audioItem()],
			});
			expect(error).toBeUndefined();
			expect(JSON.stringify(items)).not.toContain('shh-42');
			await waitFor(() => calls.length === 1);
			expect(calls[0].secret).toBe('shh-42');
			expect(JSON.parse(calls[0].body)).toMatchObject({
				id: items[0].json.id,
				status: 'completed',
			});
			// The secret lives in the credential, not in the node's parameters.
			expect(JSON.stringify(parameters)).not.toContain('shh-42');
		} finally {
			receiver.close();
		}
	});

	it('refuses a webhook secret that the credential lacks before anything is sent', async () => {
		const { error } = await runNode({
			parameters: {
				resource: 'transcription',
				operation: 'transcribe',
				webhookUrl: 'https://example.com/hook',
				webhookAuthentication: 'secretHeader',
			},
			credentials: { ...credentials(), webhookHeaderName: 'X-Webhook-Secret', webhookSecret: '' },
			items: [await audioItem()],
		});
		expect(error?.message).toBe('The credential’s Webhook Secret of item 0 is empty');
		expect(posts()).toHaveLength(0);
	});

	it('waiting for Soniox to call back refuses a credential without a webhook secret before anything is sent', async () => {
		const { error } = await runNode({
			parameters: { resource: 'transcription', operation: 'transcribe', waitMode: 'callback' },
			credentials: { ...credentials(), webhookSecret: '' },
			items: [await audioItem()],
		});
		expect(error?.message).toBe('Waiting for Soniox to call back needs a webhook secret');
		expect(emulator.requests()).toHaveLength(0);
	});

	it('waiting for Soniox to call back refuses items formatted differently before anything is sent', async () => {
		const { error } = await runNode({
			parameters: {
				resource: 'transcription',
				operation: 'transcribe',
				waitMode: 'callback',
				outputFormat: '={{ $itemIndex === 0 ? "text" : "json" }}',
			},
			credentials: {
				...credentials(),
				webhookHeaderName: 'X-Webhook-Secret',
				webhookSecret: 'shh-42',
			},
			items: [await audioItem(), await audioItem()],
		});
		expect(error?.message).toBe('Output and Clean Up of item 1 differ from item 0');
		expect(emulator.requests()).toHaveLength(0);
	});

	it('uploads a binary, waits, and returns the text; the usage entry carries the client reference ID', async () => {
		const { items, error } = await transcribe({ clientReferenceId: 'customer-42' }, [
			await audioItem(),
		]);
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({
			text: SPEECH,
			audio_duration_ms: 4000,
			client_reference_id: 'customer-42',
		});
		expect(items[0].pairedItem).toEqual({ item: 0 });
		const [entry] = emulator.ledger();
		expect(entry).toMatchObject({
			request_scope: 'api',
			client_reference_id: 'customer-42',
		});
		expect(posts().map((request) => request.route)).toEqual([
			'POST /v1/files',
			'POST /v1/transcriptions',
		]);
	});

	it('transcribes from a URL with diarization into segments', async () => {
		const { items } = await transcribe({
			audioSource: 'url',
			audioUrl,
			options: { enableSpeakerDiarization: true },
			outputFormat: 'segments',
			segmentGroupBy: ['speaker'],
		});
		const segments = items[0].json.segments as Array<{
			speaker: string;
			text: string;
			start_ms: number;
		}>;
		expect(segments.length).toBeGreaterThan(0);
		expect(segments.map((segment) => segment.text).join(' ')).toBe(SPEECH);
		expect(segments.every((segment) => typeof segment.speaker === 'string')).toBe(true);
	});

	it('returns SRT subtitles as a binary file, and cleans up file and transcription', async () => {
		const { items } = await transcribe(
			{ outputFormat: 'srt', cleanup: ['file', 'transcription'] },
			[await audioItem()],
		);
		const srt = (await readBinary(items[0], 'subtitles')).toString('utf8');
		expect(srt).toMatch(/^1\n00:00:00,\d{3} --> 00:00:0\d,\d{3}\n/);
		expect(
			srt
				.replace(/\d+\n[\d:,]+ --> [\d:,]+\n/g, '')
				.replace(/\s+/g, ' ')
				.trim(),
		).toBe(SPEECH);
		expect(items[0].binary?.subtitles).toMatchObject({
			mimeType: 'text/plain',
			fileName: 'review.srt',
		});
		expect(items[0].json.cleanup).toEqual({ transcription: 'deleted', file: 'deleted' });
		const count = await (
			await fetch(`${emulator.baseUrl}/v1/files/count`, {
				headers: { Authorization: `Bearer ${emulator.apiKey}` },
			})
		).json();
		expect(count.total).toBe(0);
	});

	it('sends context with terms and translation terms, and a one-way translation', async () => {
		const { error } = await transcribe({
			audioSource: 'url',
			audioUrl,
			clientReferenceId: 'with-context',
			options: {
				contextTerms: 'Soniox, n8n',
				contextText: 'A quarterly review.',
				contextGeneral: { entries: [{ key: 'domain', value: 'finance' }] },
				contextTranslationTerms: { entries: [{ source: 'Revenue', target: 'Ingresos' }] },
				translationType: 'one_way',
				translationTargetLanguage: 'es',
			},
		});
		expect(error).toBeUndefined();
		// The emulator takes only what Soniox's schema takes, and bills the context as input text.
		expect(emulator.contractViolations()).toEqual([]);
		const [entry] = emulator.ledger().filter((e) => e.client_reference_id === 'with-context');
		expect(entry.input_text_tokens).toBeGreaterThan(0);
	});

	const soniox = async (path: string, init: RequestInit = {}) =>
		await fetch(`${emulator.baseUrl}${path}`, {
			...init,
			headers: { Authorization: `Bearer ${emulator.apiKey}` },
		});
	const countOf = async (collection: 'files' | 'transcriptions') =>
		((await (await soniox(`/v1/${collection}/count`)).json()) as { total: number }).total;

	it('by default leaves nothing behind at Soniox (a project holds at most 1,000 files)', async () => {
		const { items, error } = await transcribe({}, [await audioItem()]);
		expect(error).toBeUndefined();
		expect(items[0].json.cleanup).toEqual({ transcription: 'deleted', file: 'deleted' });
		expect(await countOf('files')).toBe(0);
		expect(await countOf('transcriptions')).toBe(0);
	});

	it('counts a transcription or file that is already gone as deleted, and says why when one is not', async () => {
		// As when two of Soniox's calls for one execution clean up at the same time.
		emulator.faults.arm({ route: 'DELETE /v1/transcriptions/:id', statuses: [404] });
		emulator.faults.arm({ route: 'DELETE /v1/files/:id', statuses: [409] });
		const { items, error } = await transcribe({}, [await audioItem()]);
		expect(error).toBeUndefined();
		expect(items[0].json.cleanup).toEqual({
			transcription: 'deleted',
			file: expect.stringMatching(/^not deleted: /),
		});
	});

	it('deletes the file it uploaded when Soniox refuses the transcription', async () => {
		emulator.faults.arm({ route: 'POST /v1/transcriptions', statuses: [400] });
		const { error } = await transcribe({ cleanup: ['file'] }, [await audioItem()]);
		expect(error).toBeDefined();
		expect(await countOf('files')).toBe(0);
	});

	it('deletes the file and the transcription when the transcription ends in error', async () => {
		emulator.config.transcription.queuedMs = 2000;
		try {
			const running = transcribe({ cleanup: ['file', 'transcription'] }, [await audioItem()]);
			// While it waits in the queue, its file goes: Soniox then fails it with file_not_found.
			const deadline = Date.now() + 10_000;
			let files: Array<{ id: string }> = [];
			while (files.length === 0 && Date.now() < deadline) {
				files = ((await (await soniox('/v1/files')).json()) as { files: typeof files }).files;
				if (files.length === 0 || (await countOf('transcriptions')) === 0) {
					files = [];
					await new Promise((resolve) => setTimeout(resolve, 20));
				}
			}
			await soniox(`/v1/files/${files[0].id}`, { method: 'DELETE' });
			const { error } = await running;
			expect(error?.message).toMatch(/failed: file_not_found/);
			expect(await countOf('transcriptions')).toBe(0);
		} finally {
			emulator.config.transcription.queuedMs = 20;
		}
	});

	it('returns the queued transcription when not waiting', async () => {
		const { items } = await transcribe({ audioSource: 'url', audioUrl, waitForCompletion: false });
		expect(items[0].json).toMatchObject({ status: 'queued', audio_url: audioUrl });
	});

	it('names the transcription when it fails, and never sends the POST twice', async () => {
		const { error } = await transcribe({
			audioSource: 'url',
			audioUrl: 'https://unreachable.example.com/a.mp3',
		});
		expect(error?.message).toMatch(/Transcription [0-9a-f-]+ failed: audio_download_failed/);
		expect(posts()).toHaveLength(1);
	});

	it('does not retry a transcription POST that failed after the server may have acted', async () => {
		emulator.faults.arm({ route: 'POST /v1/transcriptions', statuses: [500] });
		const { error } = await transcribe({ audioSource: 'url', audioUrl });
		expect(error?.message).toMatch(/^Soniox had a server error: /);
		expect(posts()).toHaveLength(1);
	});

	it('retries a 429 on the transcription POST: Soniox refused it, so nothing was created', async () => {
		emulator.faults.arm({
			route: 'POST /v1/transcriptions',
			statuses: [429],
			retryAfterSeconds: 0,
		});
		const { items } = await transcribe({ audioSource: 'url', audioUrl });
		expect(items[0].json.text).toBe(SPEECH);
		const created = emulator
			.requests()
			.filter((request) => request.route === 'POST /v1/transcriptions');
		expect(created.map((request) => request.status)).toEqual([429, 201]);
	});

	it.each([
		['a missing binary field', { binaryPropertyName: 'audio' }, /no binary property "audio"/],
		['an overlong client reference ID', { clientReferenceId: 'x'.repeat(257) }, /at most 256/],
		[
			'a client reference ID that is not text',
			{ clientReferenceId: '={{ { id: 1 } }}' },
			/must be text/,
		],
		[
			'a URL that is not http(s)',
			{ audioSource: 'url', audioUrl: 'ftp://host/a.mp3' },
			/not an http\(s\) URL/,
		],
		['a blank file ID', { audioSource: 'fileId', fileId: '   ' }, /File ID of item 0 is empty/],
		[
			'a language hint that is not a code',
			{ options: { languageHints: 'English' } },
			/language codes/,
		],
		[
			'one-way translation without a target',
			{ options: { translationType: 'one_way' } },
			/Translate Into/,
		],
	])('refuses %s before sending anything', async (_name, parameters, message) => {
		const { error } = await transcribe(parameters, [await audioItem()]);
		expect(error?.message).toMatch(message);
		expect(emulator.requests()).toHaveLength(0);
	});

	it('turns an unknown model into an error with the field and a hint, without the key', async () => {
		const { error, run } = await transcribe({
			audioSource: 'url',
			audioUrl,
			model: 'stt-async-v1',
		});
		expect(error?.message).toMatch(/^Soniox refused the request: /);
		expect(error?.description).toContain('body.payload.model');
		expect(JSON.stringify(run)).not.toContain(emulator.apiKey);
	});

	it('continues on fail: the bad item gets its error, the next one is transcribed', async () => {
		const { items } = await transcribe(
			{ binaryPropertyName: '={{ $json.field }}' },
			[{ json: { field: 'missing' } }, { ...(await audioItem()), json: { field: 'data' } }],
			true,
		);
		expect(items[0].json.error).toMatch(/no binary property "missing"/);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(items[1].json.text).toBe(SPEECH);
		expect(items[1].pairedItem).toEqual({ item: 1 });
	});

	it('times out with an error that names the transcription', async () => {
		emulator.config.transcription.processingBaseMs = 120_000;
		try {
			const { error } = await transcribe({
				audioSource: 'url',
				audioUrl,
				waitTimeoutMinutes: 0.02,
			});
			expect(error?.message).toMatch(/Transcription [0-9a-f-]{36} did not finish within 1 seconds/);
			expect(error?.description).toContain('Get Transcript');
		} finally {
			emulator.config.transcription.processingBaseMs = 40;
		}
	});
});

describe('Transcription → Get, Get Many, Get Transcript, Delete', () => {
	it('works on existing transcriptions', async () => {
		const created = await transcribe({
			audioSource: 'url',
			audioUrl,
			outputFormat: 'json',
			cleanup: [],
		});
		const id = String(created.items[0].json.id);
		expect((created.items[0].json.tokens as unknown[]).length).toBeGreaterThan(5);

		const get = await runNode({
			parameters: { resource: 'transcription', operation: 'get', transcriptionId: id },
			credentials: credentials(),
		});
		expect(get.items[0].json).toMatchObject({ id, status: 'completed' });

		const vtt = await runNode({
			parameters: {
				resource: 'transcription',
				operation: 'getTranscript',
				transcriptionId: id,
				outputFormat: 'vtt',
			},
			credentials: credentials(),
		});
		expect(
			(await readBinary(vtt.items[0], 'subtitles')).toString().startsWith('WEBVTT\n\n00:00:00.'),
		).toBe(true);

		await transcribe({ audioSource: 'url', audioUrl, waitForCompletion: false });
		const many = await runNode({
			parameters: { resource: 'transcription', operation: 'getMany', returnAll: false, limit: 1 },
			credentials: credentials(),
		});
		expect(many.items).toHaveLength(1);
		const all = await runNode({
			parameters: { resource: 'transcription', operation: 'getMany', returnAll: true },
			credentials: credentials(),
		});
		expect(all.items).toHaveLength(2);

		const deleted = await runNode({
			parameters: { resource: 'transcription', operation: 'delete', transcriptionId: id },
			credentials: credentials(),
		});
		expect(deleted.items[0].json).toEqual({ id, deleted: true });
		const gone = await runNode({
			parameters: { resource: 'transcription', operation: 'get', transcriptionId: id },
			credentials: credentials(),
		});
		expect(gone.error?.message).toMatch(/^Soniox has no such transcription: /);
		expect(gone.error?.description).toContain('Check the transcription ID');
	});
});

describe('File', () => {
	it('uploads with a client reference ID, gets, lists and deletes', async () => {
		const uploaded = await runNode({
			parameters: {
				resource: 'file',
				operation: 'upload',
				clientReferenceId: 'tenant-7',
				fileName: 'renamed.wav',
			},
			credentials: credentials(),
			items: [await audioItem()],
		});
		expect(uploaded.items[0].json).toMatchObject({
			filename: 'renamed.wav',
			client_reference_id: 'tenant-7',
		});
		const id = String(uploaded.items[0].json.id);
		const get = await runNode({
			parameters: { resource: 'file', operation: 'get', fileId: id },
			credentials: credentials(),
		});
		expect(get.items[0].json.size).toBe(uploaded.items[0].json.size);
		const list = await runNode({
			parameters: { resource: 'file', operation: 'getMany', returnAll: true },
			credentials: credentials(),
		});
		expect(list.items.map((item) => item.json.id)).toEqual([id]);
		const deleted = await runNode({
			parameters: { resource: 'file', operation: 'delete', fileId: id },
			credentials: credentials(),
		});
		expect(deleted.items[0].json).toEqual({ id, deleted: true });
	});

	it('retries an upload refused with 429 and creates exactly one file', async () => {
		emulator.faults.arm({ route: 'POST /v1/files', statuses: [429], retryAfterSeconds: 0 });
		const { items } = await runNode({
			parameters: { resource: 'file', operation: 'upload' },
			credentials: credentials(),
			items: [await audioItem()],
		});
		expect(items[0].json.id).toBeDefined();
		expect(
			emulator
				.requests()
				.filter((request) => request.route === 'POST /v1/files')
				.map((request) => request.status),
		).toEqual([429, 201]);
	});

	it('refuses a bad file ID before sending anything', async () => {
		const { error } = await runNode({
			parameters: { resource: 'file', operation: 'get', fileId: '../transcriptions' },
			credentials: credentials(),
		});
		expect(error?.message).toMatch(/not a Soniox ID/);
		expect(emulator.requests()).toHaveLength(0);
	});
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000) {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}
