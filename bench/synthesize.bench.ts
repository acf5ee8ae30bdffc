// Speech → Synthesize (REST) of 10 MiB of WAV into n8n binary data vs curl POSTing the same
// body and writing the audio to a file. Binary data is in filesystem mode, so both sides end
// with the audio in a file on disk. The emulator runs in its own process. Target: ratio ≤ 1.3.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Container } from '@n8n/di';
import type { IBinaryData } from 'n8n-workflow';

import { MS_PER_CHARACTER } from '../test/emulator/audio';
import { core, emulatorCredentials, readBinary, runNode, useBinaryDataMode } from '../test/harness';
import { curl, requireCurl } from './curl';
import { startEmulatorProcess } from './emulatorProcess';
import { measure, report } from './measure';
import { compareRuns } from './repeat';

const RUNS = 5;
const TARGET_BYTES = 10 * 1024 * 1024;
const SAMPLE_RATE = 48_000;
/** The contract's caps on one REST request. */
const MAX_CHARACTERS = 5000;
const MAX_AUDIO_MS = 120_000;

// Before any node runs in this process: n8n reads the mode once.
useBinaryDataMode('filesystem');

/** Enough text for TARGET_BYTES of 16-bit mono WAV from the emulator's fake voice. */
function speechText() {
	const bytesPerCharacter = (MS_PER_CHARACTER / 1000) * SAMPLE_RATE * 2;
	const characters = Math.ceil(TARGET_BYTES / bytesPerCharacter);
	if (characters > MAX_CHARACTERS || characters * MS_PER_CHARACTER > MAX_AUDIO_MS)
		throw new Error(`${characters} characters are too long for one REST request`);
	const sentence = 'The quick brown fox jumps over the lazy dog near the riverbank. ';
	return sentence.repeat(Math.ceil(characters / sentence.length)).slice(0, characters);
}

export async function run() {
	requireCurl();
	const emulator = await startEmulatorProcess();
	const folder = mkdtempSync(join(tmpdir(), 'soniox-bench-tts-'));
	const binaries = Container.get(core.BinaryDataService);
	const config = { model: 'tts-rt-v2', language: 'en', voice: 'Adrian', audio_format: 'wav' };
	const text = speechText();
	const bodyFile = join(folder, 'body.json');
	const outFile = join(folder, 'speech.wav');
	writeFileSync(bodyFile, JSON.stringify({ ...config, sample_rate: SAMPLE_RATE, text }));
	try {
		let audio: IBinaryData | undefined;
		let checked = false;
		const { ours, baseline } = await compareRuns(
			RUNS,
			{
				run: async () => {
					const { items, error } = await runNode({
						parameters: {
							resource: 'speech',
							operation: 'synthesize',
							text,
							model: config.model,
							language: config.language,
							voice: config.voice,
							audioFormat: config.audio_format,
							speechOptions: { sampleRate: SAMPLE_RATE },
						},
						credentials: emulatorCredentials(emulator),
					});
					if (error) throw error;
					audio = items[0].binary?.data;
				},
				after: async () => {
					if (!audio?.id) throw new Error('The node did not store the audio in filesystem mode');
					// Once curl has written its file (the unmeasured first run comes before it).
					if (!checked && existsSync(outFile)) {
						checkSameAudio(await readBinary({ json: {}, binary: { data: audio } }), outFile);
						checked = true;
					}
					await binaries.deleteManyByBinaryDataId([audio.id]);
				},
			},
			{
				run: () =>
					curl([
						'-H',
						`Authorization: Bearer ${emulator.apiKey}`,
						'-H',
						'Content-Type: application/json',
						'--data-binary',
						`@${bodyFile}`,
						'-o',
						outFile,
						`${emulator.urls.ttsRest}/tts`,
					]),
			},
		);
		if (!checked) throw new Error('The audio was never compared');
		const megabytes = (statSync(outFile).size / 1024 / 1024).toFixed(1);
		report(`Synthesize ${megabytes} MiB WAV (REST)`, ours, baseline, 'time ≤ 1.3');
		// What Node.js itself manages: the same request with fetch, the audio written to a file.
		const plainRuns: number[] = [];
		for (let run = 0; run < RUNS; run++) plainRuns.push((await measure(plainFetch)).ms);
		const plainMs = plainRuns.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
		console.log(
			`  synthesize: a plain Node.js client (fetch → file) took ${plainMs.toFixed(0)} ms (median): ours / plain Node.js = ${(ours.ms / plainMs).toFixed(2)}`,
		);
	} finally {
		rmSync(folder, { recursive: true, force: true });
		await emulator.close();
	}

	async function plainFetch() {
		const response = await fetch(`${emulator.urls.ttsRest}/tts`, {
			method: 'POST',
			headers: {
				Authorization: `Bearer ${emulator.apiKey}`,
				'Content-Type': 'application/json',
			},
			body: readFileSync(bodyFile),
		});
		writeFileSync(join(folder, 'plain.wav'), Buffer.from(await response.arrayBuffer()));
	}
}

/** Both sides must have received the whole, identical audio. */
function checkSameAudio(ours: Buffer, curlFile: string) {
	const theirs = readFileSync(curlFile);
	if (theirs.length < TARGET_BYTES || !ours.equals(theirs))
		throw new Error(`Audio differs: ours ${ours.length} bytes, curl ${theirs.length}`);
}
