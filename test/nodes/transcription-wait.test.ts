// The wait's schedule against the emulator: once the node has seen jobs of a model finish, it
// forecasts a job's end from audio_duration_ms and checks near it; a wrong forecast costs checks
// or at most the schedule's ceiling, never an unbounded wait.
import { POLL_SCHEDULE } from '../../nodes/Soniox/v1/actions/transcription/waitForTranscription';
import { makeWav, startEmulator, type Emulator } from '../emulator';
import { emulatorCredentials, runNode, expectRequestsToConform } from '../harness';

let emulator: Emulator;
/** Uploaded once per length, so that no download adds to a job's processing time. */
const fileIds = new Map<number, string>();

beforeAll(async () => {
	emulator = await startEmulator({
		transcription: { queuedMs: 20, processingBaseMs: 100, processingPerAudioSecondMs: 100 },
	});
	for (const seconds of [10, 20, 30, 50]) {
		const form = new FormData();
		const wav = makeWav({ text: 'status check', durationMs: seconds * 1000, sampleRate: 8000 });
		form.append('file', new Blob([new Uint8Array(wav)]), `${seconds}.wav`);
		const response = await fetch(`${emulator.baseUrl}/v1/files`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${emulator.apiKey}` },
			body: form,
		});
		fileIds.set(seconds, String(((await response.json()) as { id: string }).id));
	}
});
afterEach(() => expectRequestsToConform(emulator));
afterAll(() => emulator.close());

/**
 * Transcribes `seconds` of audio. Returns the status checks made, the checks a 1 s poller would
 * have made for the same job (one at once, then one a second) and the delay after completion.
 */
async function transcribe(seconds: number, model: string) {
	const reference = `wait-${model}-${seconds}-${Date.now()}`;
	const { items, error } = await runNode({
		parameters: {
			resource: 'transcription',
			operation: 'transcribe',
			audioSource: 'fileId',
			fileId: fileIds.get(seconds),
			model,
			clientReferenceId: reference,
		},
		credentials: emulatorCredentials(emulator),
	});
	const returnedAt = Date.now();
	expect(error).toBeUndefined();
	const id = String(items[0].json.id);
	const completedAt = Date.parse(
		emulator.ledger().find((entry) => entry.client_reference_id === reference)!.end_time,
	);
	const requests = emulator.requests();
	const created = requests.filter((request) => request.route === 'POST /v1/transcriptions');
	const createdAt = Date.parse(created[created.length - 1].at);
	const checks = requests.filter(
		(request) => request.route === 'GET /v1/transcriptions/:id' && request.path.endsWith(id),
	).length;
	const secondlyChecks = 1 + Math.ceil((completedAt - createdAt) / 1000);
	return { checks, secondlyChecks, delayMs: returnedAt - completedAt };
}

describe('Transcribe: waiting for the job', () => {
	it('checks near the forecast end once jobs of the model have finished', async () => {
		for (const seconds of [10, 30]) await transcribe(seconds, 'stt-async-v5');
		// 5.1 s of processing: the cold back-off would check 8 times.
		const { checks, secondlyChecks, delayMs } = await transcribe(50, 'stt-async-v5');
		expect(checks).toBeLessThan(secondlyChecks);
		expect(delayMs).toBeLessThan(1000);
	});

	it('bounds the cost of a wrong forecast', async () => {
		for (const seconds of [10, 30]) await transcribe(seconds, 'stt-async-v6');
		try {
			// Twice as slow as forecast: past the forecast end it keeps checking often.
			emulator.config.transcription.processingPerAudioSecondMs = 200;
			const slower = await transcribe(20, 'stt-async-v6');
			expect(slower.delayMs).toBeLessThan(1000);

			// Four times as fast: the first sleep overshoots, by at most the ceiling.
			emulator.config.transcription.processingPerAudioSecondMs = 25;
			const faster = await transcribe(50, 'stt-async-v6');
			expect(faster.delayMs).toBeLessThan(POLL_SCHEDULE.ceilingMs + 500);
		} finally {
			emulator.config.transcription.processingPerAudioSecondMs = 100;
		}
	});
});
