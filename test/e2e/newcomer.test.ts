// A newcomer's first minutes, in a fresh n8n with the package installed and no credential yet:
// find Soniox in the nodes panel, add Transcribe audio, create the credential from the node,
// pick a model, run it on an audio URL and read the transcript; then add the Soniox Trigger
// and fetch a test event that shows the usage just made.
import { makeWav, startEmulator, type Emulator } from '../emulator';
import { Browser, findChromium } from './browser';
import { CREDENTIAL_MODAL, EditorPage, NDV, PANEL } from './editor-page';
import { N8nInstance, type N8nServer } from './n8n';
import { emulatorCredentialData, manualTriggerWorkflow, serveAudio } from './workflows';

jest.setTimeout(600_000);

const OWNER = {
	email: 'newcomer@example.com',
	password: 'Soniox-Newcomer-2026',
	firstName: 'New',
	lastName: 'Comer',
};
const WORDS = 'welcome to the soniox node';

const chromium = findChromium();
if (!chromium && process.env.CI) throw new Error('CI needs Chromium: apt-get install chromium');
const describeWithBrowser = chromium ? describe : describe.skip;

let emulator: Emulator;
let n8n: N8nInstance;
let server: N8nServer;
let browser: Browser;
let editor: EditorPage;

describeWithBrowser('a newcomer in the n8n editor', () => {
	beforeAll(async () => {
		[emulator, n8n] = await Promise.all([startEmulator(), N8nInstance.create()]);
		server = await n8n.start();
		await server.setupOwner(OWNER);
		browser = await Browser.launch({ width: 1440, height: 900 });
		editor = new EditorPage(browser, server.url);
		await editor.signIn(OWNER);
	});

	afterAll(async () => {
		await browser?.close();
		await server?.stop();
		await emulator?.close();
		n8n?.remove();
	});

	test('finds Soniox by "transcribe", adds Transcribe audio, creates the credential, runs it', async () => {
		const audio = await serveAudio(makeWav({ text: WORDS, durationMs: 4000 }));
		try {
			const workflow = await server.rest<{ id: string }>(
				'POST',
				'/workflows',
				manualTriggerWorkflow('My first transcription'),
			);
			await editor.openWorkflow(workflow.id);
			await editor.openNodesPanel('next step');
			expect(await editor.searchPanel('transcribe')).toContain('Soniox');
			await editor.clickPanelItem('Soniox');
			await editor.waitForActions();
			await editor.clickPanelItem('Transcribe audio');
			await editor.waitForParameters();
			expect(await editor.parameterValue('operation')).toBe('Transcribe');
			expect(await editor.parameterValue('model')).toBe('Set up credential to see options');
			await browser.click(`${NDV} [data-test-id="node-credentials-empty-state"] button`);
			await browser.waitForSelector(
				`${CREDENTIAL_MODAL} [data-test-id="parameter-input-apiKey"]`,
				15_000,
			);
			const fields = emulatorCredentialData(emulator);
			await editor.fillParameter('apiKey', String(fields.apiKey), CREDENTIAL_MODAL);
			await editor.chooseOption('region', 'Custom', CREDENTIAL_MODAL);
			for (const name of ['restUrl', 'sttWebSocketUrl', 'ttsRestUrl', 'ttsWebSocketUrl']) {
				await editor.fillParameter(name, String(fields[name]), CREDENTIAL_MODAL);
			}
			await browser.click(`${CREDENTIAL_MODAL} [data-test-id="credential-save-button"]`);
			// Saving tests the credential; a good one closes the dialog and lands on the node.
			await browser.waitFor(
				`!document.querySelector('${CREDENTIAL_MODAL}')`,
				30_000,
				'the dialog to close',
			);
			const credential = `document.querySelector('${NDV} [data-test-id="node-credentials-select"] input')?.value`;
			await browser.waitFor(
				`${credential} === 'Soniox Project account'`,
				10_000,
				'the new credential on the node',
			);

			// The models of the new credential, without reopening the node.
			const models = await editor.dropdownTexts('model');
			expect(models.join('\n')).not.toMatch(/error|set up credential/i);
			expect(models).toEqual(expect.arrayContaining([expect.stringMatching(/^stt-async-v\d/)]));

			await editor.chooseOption('audioSource', 'URL');
			await editor.fillParameter('audioUrl', audio.url);
			await editor.executeStep(WORDS.split(' ').slice(-2).join(' '));
			expect(await editor.outputText()).toContain(WORDS);
			await editor.closeNode();
			// The canvas names the operation in words, not its values ("transcribe: transcription").
			expect(await editor.canvasNodeText('Transcribe audio')).toMatch(
				/Transcribe audio\s+Transcribe audio/,
			);
		} finally {
			await audio.close();
		}
	});

	test('adds the Soniox Trigger from "What triggers this workflow?" and fetches the usage just made', async () => {
		await editor.openNewWorkflow();
		await editor.openNodesPanel('first step');
		expect(await editor.panelHeader()).toContain('What triggers this workflow?');
		expect(await editor.searchPanel('Soniox')).toContain('Soniox');
		await editor.clickPanelItem('Soniox');
		await editor.waitForActions();
		await browser.click(`${PANEL} [data-keyboard-nav-type="action"]`);
		await editor.waitForParameters();
		// The one credential there is, assigned by n8n.
		const credential = `document.querySelector('${NDV} [data-test-id="node-credentials-select"] input')?.value`;
		await browser.waitFor(`${credential} === 'Soniox Project account'`, 10_000, 'the credential');
		expect(await editor.parameterValue('output')).toBe('One Item per Entry');
		await editor.executeStep('stt-async-v6');
		const output = await editor.outputText();
		expect(output).toContain('cost_usd');
		expect(output).toContain('request_scope');
		await editor.closeNode();
		expect(await editor.canvasNodeText('Soniox Trigger')).toContain('One Item per Entry');
	});
});
