// The fault matrix: each fault meets the operations that meet it in real use, and each cell
// asserts the outcome: recovered with the right result, or a clear error, and never a
// duplicate transcription, upload or usage entry. The table is printed at the end of the run.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { makeWav, startEmulator, type Emulator, type FaultSpec } from '../emulator';
import { emulatorCredentials, runNode, storeBinary } from '../harness';
import { startLoopbackServer, trickle, type LoopbackServer } from '../harness/loopback';
import { TriggerHarness } from '../harness/poll';
import { startNode } from '../harness/stoppable';

let emulator: Emulator;
let audioServer: Server;
let audioUrl: string;
const SPEECH = 'Faults are part of every network.';
const outcomes: Array<[operation: string, fault: string, outcome: string]> = [];

/** Stands in for a misbehaving Custom URL: answers with whatever `misbehave` does. */
let impostor: LoopbackServer;
let misbehave: Parameters<typeof startLoopbackServer>[0] = (_req, res) => res.end();
/** Another host (another origin) that a redirect may point to. */
let otherHost: LoopbackServer;

beforeAll(async () => {
	impostor = await startLoopbackServer((req, res) => misbehave(req, res));
	otherHost = await startLoopbackServer((_req, res) => res.end('{}'), '127.0.0.2');
	emulator = await startEmulator({ transcription: { queuedMs: 10, processingBaseMs: 20 } });
	const wav = makeWav({ text: SPEECH, durationMs: 2000 });
	audioServer = createServer((_req, res) => res.end(wav));
	await new Promise<void>((resolve) => audioServer.listen(0, '127.0.0.1', resolve));
	audioUrl = `http://127.0.0.1:${(audioServer.address() as AddressInfo).port}/a.wav`;
});
afterAll(async () => {
	await emulator.close();
	await impostor.close();
	await otherHost.close();
	audioServer.close();
	const rows = outcomes.map(
		([operation, fault, outcome]) => `| ${operation} | ${fault} | ${outcome} |`,
	);
	console.log(['| Operation | Fault | Outcome |', '|---|---|---|', ...rows].join('\n'));
});
beforeEach(() => {
	emulator.reset();
	impostor.received.length = 0;
	otherHost.received.length = 0;
});

const credentials = () => emulatorCredentials(emulator);
/** Every REST and TTS URL pointing at the impostor. */
const impostorCredentials = () => ({
	...credentials(),
	restUrl: impostor.url,
	ttsRestUrl: impostor.url,
	requestTimeoutSeconds: 1,
});
/** A one-second request timeout, so a "slow response past the timeout" takes seconds. */
const impatient = () => ({ ...credentials(), requestTimeoutSeconds: 1 });
const SLOW_MS = 2500;
const count = (route: string) =>
	emulator.requests().filter((request) => request.route === route).length;
const created = (route: string) =>
	emulator.requests().filter((request) => request.route === route && request.status < 300).length;

async function transcribeUrl(credentialData = credentials()) {
	return await runNode({
		parameters: {
			resource: 'transcription',
			operation: 'transcribe',
			audioSource: 'url',
			audioUrl,
			// Kept at Soniox, so each cell can count the transcriptions its fault left behind.
			cleanup: [],
		},
		credentials: credentialData,
	});
}

async function uploadFile() {
	const data = await storeBinary(makeWav({ text: SPEECH, durationMs: 2000 }), 'a.wav', 'audio/wav');
	return await runNode({
		parameters: { resource: 'file', operation: 'upload' },
		credentials: credentials(),
		items: [{ json: {}, binary: { data } }],
	});
}

async function synthesize(credentialData = credentials()) {
	return await runNode({
		parameters: { resource: 'speech', operation: 'synthesize', text: SPEECH, audioFormat: 'wav' },
		credentials: credentialData,
	});
}

async function getLogs(credentialData = credentials()) {
	return await runNode({
		parameters: {
			resource: 'usage',
			operation: 'getLogs',
			timeRange: 'lastHour',
			sort: 'end_time_asc',
			returnAll: true,
		},
		credentials: credentialData,
	});
}

const transcriptions = () =>
	fetch(`${emulator.baseUrl}/v1/transcriptions/count`, {
		headers: { Authorization: `Bearer ${emulator.apiKey}` },
	}).then(async (response) => ((await response.json()) as { total: number }).total);

function cell(
	operation: string,
	fault: string,
	spec: FaultSpec | FaultSpec[],
	check: () => Promise<string>,
) {
	it(`${operation} × ${fault}`, async () => {
		for (const armed of Array.isArray(spec) ? spec : [spec]) emulator.faults.arm(armed);
		outcomes.push([operation, fault, await check()]);
	});
}

describe('fault matrix', () => {
	cell(
		'Transcribe (wait)',
		'429 with Retry-After on create',
		{ route: 'POST /v1/transcriptions', statuses: [429], retryAfterSeconds: 1 },
		async () => {
			const { items } = await transcribeUrl();
			expect(items[0].json.text).toBe(SPEECH);
			expect(await transcriptions()).toBe(1);
			return 'recovered after Retry-After; one transcription';
		},
	);
	cell(
		'Transcribe (wait)',
		'500/503 burst on status checks',
		{ route: 'GET /v1/transcriptions/:id', statuses: [500, 503, 500] },
		async () => {
			const { items } = await transcribeUrl();
			expect(items[0].json.text).toBe(SPEECH);
			expect(await transcriptions()).toBe(1);
			return 'recovered; one transcription';
		},
	);
	cell(
		'Transcribe (wait)',
		'reset mid-body on a status check',
		{ route: 'GET /v1/transcriptions/:id', resetMidBody: true },
		async () => {
			expect((await transcribeUrl()).items[0].json.text).toBe(SPEECH);
			return 'recovered';
		},
	);
	cell(
		'Transcribe (wait)',
		'malformed JSON on a status check',
		{ route: 'GET /v1/transcriptions/:id', malformedJson: true },
		async () => {
			expect((await transcribeUrl()).items[0].json.text).toBe(SPEECH);
			return 'recovered';
		},
	);
	cell(
		'Transcribe (wait)',
		'reset mid-body on create',
		{ route: 'POST /v1/transcriptions', resetMidBody: true },
		async () => {
			const { error } = await transcribeUrl();
			expect(error?.message).toMatch(/reset|failed/i);
			expect(count('POST /v1/transcriptions')).toBe(1);
			expect(await transcriptions()).toBe(1);
			return 'clear error; not resent (the one created is not duplicated)';
		},
	);
	cell(
		'Transcribe (wait)',
		'500 on create',
		{ route: 'POST /v1/transcriptions', statuses: [500] },
		async () => {
			const { error } = await transcribeUrl();
			expect(error?.message).toMatch(/^Soniox had a server error: /);
			expect(count('POST /v1/transcriptions')).toBe(1);
			return 'clear error; not resent';
		},
	);
	cell(
		'Transcribe (wait)',
		'slow status check past the timeout',
		{ route: 'GET /v1/transcriptions/:id', latencyMs: SLOW_MS },
		async () => {
			const { items } = await transcribeUrl(impatient());
			expect(items[0].json.text).toBe(SPEECH);
			expect(await transcriptions()).toBe(1);
			return 'timed out, checked again; one transcription';
		},
	);
	cell(
		'Transcribe (wait)',
		'slow create past the timeout',
		{ route: 'POST /v1/transcriptions', latencyMs: SLOW_MS },
		async () => {
			const { error } = await transcribeUrl(impatient());
			expect(error?.message).toContain('did not answer within 1 seconds');
			expect(error?.description).toContain('was not sent again');
			// Whether or not Soniox went on to act on it, the request is never sent twice.
			await pause(SLOW_MS);
			expect(count('POST /v1/transcriptions')).toBe(1);
			expect(await transcriptions()).toBeLessThanOrEqual(1);
			return 'clear error (may have been created); not resent';
		},
	);
	cell(
		'Upload',
		'429 with Retry-After',
		{ route: 'POST /v1/files', statuses: [429], retryAfterSeconds: 1 },
		async () => {
			const { items } = await uploadFile();
			expect(items[0].json.id).toBeDefined();
			expect(created('POST /v1/files')).toBe(1);
			return 'recovered; one file';
		},
	);
	cell('Upload', '503', { route: 'POST /v1/files', statuses: [503] }, async () => {
		const { error } = await uploadFile();
		expect(error?.message).toMatch(/^Soniox is temporarily unavailable: /);
		expect(count('POST /v1/files')).toBe(1);
		return 'clear error; not resent';
	});
	cell('Upload', 'reset mid-body', { route: 'POST /v1/files', resetMidBody: true }, async () => {
		const { error } = await uploadFile();
		expect(error).toBeDefined();
		expect(count('POST /v1/files')).toBe(1);
		return 'clear error; not resent (no duplicate file)';
	});
	for (const [fault, spec] of [
		[
			'429 with Retry-After',
			{ route: 'GET /v1/usage-logs', statuses: [200, 429], retryAfterSeconds: 1 },
		],
		['500/503 burst', { route: 'GET /v1/usage-logs', statuses: [200, 500, 503] }],
		[
			'reset mid-body',
			[
				{ route: 'GET /v1/usage-logs', statuses: [200], times: 1 },
				{ route: 'GET /v1/usage-logs', resetMidBody: true },
			],
		],
		[
			'malformed JSON',
			[
				{ route: 'GET /v1/usage-logs', statuses: [200], times: 1 },
				{ route: 'GET /v1/usage-logs', malformedJson: true },
			],
		],
		[
			'slow response past the timeout',
			[
				{ route: 'GET /v1/usage-logs', statuses: [200], times: 1 },
				{ route: 'GET /v1/usage-logs', latencyMs: SLOW_MS },
			],
		],
	] as Array<[string, FaultSpec | FaultSpec[]]>) {
		cell('Usage → Get Logs', `${fault} on page 2`, [], async () => {
			const inserted = emulator.insertUsage(
				Array.from({ length: 2200 }, (_, index) => ({ endTime: Date.now() - 30 * 60_000 + index })),
			);
			for (const armed of Array.isArray(spec) ? spec : [spec]) emulator.faults.arm(armed);
			const { items } = await getLogs(impatient());
			expect(new Set(items.map((item) => item.json.uuid)).size).toBe(inserted.length);
			expect(items).toHaveLength(inserted.length);
			return 'recovered; every entry once';
		});
	}
	cell('Trigger poll', '429 with a long Retry-After on page 2', [], async () => {
		const poller = new TriggerHarness(
			{ event: 'newUsageLogEntry', output: 'entries', options: { backfillHours: 1 } },
			credentials(),
		);
		const inserted = emulator.insertUsage(
			Array.from({ length: 1500 }, (_, index) => ({ endTime: Date.now() - 60_000 + index })),
		);
		emulator.faults.arm({
			route: 'GET /v1/usage-logs',
			statuses: [200, 429],
			retryAfterSeconds: 3600,
		});
		expect((await poller.poll()).error?.message).toMatch(/^A Soniox limit was reached: /);
		const { items } = await poller.poll();
		expect(new Set(items.map((item) => item.json.uuid))).toEqual(
			new Set(inserted.map((entry) => entry.uuid)),
		);
		return 'poll fails, state untouched; next poll delivers every entry once';
	});
	cell('Trigger poll', 'slow page past the timeout', [], async () => {
		const poller = new TriggerHarness(
			{ event: 'newUsageLogEntry', output: 'entries', options: { backfillHours: 1 } },
			impatient(),
		);
		const inserted = emulator.insertUsage(
			Array.from({ length: 1500 }, (_, index) => ({ endTime: Date.now() - 60_000 + index })),
		);
		emulator.faults.arm({ route: 'GET /v1/usage-logs', statuses: [200], times: 1 });
		emulator.faults.arm({ route: 'GET /v1/usage-logs', latencyMs: SLOW_MS });
		const first = await poller.poll();
		expect(first.items.map((item) => item.json.uuid)).toEqual(inserted.map((entry) => entry.uuid));
		expect((await poller.poll()).items).toHaveLength(0);
		return 'page asked again within the poll; every entry once';
	});
	cell(
		'Synthesize (REST)',
		'429 with Retry-After',
		{ route: 'POST /tts', statuses: [429], retryAfterSeconds: 1 },
		async () => {
			const { items } = await synthesize();
			expect(items[0].binary?.data).toBeDefined();
			expect(emulator.ledger()).toHaveLength(1);
			return 'recovered; billed once';
		},
	);
	cell('Synthesize (REST)', '500', { route: 'POST /tts', statuses: [500] }, async () => {
		const { error } = await synthesize();
		expect(error?.message).toMatch(/^Soniox had a server error: /);
		expect(emulator.ledger()).toHaveLength(0);
		return 'clear error; not resent';
	});
	cell(
		'Synthesize (REST)',
		'reset mid-body',
		{ route: 'POST /tts', resetMidBody: true },
		async () => {
			const { error } = await synthesize();
			expect(error).toBeDefined();
			expect(count('POST /tts')).toBe(1);
			return 'clear error; not resent';
		},
	);
	cell(
		'Transcribe (real-time)',
		'WebSocket dropped mid-stream',
		{ route: 'WS /transcribe-websocket', kind: 'drop', afterMessages: 2 },
		async () => {
			const data = await storeBinary(
				makeWav({ text: SPEECH, durationMs: 2000 }),
				'a.wav',
				'audio/wav',
			);
			const { items } = await runNode({
				parameters: {
					resource: 'transcription',
					operation: 'transcribeRealTime',
					sendingPace: 'fast',
				},
				credentials: credentials(),
				items: [{ json: {}, binary: { data } }],
			});
			expect(items[0].json.text).toBe(SPEECH);
			expect(items[0].json.sessions).toBe(2);
			return 'resumed in a new session; same transcript';
		},
	);
	cell(
		'Synthesize (real-time)',
		'WebSocket dropped mid-stream',
		{ route: 'WS /tts-websocket', kind: 'drop', afterMessages: 1 },
		async () => {
			const { items } = await runNode({
				parameters: {
					resource: 'speech',
					operation: 'synthesizeRealTime',
					text: SPEECH,
					audioFormat: 'wav',
				},
				credentials: credentials(),
			});
			expect(items[0].binary?.data).toBeDefined();
			expect(emulator.ledger()).toHaveLength(1);
			return 'restarted on a new connection; billed once';
		},
	);
	for (const status of [302, 307]) {
		cell('Transcribe, Synthesize (REST)', `${status} to another host`, [], async () => {
			misbehave = (req, res) => {
				res.writeHead(status, { Location: `${otherHost.url}${req.url}` });
				res.end();
			};
			for (const { error } of [
				await transcribeUrl(impostorCredentials()),
				await synthesize(impostorCredentials()),
			]) {
				expect(error?.message).toContain('Soniox does not redirect');
			}
			expect(otherHost.received).toEqual([]);
			return 'clear error (check the credential URL); not followed, the key never leaves';
		});
	}
	cell('Transcribe (wait)', 'answer trickled a byte at a time on create', [], async () => {
		misbehave = (_req, res) => {
			res.writeHead(200, { 'Content-Type': 'application/json' });
			trickle(res, JSON.stringify({ id: 'slow', status: 'queued', padding: 'x'.repeat(40) }), 100);
		};
		const { error } = await transcribeUrl(impostorCredentials());
		expect(error?.message).toContain('did not answer within 1 seconds');
		expect(impostor.received).toHaveLength(1);
		return 'clear timeout error after Request Timeout; not resent';
	});
	cell('Transcribe (wait)', '200 with JSON null on create', [], async () => {
		misbehave = (_req, res) => res.end('null');
		const { error } = await transcribeUrl(impostorCredentials());
		expect(error?.message).toMatch(/^Soniox sent an answer this node cannot read: /);
		expect(impostor.received).toHaveLength(1);
		return 'clear error (invalid_response); not resent';
	});
	cell('File → Get Many', 'a page cursor that repeats', [], async () => {
		misbehave = (_req, res) => res.end(JSON.stringify({ files: [], next_page_cursor: 'again' }));
		const { error } = await runNode({
			parameters: { resource: 'file', operation: 'getMany', returnAll: true },
			credentials: impostorCredentials(),
		});
		expect(error?.message).toContain('listing /v1/files, so the list would never end');
		expect(impostor.received).toHaveLength(2);
		return 'clear error naming the path; two requests';
	});
	cell('Transcribe (wait)', 'Stop pressed mid-wait', [], async () => {
		emulator.config.transcription.queuedMs = 3_600_000;
		const run = startNode({
			parameters: {
				resource: 'transcription',
				operation: 'transcribe',
				audioSource: 'url',
				audioUrl,
			},
			credentials: credentials(),
		});
		while (count('GET /v1/transcriptions/:id') < 2) await pause(20);
		const stoppedAt = Date.now();
		run.stop();
		const ended = await run.ended;
		emulator.config.transcription.queuedMs = 10;
		await pause(6000);
		const after = emulator.requests().filter((request) => Date.parse(request.at) > stoppedAt);
		// No status check after Stop: only the clean-up asked for (by default, the transcription).
		expect(after.map((request) => request.route)).toEqual(['DELETE /v1/transcriptions/:id']);
		expect(ended.data.resultData.runData.Soniox?.[0]?.error?.message).toContain(
			'The execution was stopped',
		);
		return 'ends at once with a clear error; after Stop only the clean-up';
	});
});

function pause(ms: number) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
