// Soniox's calls into the newest n8n 1.x (`n8n start`, the same Node.js 24): Transcribe's wait
// "Until Soniox Calls Back" resumes there too (n8n 1.x's resume URL has no signature), and the
// Soniox Transcription Trigger starts its workflow.
import { randomUUID } from 'node:crypto';

import { startEmulator, type Emulator } from '../emulator';
import {
	callbackCredential,
	callbackTranscriptions,
	callbackWorkflow,
	createTranscription,
	executionIds,
	executionWith,
	nodeOutput,
	SECRET,
	startAudioServer,
	startCallbackRun,
	triggerWorkflow,
} from './callback';
import { E2E_OWNER } from './workflows';
import { N8N_1_VERSION, N8nInstance, type N8nServer } from './n8n';

jest.setTimeout(900_000);

const WAIT = 'sonioxCallbackWaitCompat';
const TRIGGER = 'sonioxTranscriptionTriggerCompat';
const TRIGGER_WEBHOOK_ID = randomUUID();
const TEXTS: Record<string, string> = {
	'/one.wav': 'Older n8n resumes too.',
	'/two.wav': 'And it triggers as well.',
};

let emulator: Emulator;
let n8n: N8nInstance;
let server: N8nServer;
let audio: Awaited<ReturnType<typeof startAudioServer>>;

beforeAll(async () => {
	emulator = await startEmulator({
		transcription: { queuedMs: 500, processingBaseMs: 3000, processingPerAudioSecondMs: 0 },
	});
	audio = await startAudioServer(TEXTS);
	n8n = await N8nInstance.create({ n8nVersion: N8N_1_VERSION });
	await n8n.importCredentials([callbackCredential(emulator)]);
	await n8n.importWorkflow([
		callbackWorkflow(WAIT, 'soniox/callback-wait-compat', 30),
		triggerWorkflow(TRIGGER, TRIGGER_WEBHOOK_ID, { outputFormat: 'text' }),
	]);
	// n8n 1.x activates with update:workflow (2.x: publish:workflow).
	for (const id of [WAIT, TRIGGER])
		await n8n.cli(['update:workflow', `--id=${id}`, '--active=true']);
	server = await n8n.start();
	await server.setupOwner(E2E_OWNER);
});

afterEach(() => {
	expect(emulator.contractViolations()).toEqual([]);
});

afterAll(async () => {
	await server?.stop();
	await emulator?.close();
	await audio?.close();
	n8n?.remove();
});

test(`n8n ${N8N_1_VERSION}: Transcribe waits until Soniox calls back, then resumes with every transcript`, async () => {
	const earlier = await startCallbackRun(server, audio.base, WAIT, 'soniox/callback-wait-compat', [
		'/one.wav',
		'/two.wav',
	]);
	const waitingId = await executionWith(server, WAIT, 'waiting', earlier);
	expect(await callbackTranscriptions(emulator, waitingId)).toHaveLength(2);
	expect(await executionWith(server, WAIT, 'success', earlier)).toBe(waitingId);
	expect((await nodeOutput(server, waitingId, 'Transcribe')).map((item) => item.json.text)).toEqual(
		[TEXTS['/one.wav'], TEXTS['/two.wav']],
	);
});

test(`n8n ${N8N_1_VERSION}: the Soniox Transcription Trigger starts on Soniox's call`, async () => {
	const earlier = await executionIds(server, TRIGGER);
	const created = await createTranscription(emulator, {
		audio_url: `${audio.base}/two.wav`,
		webhook_url: `${server.url}/webhook/${TRIGGER_WEBHOOK_ID}/soniox-transcription`,
		secret: SECRET,
	});
	const doneId = await executionWith(server, TRIGGER, 'success', earlier);
	expect(
		(await nodeOutput(server, doneId, 'Transcription ended')).map((item) => item.json),
	).toEqual([expect.objectContaining({ id: created.id, text: TEXTS['/two.wav'] })]);
});
