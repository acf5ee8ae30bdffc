// The n8n editor as a user drives it, for the editor suites: sign in, open a workflow or a
// node, pick options, search the nodes panel (n8n calls it the node creator). Selectors are
// n8n's own data-test-id attributes.
import type { Browser } from './browser';

export const NDV = '[data-test-id="ndv"]';
export const CREDENTIAL_MODAL = '[data-test-id="editCredential-modal"]';
export const PANEL = '[data-test-id="node-creator"]';
const SEARCH = `${PANEL} [data-test-id="node-creator-search-bar"]`;
const ITEM_NAMES = `[...document.querySelectorAll('${PANEL} [data-test-id="item-iterator-item"] [data-test-id="node-creator-item-name"]')].map((name) => name.textContent.trim())`;

export function pause(ms: number) {
	return new Promise((resolvePause) => setTimeout(resolvePause, ms));
}

export class EditorPage {
	constructor(
		readonly browser: Browser,
		private readonly baseUrl: string,
	) {}

	async signIn(owner: { email: string; password: string }) {
		const { browser } = this;
		await browser.goto(`${this.baseUrl}/signin`);
		await browser.waitForSelector('input[name="emailOrLdapLoginId"]');
		await browser.type('input[name="emailOrLdapLoginId"]', owner.email);
		await browser.type('input[name="password"]', owner.password);
		await browser.click('[data-test-id="form-submit-button"]');
		await browser.waitFor('!location.pathname.startsWith("/signin")', 30_000, 'the login');
	}

	async openWorkflow(id: string) {
		const { browser } = this;
		await browser.goto(`${this.baseUrl}/workflow/${id}`);
		await browser.waitForSelector('[data-test-id="canvas-node"]');
		// Let the canvas fit the view and the icons load.
		await browser.waitFor(
			`[...document.querySelectorAll('[data-test-id="canvas-node"] img')].every((img) => img.complete)`,
		);
		await pause(1500);
	}

	/** A new, empty workflow: its first step is a trigger. */
	async openNewWorkflow() {
		await this.browser.goto(`${this.baseUrl}/workflow/new`);
		await this.browser.waitForSelector('[data-test-id="canvas-add-button"]');
		await pause(1000);
	}

	async openNode(name: string) {
		await this.browser.doubleClick(`[data-test-id="canvas-node"][data-node-name="${name}"]`);
		await this.waitForParameters();
	}

	async waitForParameters() {
		await this.browser.waitForSelector(`${NDV} [data-test-id="node-parameters"]`, 15_000);
		await pause(1000);
	}

	async closeNode() {
		await this.browser.click('[data-test-id="ndv-close-button"]');
		await this.browser.waitFor(
			`!document.querySelector('${NDV} [data-test-id="node-parameters"]')`,
		);
	}

	/** The shown value of a parameter's input in the open parameter panel. */
	async parameterValue(name: string) {
		return await this.browser.evaluate<string>(
			`document.querySelector('${NDV} [data-test-id="parameter-input-${name}"] input')?.value`,
		);
	}

	/** How many inputs of a parameter the open panel shows. */
	async shownInputs(name: string) {
		return await this.browser.evaluate<number>(
			`document.querySelectorAll('${NDV} [data-test-id="parameter-input-${name}"]').length`,
		);
	}

	async panelText() {
		return await this.browser.evaluate<string>(`document.querySelector('${NDV}').innerText`);
	}

	async outputText() {
		return await this.browser.evaluate<string>(
			`document.querySelector('[data-test-id="output-panel"]')?.innerText ?? ''`,
		);
	}

	/** Types into a parameter's text input, as keyboard input. */
	async fillParameter(name: string, text: string, scope = NDV) {
		await this.browser.fill(`${scope} [data-test-id="parameter-input-${name}"] input`, text);
		await pause(500);
	}

	/** The texts a dropdown of the open panel lists once opened: its options, or why none. */
	async dropdownTexts(name: string): Promise<string[]> {
		const visible = `[...document.querySelectorAll('.el-select-dropdown__item, .el-select-dropdown__empty')].filter((item) => item.offsetParent).map((item) => item.innerText.trim())`;
		await this.browser.click(`${NDV} [data-test-id="parameter-input-${name}"]`);
		await this.browser.waitFor(`${visible}.length > 0`, 15_000, `the ${name} options`);
		await pause(1000);
		const texts = await this.browser.evaluate<string[]>(visible);
		await this.pressEscape();
		return texts;
	}

	async pressEscape() {
		for (const type of ['keyDown', 'keyUp']) {
			await this.browser.send('Input.dispatchKeyEvent', {
				type,
				key: 'Escape',
				code: 'Escape',
				windowsVirtualKeyCode: 27,
			});
		}
		await pause(500);
	}

	/** Picks an option of an options parameter in the open panel, as a user would. */
	async chooseOption(name: string, option: string, scope = NDV) {
		const input = `${scope} [data-test-id="parameter-input-${name}"]`;
		const visibleItem = `[...document.querySelectorAll('.el-select-dropdown__item')].find((item) => item.offsetParent && item.innerText.trim().split('\\n')[0] === ${JSON.stringify(option)})`;
		await this.browser.click(input);
		await this.browser.waitFor(`Boolean(${visibleItem})`, 10_000, `the option ${option}`);
		await this.browser.evaluate(`${visibleItem}.click()`);
		await this.browser.waitFor(
			`document.querySelector('${input} input')?.value === ${JSON.stringify(option)}`,
			10_000,
			`${name} to be ${option}`,
		);
		await pause(500);
	}

	/** Clicks "Execute step" (or "Fetch Test Event") and waits for the output to show `text`. */
	async executeStep(text: string, timeoutMs = 90_000) {
		await this.browser.click(`${NDV} [data-test-id="node-execute-button"]`);
		await this.browser.waitFor(
			`(document.querySelector('[data-test-id="output-panel"]')?.innerText ?? '').includes(${JSON.stringify(text)})`,
			timeoutMs,
			`"${text}" in the output panel`,
		);
	}

	/** Opens the nodes panel from the canvas's "+" (next step) or its "Add first step". */
	async openNodesPanel(from: 'next step' | 'first step') {
		const button = from === 'next step' ? 'node-creator-plus-button' : 'canvas-add-button';
		await this.browser.click(`[data-test-id="${button}"]`);
		await this.browser.waitForSelector(SEARCH);
	}

	/** The names the panel lists, once its lazily rendered list stops growing. */
	async panelItemNames(): Promise<string[]> {
		let names = await this.browser.evaluate<string[]>(ITEM_NAMES);
		for (let attempt = 0; attempt < 20; attempt++) {
			await pause(300);
			const again = await this.browser.evaluate<string[]>(ITEM_NAMES);
			if (again.length === names.length) return again;
			names = again;
		}
		return names;
	}

	/** Types the term into the panel's search and returns the names it lists then. */
	async searchPanel(term: string, expected = 'Soniox'): Promise<string[]> {
		await this.browser.fill(SEARCH, term);
		await this.browser
			.waitFor(`${ITEM_NAMES}.includes(${JSON.stringify(expected)})`, 5_000, `"${term}"`)
			.catch(() => undefined);
		return await this.panelItemNames();
	}

	async clearPanelSearch() {
		await this.browser.fill(SEARCH, '');
	}

	async waitForPanelItem(name: string, timeoutMs = 10_000) {
		await this.browser
			.waitFor(`${ITEM_NAMES}.includes(${JSON.stringify(name)})`, timeoutMs, `"${name}"`)
			.catch(() => undefined);
	}

	/** Clicks the panel item with this name (a node, a subcategory or an action). */
	async clickPanelItem(name: string) {
		const { browser } = this;
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
		if (!marked) throw new Error(`No "${name}" in the nodes panel: ${await this.panelItemNames()}`);
		await pause(1000);
		await browser.click('[data-soniox-target]');
		await browser.evaluate(
			`document.querySelector('[data-soniox-target]')?.removeAttribute('data-soniox-target')`,
		);
	}

	/** The text of the panel's header (the open view or subcategory). */
	async panelHeader() {
		return await this.browser.evaluate<string>(
			`[...document.querySelectorAll('${PANEL} [data-test-id="nodes-list-header"]')].map((header) => header.innerText).join(' | ')`,
		);
	}

	/** The node's actions in the panel, once a node was picked (n8n lists them as items). */
	async waitForActions() {
		await this.browser.waitForSelector(`${PANEL} [data-keyboard-nav-type="action"]`, 10_000);
		// Let the panel finish sliding in before clicking at an action's position.
		await pause(1000);
	}

	/** The names of the nodes on the canvas. */
	async canvasNodeNames() {
		return await this.browser.evaluate<string[]>(
			`[...document.querySelectorAll('[data-test-id="canvas-node"]')].map((node) => node.dataset.nodeName)`,
		);
	}

	/** What a canvas node shows: its name and subtitle. */
	async canvasNodeText(name: string) {
		return await this.browser.evaluate<string>(
			`document.querySelector('[data-test-id="canvas-node"][data-node-name=${JSON.stringify(name)}]')?.innerText ?? ''`,
		);
	}
}
