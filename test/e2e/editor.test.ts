// The n8n editor of a running instance in headless Chromium: log in as the owner, open the
// example workflows, run one, open the Soniox nodes' parameter panels, and save screenshots
// to docs/screenshots/ for the README.
import { mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { makeWav, startEmulator, type Emulator } from '../emulator';
import { Browser, findChromium } from './browser';
import { findPostgresBin, Postgres } from '../queue/cluster';
import { EditorPage, PANEL, pause } from './editor-page';
import {
	exampleFiles,
	exampleWorkflow,
	N8nInstance,
	withParameters,
	type ExampleWorkflow,
	type N8nServer,
} from './n8n';
import { DAY } from './usage';
import {
	ENDPOINT_SECRET,
	endpointSecretCredential,
	exampleCredential,
	LoopbackReceiver,
	manualTriggerWorkflow,
	serveAudio,
} from './workflows';

jest.setTimeout(600_000);

// The README's screenshots change with every run (dates, made-up usage), so a plain test run
// keeps its own in a temp folder; `npm run screenshots` refreshes docs/screenshots/.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS
	? resolve(__dirname, '../../docs/screenshots')
	: mkdtempSync(join(tmpdir(), 'soniox-screenshots-'));
const OWNER = {
	email: 'demo@example.com',
	password: 'Soniox-Demo-2026',
	firstName: 'Demo',
	lastName: 'User',
};

// CI installs Debian's chromium (.ci/run); elsewhere a missing browser skips these tests.
const chromium = findChromium();
if (!chromium && process.env.CI) throw new Error('CI needs Chromium: apt-get install chromium');
const describeWithBrowser = chromium ? describe : describe.skip;

let emulator: Emulator;
let receiver: LoopbackReceiver;
let n8n: N8nInstance;
let server: N8nServer;
let browser: Browser;
let editor: EditorPage;
let postgres: Postgres | undefined;
const LEDGER_DB = 'ledger';
/** The PostgreSQL credential the usage ledger example refers to. */
const LEDGER_CREDENTIAL = { id: 'sonioxUsageLedgerDb', name: 'Usage ledger database' };
const workflows = new Map<string, ExampleWorkflow>();

/** Points every URL an example's Set nodes hold (Slack webhooks) at the loopback receiver. */
function pointedAtReceiver(workflow: ExampleWorkflow): ExampleWorkflow {
	let result = workflow;
	for (const node of workflow.nodes.filter(
		(candidate) => candidate.type === 'n8n-nodes-base.set',
	)) {
		result = withParameters(result, node.name, (parameters) => {
			const { assignments } = parameters.assignments as {
				assignments: Array<{ name: string; value: unknown }>;
			};
			for (const assignment of assignments) {
				if (/url$/i.test(assignment.name)) assignment.value = `${receiver.url}/${assignment.name}`;
			}
		});
	}
	return result;
}

describeWithBrowser('the n8n editor', () => {
	beforeAll(async () => {
		mkdirSync(SCREENSHOTS, { recursive: true });
		[emulator, receiver, n8n, postgres] = await Promise.all([
			startEmulator(),
			LoopbackReceiver.start(),
			N8nInstance.create(),
			// For the usage ledger example (CI has it, as for queue mode; elsewhere it may be missing).
			findPostgresBin() ? Postgres.start() : undefined,
		]);
		await postgres?.query(`CREATE DATABASE ${LEDGER_DB}`);
		// The same made-up history as `npm start`: twelve customers over 40 days.
		const now = Date.now();
		await emulator.seedUsage({
			count: 3000,
			clients: 12,
			start: now - 40 * DAY,
			end: now,
			seed: 7,
		});
		await n8n.importCredentials([
			exampleCredential(emulator),
			endpointSecretCredential('editor-endpoint-secret'),
			...(postgres
				? [postgres.credential(LEDGER_CREDENTIAL.id, LEDGER_CREDENTIAL.name, LEDGER_DB)]
				: []),
		]);
		for (const file of exampleFiles()) {
			const workflow = pointedAtReceiver(exampleWorkflow(file));
			workflows.set(workflow.id, workflow);
		}
		await n8n.importWorkflow([...workflows.values()]);
		server = await n8n.start();
		await server.setupOwner(OWNER);
		browser = await Browser.launch({ width: 1440, height: 900 });
		editor = new EditorPage(browser, server.url);
	});

	afterAll(async () => {
		await browser?.close();
		await server?.stop();
		await Promise.all([emulator?.close(), receiver?.close(), postgres?.stop()]);
		n8n?.remove();
	});

	/** Screenshots without the "Workflow executed successfully" toast or hint tooltips. */
	async function screenshot(file: string) {
		await browser.evaluate(
			`document.querySelectorAll('.el-notification__closeBtn').forEach((button) => button.click())`,
		);
		// e.g. "You can pin this output instead of waiting for a test event", left open.
		await browser.evaluate(`(() => {
			for (const element of document.querySelectorAll('body *')) {
				if (element.children.length || !/You can pin this output/.test(element.textContent)) continue;
				let floating = element;
				while (floating.parentElement && !['fixed', 'absolute'].includes(getComputedStyle(floating).position)) {
					floating = floating.parentElement;
				}
				floating.style.display = 'none';
			}
		})()`);
		await browser.waitFor(`!document.querySelector('.el-notification')`, 10_000, 'toasts to close');
		await browser.screenshot(join(SCREENSHOTS, file));
		expect(statSync(join(SCREENSHOTS, file)).size).toBeGreaterThan(20_000);
	}

	test('logs in with the owner account', async () => {
		await editor.signIn(OWNER);
		expect(await browser.evaluate('location.pathname')).not.toContain('signin');
	});

	test('shows the daily digest with its Soniox nodes, runs it, and shows Usage → Aggregate', async () => {
		await editor.openWorkflow('sonioxUsageDigest');
		const names = await browser.evaluate<string[]>(
			`[...document.querySelectorAll('[data-test-id="canvas-node"]')].map((node) => node.dataset.nodeName)`,
		);
		expect(names).toEqual(
			expect.arrayContaining(['Total yesterday', 'Spend per customer', 'Spend per model']),
		);

		await browser.click('[data-test-id="execute-workflow-button"]');
		await receiver.waitFor('/slackWebhookUrl', 1, 60_000);
		await browser.waitFor(
			`document.querySelectorAll('[data-test-id="canvas-node-status-success"]').length >= 7`,
			60_000,
			'the run to finish',
		);
		await pause(1000);
		await screenshot('usage-digest-workflow.png');

		await editor.openNode('Spend per customer');
		const panel = await browser.evaluate<string>(
			`document.querySelector('[data-test-id="ndv"]').innerText`,
		);
		expect(await editor.parameterValue('operation')).toBe('Aggregate');
		expect(await editor.parameterValue('timeRange')).toBe('Yesterday');
		expect(panel).toContain('Group By');
		expect(panel).toMatch(/customer_00\d\d/);
		await screenshot('usage-aggregate-node.png');
		await editor.closeNode();
	});

	test('shows the monthly invoice lines', async () => {
		await editor.openWorkflow('sonioxInvoiceLines');
		await browser.click('[data-test-id="execute-workflow-button"]');
		await browser.waitFor(
			`document.querySelectorAll('[data-test-id="canvas-node-status-success"]').length >= 5`,
			60_000,
			'the run to finish',
		);
		await editor.openNode('Invoice line');
		const panel = await browser.evaluate<string>(
			`document.querySelector('[data-test-id="ndv"]').innerText`,
		);
		expect(panel).toContain('amount_usd');
		await screenshot('invoice-lines.png');
		await editor.closeNode();
	});

	test('shows the subtitles workflow and Transcription → Transcribe', async () => {
		await editor.openWorkflow('sonioxSubtitles');
		await screenshot('subtitles-workflow.png');
		await editor.openNode('Transcribe the upload');
		expect(await editor.parameterValue('resource')).toBe('Transcription');
		expect(await editor.parameterValue('operation')).toBe('Transcribe');
		expect(await editor.parameterValue('outputFormat')).toBe('SRT Subtitles');
		await screenshot('transcribe-node.png');
		await editor.closeNode();
	});

	test('shows the spend alert trigger', async () => {
		await editor.openWorkflow('sonioxSpendAlert');
		await editor.openNode('New spend over threshold');
		expect(await editor.parameterValue('output')).toBe('Spend Alert');
		expect(await editor.parameterValue('thresholdUsd')).toBe('5');
		// "Fetch Test Event": the newest usage, summarized, without touching the trigger's state.
		await browser.click('[data-test-id="ndv"] [data-test-id="node-execute-button"]');
		await browser.waitFor(
			`/customer_00\\d\\d/.test(document.querySelector('[data-test-id="output-panel"]')?.innerText ?? '')`,
			60_000,
			'the test event',
		);
		await browser.click('[data-test-id="output-panel"] [data-test-id="radio-button-json"]');
		await browser.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x: 5, y: 5 });
		await pause(1000);
		await screenshot('spend-alert-trigger.png');
		await editor.closeNode();
	});

	test('shows the temporary key endpoint', async () => {
		await editor.openWorkflow('sonioxTemporaryKey');
		await editor.openNode('Temporary key for the user');
		expect(await editor.parameterValue('resource')).toBe('Temporary Key');
		await screenshot('temporary-key-node.png');
		await editor.closeNode();
	});

	// The nodes panel (n8n calls it the node creator), as a new user meets it: its search reads
	// a node's display name and its codex aliases only, and n8n hides nodes of the codex
	// category "AI" (other than AI root nodes) from it on a canvas without AI nodes.
	test('the nodes panel finds the Soniox node by name and by what it does', async () => {
		// A workflow with a plain trigger: the panel opens on "What happens next?".
		const workflow = await server.rest<{ id: string }>(
			'POST',
			'/workflows',
			manualTriggerWorkflow('Nodes panel search'),
		);
		await editor.openWorkflow(workflow.id);
		await editor.openNodesPanel('next step');
		expect(await editor.panelHeader()).toContain('What happens next?');

		for (const term of ['Soniox', 'transcribe', 'text to speech', 'subtitles', 'usage']) {
			expect({ term, found: await editor.searchPanel(term) }).toEqual({
				term,
				found: expect.arrayContaining(['Soniox']),
			});
		}
	});

	test('the trigger panel finds Soniox, and lists it under "On app event"', async () => {
		// A new, empty workflow: its first step is a trigger.
		await editor.openNewWorkflow();
		await editor.openNodesPanel('first step');
		expect(await editor.panelHeader()).toContain('What triggers this workflow?');

		expect(await editor.searchPanel('Soniox')).toContain('Soniox');

		await editor.clearPanelSearch();
		await editor.waitForPanelItem('On app event');
		await editor.clickPanelItem('On app event');
		await browser.waitFor(
			`[...document.querySelectorAll('${PANEL} [data-test-id="nodes-list-header"]')].some((header) => header.innerText.includes('On app event'))`,
			10_000,
			'the "On app event" list',
		);
		await editor.waitForPanelItem('Soniox');
		expect(await editor.panelItemNames()).toContain('Soniox');

		// Soniox there offers the trigger's event first: choosing it puts the trigger on the canvas.
		// (n8n shows a community node's details with its trigger events and actions.)
		await editor.clickPanelItem('Soniox');
		await editor.waitForActions();
		expect(await browser.evaluate(`document.querySelector('${PANEL}').innerText`)).toMatch(
			/Triggers \(\d+\)/,
		);
		await browser.click(`${PANEL} [data-keyboard-nav-type="action"]`);
		await browser.waitFor(
			`[...document.querySelectorAll('[data-test-id="canvas-node"]')].some((node) => node.dataset.nodeName.startsWith('Soniox Trigger'))`,
			15_000,
			'the Soniox Trigger on the canvas',
		);
	});

	test('the trigger panel finds the Soniox Transcription Trigger by Soniox, transcription and webhook, and under "On app event"', async () => {
		const name = 'Soniox Transcription Trigger';
		await editor.openNewWorkflow();
		await editor.openNodesPanel('first step');
		for (const term of ['Soniox', 'transcription', 'webhook']) {
			expect({ term, found: await editor.searchPanel(term, name) }).toEqual({
				term,
				found: expect.arrayContaining([name]),
			});
		}
		await editor.clearPanelSearch();
		await editor.waitForPanelItem('On app event');
		await editor.clickPanelItem('On app event');
		await editor.waitForPanelItem(name);
		expect(await editor.panelItemNames()).toContain(name);
	});

	test('shows every example sticky note whole: its last line inside the note', async () => {
		for (const id of workflows.keys()) {
			await editor.openWorkflow(id);
			const whole = await browser.evaluate<Array<boolean | string>>(
				`[...document.querySelectorAll('[data-test-id="sticky"]')].map((sticky) => {
					const box = sticky.getBoundingClientRect();
					const last = [...sticky.querySelectorAll('p, li, h1, h2, h3, pre')].pop();
					return last ? last.getBoundingClientRect().bottom <= box.bottom + 1 : 'no text';
				})`,
			);
			// At least one note; a workflow of two flows has one for each.
			expect(whole.length).toBeGreaterThan(0);
			expect({ id, whole }).toEqual({ id, whole: whole.map(() => true) });
		}
	});

	/** Clicks "Execute workflow" and, for a webhook start, calls its test URL as a client would. */
	async function runFromEditor(id: string, testCall?: { path: string; init: RequestInit }) {
		await editor.openWorkflow(id);
		await browser.click('[data-test-id="execute-workflow-button"]');
		if (!testCall) return;
		// The editor listens for one call to the test URL; a 404 means it is not listening yet.
		const deadline = Date.now() + 30_000;
		let response: Response;
		do {
			await pause(500);
			response = await fetch(`${server.url}/webhook-test/${testCall.path}`, testCall.init);
		} while (response.status === 404 && Date.now() < deadline);
		expect({ id, status: response.status }).toEqual({ id, status: 200 });
	}

	/** Waits until the run shown on the canvas has ended; returns the nodes that succeeded. */
	async function finishedRun(id: string) {
		await browser.waitFor(
			`!document.querySelector('[data-test-id="execute-workflow-button"]')?.disabled && !document.querySelector('[data-test-id="canvas-node-status-running"]') && document.querySelectorAll('[data-test-id="canvas-node-status-success"]').length > 0`,
			90_000,
			`the run of ${id} to finish`,
		);
		await pause(1000);
		const failed = await browser.evaluate<number>(
			`document.querySelectorAll('[data-test-id="canvas-node-status-error"]').length`,
		);
		expect({ id, failed }).toEqual({ id, failed: 0 });
	}

	test('runs the webhook and trigger examples from the editor, as a user tries them', async () => {
		const secret = {
			'content-type': 'application/json',
			[ENDPOINT_SECRET.header]: 'editor-endpoint-secret',
		};
		const audio = await serveAudio(
			makeWav({ text: 'Editor runs the subtitles example.', durationMs: 3000 }),
		);
		try {
			await runFromEditor('sonioxSubtitles', {
				path: 'soniox/subtitles',
				init: {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ audio_url: audio.url, customer_id: 'editor' }),
				},
			});
			await finishedRun('sonioxSubtitles');
		} finally {
			await audio.close();
		}

		await runFromEditor('sonioxTemporaryKey', {
			path: 'soniox/temporary-key',
			init: { method: 'POST', headers: secret, body: JSON.stringify({ user_id: 'user_editor' }) },
		});
		await finishedRun('sonioxTemporaryKey');

		// Triggers run their test event, and what follows them posts to "Slack".
		receiver.clear();
		await runFromEditor('sonioxSpendAlert');
		await finishedRun('sonioxSpendAlert');
		const [alert] = await receiver.waitFor('/slackWebhookUrl', 1, 60_000);
		const { text } = alert.json as { text?: unknown };
		expect(text).toMatch(/customer_00\d\d/);
		expect(text).not.toMatch(/null|undefined/);

		receiver.clear();
		await runFromEditor('sonioxAnomalyAlert');
		await finishedRun('sonioxAnomalyAlert');
		const [anomaly] = await receiver.waitFor('/slackWebhookUrl', 1, 60_000);
		// The test event is shaped like a real alert, from the newest usage (the subtitles run).
		const anomalyText = (anomaly.json as { text?: unknown }).text;
		expect(anomalyText).toMatch(/Soniox usage anomaly/);
		expect(anomalyText).not.toMatch(/null|undefined|NaN/);

		await runFromEditor('sonioxCustomerQuota', {
			path: 'soniox/temporary-key-with-quota',
			init: { method: 'POST', headers: secret, body: JSON.stringify({ user_id: 'user_editor' }) },
		});
		await finishedRun('sonioxCustomerQuota');

		// The ledger: "Execute workflow" runs one of its starts (the trigger's test event, or Run
		// now); either way the entries land in PostgreSQL with their exact costs.
		if (!postgres) {
			console.warn(
				'No PostgreSQL here (apt-get install postgresql): the ledger example is not run',
			);
			return;
		}
		await runFromEditor('sonioxUsageLedger');
		await finishedRun('sonioxUsageLedger');
		const rows = await postgres.query(
			'SELECT uuid, cost_usd::text FROM soniox_usage_ledger ORDER BY uuid',
			LEDGER_DB,
		);
		const costs = new Map(emulator.ledger().map((entry) => [entry.uuid, entry.cost_usd]));
		expect(rows.length).toBeGreaterThan(0);
		expect(rows).toEqual(rows.map(([uuid]) => [uuid, costs.get(uuid)]));
	});

	// Last: it changes the subtitles workflow without saving it.
	test('shows each operation with its own fields: no field twice, none left behind', async () => {
		await editor.openWorkflow('sonioxSubtitles');
		await editor.openNode('Transcribe the upload');
		expect(await editor.shownInputs('binaryPropertyName')).toBe(1);
		expect(await editor.shownInputs('audioSource')).toBe(1);

		await editor.chooseOption('operation', 'Transcribe in Real Time');
		expect(await editor.shownInputs('binaryPropertyName')).toBe(1);
		expect(await editor.shownInputs('audioSource')).toBe(0);
		expect(await editor.shownInputs('realtimeAudioFormat')).toBe(1);
		expect(await editor.shownInputs('sendingPace')).toBe(1);

		await editor.chooseOption('operation', 'Transcribe');
		expect(await editor.shownInputs('binaryPropertyName')).toBe(1);
		expect(await editor.shownInputs('realtimeAudioFormat')).toBe(0);

		await editor.chooseOption('resource', 'Speech');
		expect(await editor.panelText()).not.toContain('Input Binary Field');
		expect(await editor.shownInputs('parallelStreams')).toBe(0);
		await editor.chooseOption('operation', 'Synthesize in Real Time');
		expect(await editor.shownInputs('parallelStreams')).toBe(1);
		expect(await editor.shownInputs('realtimeKeySource')).toBe(1);
		expect(await editor.panelText()).not.toContain('Input Binary Field');
		await editor.closeNode();
	});
});
