// The n8n editor of a running instance in headless Chromium: log in as the owner, open the
// example workflows, run one, open the Soniox nodes' parameter panels, and save screenshots
// to docs/screenshots/ for the README.
import { mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { startEmulator, type Emulator } from '../emulator';
import { Browser, findChromium } from './browser';
import {
	exampleFiles,
	exampleWorkflow,
	N8nInstance,
	sonioxCredential,
	withParameters,
	type ExampleWorkflow,
	type N8nServer,
} from './n8n';
import { DAY } from './usage';
import {
	EXAMPLE_CREDENTIAL,
	emulatorCredentialData,
	endpointSecretCredential,
	LoopbackReceiver,
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
		[emulator, receiver, n8n] = await Promise.all([
			startEmulator(),
			LoopbackReceiver.start(),
			N8nInstance.create(),
		]);
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
			sonioxCredential(
				emulatorCredentialData(emulator),
				EXAMPLE_CREDENTIAL.id,
				EXAMPLE_CREDENTIAL.name,
			),
			endpointSecretCredential('editor-endpoint-secret'),
		]);
		for (const file of exampleFiles()) {
			const workflow = pointedAtReceiver(exampleWorkflow(file));
			workflows.set(workflow.id, workflow);
		}
		await n8n.importWorkflow([...workflows.values()]);
		server = await n8n.start();
		await server.setupOwner(OWNER);
		browser = await Browser.launch({ width: 1440, height: 900 });
	});

	afterAll(async () => {
		await browser?.close();
		await server?.stop();
		await Promise.all([emulator?.close(), receiver?.close()]);
		n8n?.remove();
	});

	const nodeSelector = (name: string) => `[data-test-id="canvas-node"][data-node-name="${name}"]`;

	async function openWorkflow(id: string) {
		await browser.goto(`${server.url}/workflow/${id}`);
		await browser.waitForSelector('[data-test-id="canvas-node"]');
		// Let the canvas fit the view and the icons load.
		await browser.waitFor(
			`[...document.querySelectorAll('[data-test-id="canvas-node"] img')].every((img) => img.complete)`,
		);
		await pause(1500);
	}

	async function openNode(name: string) {
		await browser.doubleClick(nodeSelector(name));
		await browser.waitForSelector('[data-test-id="ndv"] [data-test-id="node-parameters"]');
		await pause(1000);
	}

	async function closeNode() {
		await browser.click('[data-test-id="ndv-close-button"]');
		await browser.waitFor(
			'!document.querySelector(\'[data-test-id="ndv"] [data-test-id="node-parameters"]\')',
		);
	}

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

	/** The shown value of a parameter's input in the open parameter panel. */
	async function parameterValue(name: string) {
		return await browser.evaluate<string>(
			`document.querySelector('[data-test-id="ndv"] [data-test-id="parameter-input-${name}"] input')?.value`,
		);
	}

	test('logs in with the owner account', async () => {
		await browser.goto(`${server.url}/signin`);
		await browser.waitForSelector('input[name="emailOrLdapLoginId"]');
		await browser.type('input[name="emailOrLdapLoginId"]', OWNER.email);
		await browser.type('input[name="password"]', OWNER.password);
		await browser.click('[data-test-id="form-submit-button"]');
		await browser.waitFor('!location.pathname.startsWith("/signin")', 30_000, 'the login');
		expect(await browser.evaluate('location.pathname')).not.toContain('signin');
	});

	test('shows the daily digest with its Soniox nodes, runs it, and shows Usage → Aggregate', async () => {
		await openWorkflow('sonioxUsageDigest');
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

		await openNode('Spend per customer');
		const panel = await browser.evaluate<string>(
			`document.querySelector('[data-test-id="ndv"]').innerText`,
		);
		expect(await parameterValue('operation')).toBe('Aggregate');
		expect(await parameterValue('timeRange')).toBe('Yesterday');
		expect(panel).toContain('Group By');
		expect(panel).toMatch(/customer_00\d\d/);
		await screenshot('usage-aggregate-node.png');
		await closeNode();
	});

	test('shows the monthly invoice lines', async () => {
		await openWorkflow('sonioxInvoiceLines');
		await browser.click('[data-test-id="execute-workflow-button"]');
		await browser.waitFor(
			`document.querySelectorAll('[data-test-id="canvas-node-status-success"]').length >= 5`,
			60_000,
			'the run to finish',
		);
		await openNode('Invoice line');
		const panel = await browser.evaluate<string>(
			`document.querySelector('[data-test-id="ndv"]').innerText`,
		);
		expect(panel).toContain('amount_usd');
		await screenshot('invoice-lines.png');
		await closeNode();
	});

	test('shows the subtitles workflow and Transcription → Transcribe', async () => {
		await openWorkflow('sonioxSubtitles');
		await screenshot('subtitles-workflow.png');
		await openNode('Transcribe the upload');
		expect(await parameterValue('resource')).toBe('Transcription');
		expect(await parameterValue('operation')).toBe('Transcribe');
		expect(await parameterValue('outputFormat')).toBe('SRT Subtitles');
		await screenshot('transcribe-node.png');
		await closeNode();
	});

	test('shows the spend alert trigger', async () => {
		await openWorkflow('sonioxSpendAlert');
		await openNode('New spend over threshold');
		expect(await parameterValue('output')).toBe('Spend Alert');
		expect(await parameterValue('thresholdUsd')).toBe('5');
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
		await closeNode();
	});

	/** Picks an option of an options parameter in the open panel, as a user would. */
	async function chooseOption(name: string, option: string) {
		const input = `[data-test-id="ndv"] [data-test-id="parameter-input-${name}"]`;
		const visibleItem = `[...document.querySelectorAll('.el-select-dropdown__item')].find((item) => item.offsetParent && item.innerText.trim().split('\\n')[0] === ${JSON.stringify(option)})`;
		await browser.click(input);
		await browser.waitFor(`Boolean(${visibleItem})`, 10_000, `the option ${option}`);
		await browser.evaluate(`${visibleItem}.click()`);
		await browser.waitFor(
			`document.querySelector('${input} input')?.value === ${JSON.stringify(option)}`,
			10_000,
			`${name} to be ${option}`,
		);
		await pause(500);
	}

	/** How many inputs of a parameter the open panel shows. */
	async function shownInputs(name: string) {
		return await browser.evaluate<number>(
			`document.querySelectorAll('[data-test-id="ndv"] [data-test-id="parameter-input-${name}"]').length`,
		);
	}

	const panelText = async () =>
		await browser.evaluate<string>(`document.querySelector('[data-test-id="ndv"]').innerText`);

	test('shows the temporary key endpoint', async () => {
		await openWorkflow('sonioxTemporaryKey');
		await openNode('Temporary key for the user');
		expect(await parameterValue('resource')).toBe('Temporary Key');
		await screenshot('temporary-key-node.png');
		await closeNode();
	});

	// The nodes panel (n8n calls it the node creator), as a new user meets it: its search reads
	// a node's display name and its codex aliases only, and n8n hides nodes of the codex
	// category "AI" (other than AI root nodes) from it on a canvas without AI nodes.
	const PANEL = '[data-test-id="node-creator"]';
	const SEARCH = `${PANEL} [data-test-id="node-creator-search-bar"]`;
	const ITEM_NAMES = `[...document.querySelectorAll('${PANEL} [data-test-id="item-iterator-item"] [data-test-id="node-creator-item-name"]')].map((name) => name.textContent.trim())`;

	/** The names the panel lists, once its lazily rendered list stops growing. */
	async function panelItemNames(): Promise<string[]> {
		let names = await browser.evaluate<string[]>(ITEM_NAMES);
		for (let attempt = 0; attempt < 20; attempt++) {
			await pause(300);
			const again = await browser.evaluate<string[]>(ITEM_NAMES);
			if (again.length === names.length) return again;
			names = again;
		}
		return names;
	}

	/** Types the term into the panel's search and returns the names it lists then. */
	async function searchPanel(term: string): Promise<string[]> {
		await browser.fill(SEARCH, term);
		await browser
			.waitFor(`${ITEM_NAMES}.includes('Soniox')`, 5_000, `"${term}" to find Soniox`)
			.catch(() => undefined);
		return await panelItemNames();
	}

	/** Clicks the panel item with this name (a node, a subcategory or an action). */
	async function clickPanelItem(name: string) {
		const marked = await browser.evaluate<boolean>(`(() => {
			for (const item of document.querySelectorAll('${PANEL} [data-test-id="item-iterator-item"]')) {
				const itemName = item.querySelector('[data-test-id="node-creator-item-name"]');
				if (itemName?.textContent.trim() !== ${JSON.stringify(name)}) continue;
				item.setAttribute('data-soniox-target', '');
				item.scrollIntoView({ block: 'center' });
				return true;
			}
			return false;
		})()`);
		if (!marked) throw new Error(`No "${name}" in the nodes panel: ${await panelItemNames()}`);
		await pause(1000);
		await browser.click('[data-soniox-target]');
		await browser.evaluate(
			`document.querySelector('[data-soniox-target]')?.removeAttribute('data-soniox-target')`,
		);
	}

	/** The text of the panel's header (the open view or subcategory). */
	async function panelHeader() {
		return await browser.evaluate<string>(
			`[...document.querySelectorAll('${PANEL} [data-test-id="nodes-list-header"]')].map((header) => header.innerText).join(' | ')`,
		);
	}

	test('the nodes panel finds the Soniox node by name and by what it does', async () => {
		// A workflow with a plain trigger: the panel opens on "What happens next?".
		const workflow = await server.rest<{ id: string }>('POST', '/workflows', {
			name: 'Nodes panel search',
			nodes: [
				{
					id: 'c5f3c2a4-3a51-4b1e-9d0e-6f1f4c1a0001',
					name: 'Start',
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
			],
			connections: {},
			settings: {},
		});
		await openWorkflow(workflow.id);
		await browser.click('[data-test-id="node-creator-plus-button"]');
		await browser.waitForSelector(SEARCH);
		expect(await panelHeader()).toContain('What happens next?');

		for (const term of ['Soniox', 'transcribe', 'text to speech', 'subtitles', 'usage']) {
			expect({ term, found: await searchPanel(term) }).toEqual({
				term,
				found: expect.arrayContaining(['Soniox']),
			});
		}
	});

	test('the trigger panel finds Soniox, and lists it under "On app event"', async () => {
		// A new, empty workflow: its first step is a trigger.
		await browser.goto(`${server.url}/workflow/new`);
		await browser.waitForSelector('[data-test-id="canvas-add-button"]');
		await pause(1000);
		await browser.click('[data-test-id="canvas-add-button"]');
		await browser.waitForSelector(SEARCH);
		expect(await panelHeader()).toContain('What triggers this workflow?');

		expect(await searchPanel('Soniox')).toContain('Soniox');

		await browser.fill(SEARCH, '');
		await browser.waitFor(`${ITEM_NAMES}.includes('On app event')`, 10_000, 'the trigger list');
		await clickPanelItem('On app event');
		await browser.waitFor(
			`[...document.querySelectorAll('${PANEL} [data-test-id="nodes-list-header"]')].some((header) => header.innerText.includes('On app event'))`,
			10_000,
			'the "On app event" list',
		);
		await browser
			.waitFor(`${ITEM_NAMES}.includes('Soniox')`, 10_000, 'Soniox under "On app event"')
			.catch(() => undefined);
		expect(await panelItemNames()).toContain('Soniox');

		// Soniox there offers the trigger's event first: choosing it puts the trigger on the canvas.
		// (n8n shows a community node's details with its trigger events and actions.)
		await clickPanelItem('Soniox');
		await browser.waitForSelector(`${PANEL} [data-keyboard-nav-type="action"]`, 10_000);
		expect(await browser.evaluate(`document.querySelector('${PANEL}').innerText`)).toMatch(
			/Triggers \(\d+\)/,
		);
		// Let the panel finish sliding in before clicking at the action's position.
		await pause(1000);
		await browser.click(`${PANEL} [data-keyboard-nav-type="action"]`);
		await browser.waitFor(
			`[...document.querySelectorAll('[data-test-id="canvas-node"]')].some((node) => node.dataset.nodeName.startsWith('Soniox Trigger'))`,
			15_000,
			'the Soniox Trigger on the canvas',
		);
	});

	test('the trigger panel finds the Soniox Transcription Trigger by Soniox, transcription and webhook, and under "On app event"', async () => {
		await browser.goto(`${server.url}/workflow/new`);
		await browser.waitForSelector('[data-test-id="canvas-add-button"]');
		await pause(1000);
		await browser.click('[data-test-id="canvas-add-button"]');
		await browser.waitForSelector(SEARCH);
		const isTranscriptionTrigger = (name: string) => name.startsWith('Soniox Transcription');
		for (const term of ['Soniox', 'transcription', 'webhook']) {
			await browser.fill(SEARCH, term);
			await browser
				.waitFor(
					`${ITEM_NAMES}.some((name) => name.startsWith('Soniox Transcription'))`,
					5_000,
					`"${term}" to find the Soniox Transcription Trigger`,
				)
				.catch(() => undefined);
			const names = await panelItemNames();
			expect({ term, found: names.some(isTranscriptionTrigger), names }).toEqual({
				term,
				found: true,
				names,
			});
		}
		await browser.fill(SEARCH, '');
		await browser.waitFor(`${ITEM_NAMES}.includes('On app event')`, 10_000, 'the trigger list');
		await clickPanelItem('On app event');
		await browser
			.waitFor(
				`${ITEM_NAMES}.some((name) => name.startsWith('Soniox Transcription'))`,
				10_000,
				'the Soniox Transcription Trigger under "On app event"',
			)
			.catch(() => undefined);
		const names = await panelItemNames();
		expect({ found: names.some(isTranscriptionTrigger), names }).toEqual({ found: true, names });
	});

	test('shows every example sticky note whole: its last line inside the note', async () => {
		for (const id of workflows.keys()) {
			await openWorkflow(id);
			const whole = await browser.evaluate<Array<boolean | string>>(
				`[...document.querySelectorAll('[data-test-id="sticky"]')].map((sticky) => {
					const box = sticky.getBoundingClientRect();
					const last = [...sticky.querySelectorAll('p, li, h1, h2, h3, pre')].pop();
					return last ? last.getBoundingClientRect().bottom <= box.bottom + 1 : 'no text';
				})`,
			);
			expect({ id, whole }).toEqual({ id, whole: [true] });
		}
	});

	// Last: it changes the subtitles workflow without saving it.
	test('shows each operation with its own fields: no field twice, none left behind', async () => {
		await openWorkflow('sonioxSubtitles');
		await openNode('Transcribe the upload');
		expect(await shownInputs('binaryPropertyName')).toBe(1);
		expect(await shownInputs('audioSource')).toBe(1);

		await chooseOption('operation', 'Transcribe in Real Time');
		expect(await shownInputs('binaryPropertyName')).toBe(1);
		expect(await shownInputs('audioSource')).toBe(0);
		expect(await shownInputs('realtimeAudioFormat')).toBe(1);
		expect(await shownInputs('sendingPace')).toBe(1);

		await chooseOption('operation', 'Transcribe');
		expect(await shownInputs('binaryPropertyName')).toBe(1);
		expect(await shownInputs('realtimeAudioFormat')).toBe(0);

		await chooseOption('resource', 'Speech');
		expect(await panelText()).not.toContain('Input Binary Field');
		expect(await shownInputs('parallelStreams')).toBe(0);
		await chooseOption('operation', 'Synthesize in Real Time');
		expect(await shownInputs('parallelStreams')).toBe(1);
		expect(await shownInputs('realtimeKeySource')).toBe(1);
		expect(await panelText()).not.toContain('Input Binary Field');
		await closeNode();
	});
});

function pause(ms: number) {
	return new Promise((resolvePause) => setTimeout(resolvePause, ms));
}
