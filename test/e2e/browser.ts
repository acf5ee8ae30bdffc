// Headless Chromium (the system's, e.g. Debian's `chromium` package; never a downloaded one),
// driven over the Chrome DevTools protocol with the runtime's global WebSocket.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

/** The Chromium binary on PATH (or CHROMIUM_PATH), or undefined when there is none. */
export function findChromium(): string | undefined {
	if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
	for (const name of CANDIDATES) {
		const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
		if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
	}
	return undefined;
}

interface Pending {
	resolve: (value: Record<string, unknown>) => void;
	reject: (error: Error) => void;
}

export class Browser {
	private socket!: WebSocket;
	private nextId = 1;
	private readonly pending = new Map<number, Pending>();
	private readonly listeners: Array<(method: string, params: Record<string, unknown>) => void> = [];

	private constructor(
		private readonly child: ChildProcess,
		private readonly userDataDir: string,
	) {}

	/** Starts Chromium headless with a new empty profile and attaches to its first tab. */
	static async launch(options: { width?: number; height?: number } = {}): Promise<Browser> {
		const binary = findChromium();
		if (!binary) throw new Error('No Chromium found: install Debian\'s "chromium" package');
		const { width = 1440, height = 900 } = options;
		const userDataDir = mkdtempSync(join(tmpdir(), 'soniox-chromium-'));
		const child = spawn(
			binary,
			[
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--no-default-browser-check',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--disable-dev-shm-usage',
				'--hide-scrollbars',
				`--window-size=${width},${height}`,
				`--user-data-dir=${userDataDir}`,
				'--remote-debugging-port=0',
				'about:blank',
			],
			{ stdio: ['ignore', 'ignore', 'pipe'] },
		);
		const browser = new Browser(child, userDataDir);
		const port = await browser.devToolsPort();
		const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{
			type: string;
			webSocketDebuggerUrl: string;
		}>;
		const page = targets.find((target) => target.type === 'page');
		if (!page) throw new Error('Chromium opened no page');
		await browser.connect(page.webSocketDebuggerUrl);
		await browser.send('Page.enable');
		await browser.send('Runtime.enable');
		await browser.send('Emulation.setDeviceMetricsOverride', {
			width,
			height,
			deviceScaleFactor: 1,
			mobile: false,
		});
		return browser;
	}

	/** Chromium writes the port it chose into DevToolsActivePort in its profile. */
	private async devToolsPort(timeoutMs = 30_000): Promise<number> {
		const file = join(this.userDataDir, 'DevToolsActivePort');
		let stderr = '';
		this.child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk).slice(-4000)));
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (this.child.exitCode !== null) throw new Error(`Chromium exited:\n${stderr}`);
			if (existsSync(file)) {
				const port = Number(readFileSync(file, 'utf8').split('\n')[0]);
				if (port > 0) return port;
			}
			await sleep(100);
		}
		throw new Error(`Chromium did not open its DevTools port:\n${stderr}`);
	}

	private async connect(url: string) {
		this.socket = new WebSocket(url);
		await new Promise<void>((resolve, reject) => {
			this.socket.addEventListener('open', () => resolve(), { once: true });
			this.socket.addEventListener('error', () => reject(new Error('CDP connection failed')), {
				once: true,
			});
		});
		// Chromium closing the connection answers nothing more: fail what is still waiting.
		this.socket.addEventListener('close', () => {
			for (const waiter of this.pending.values()) waiter.reject(new Error('CDP connection closed'));
			this.pending.clear();
		});
		this.socket.addEventListener('message', (event) => {
			const message = JSON.parse(String(event.data)) as {
				id?: number;
				result?: Record<string, unknown>;
				error?: { message: string };
				method?: string;
				params?: Record<string, unknown>;
			};
			if (message.id !== undefined) {
				const waiter = this.pending.get(message.id);
				this.pending.delete(message.id);
				if (message.error) waiter?.reject(new Error(message.error.message));
				else waiter?.resolve(message.result ?? {});
			} else if (message.method === 'Page.javascriptDialogOpening') {
				// "Leave the page? Changes you made may not be saved": tests leave, as a user would.
				void this.send('Page.handleJavaScriptDialog', { accept: true });
			} else if (message.method) {
				for (const listener of this.listeners) listener(message.method, message.params ?? {});
			}
		});
	}

	async send(method: string, params: Record<string, unknown> = {}) {
		const id = this.nextId++;
		const result = new Promise<Record<string, unknown>>((resolve, reject) =>
			this.pending.set(id, { resolve, reject }),
		);
		this.socket.send(JSON.stringify({ id, method, params }));
		return await result;
	}

	async setCookie(url: string, cookie: string) {
		const [name, ...rest] = cookie.split('=');
		await this.send('Network.setCookie', { url, name, value: rest.join('=') });
	}

	async goto(url: string, timeoutMs = 60_000) {
		let timer: NodeJS.Timeout | undefined;
		const loaded = new Promise<void>((resolve, reject) => {
			const listener = (method: string) => {
				if (method !== 'Page.loadEventFired') return;
				this.listeners.splice(this.listeners.indexOf(listener), 1);
				resolve();
			};
			this.listeners.push(listener);
			timer = setTimeout(() => reject(new Error(`${url} did not load in time`)), timeoutMs);
		});
		try {
			await this.send('Page.navigate', { url });
			await loaded;
		} finally {
			clearTimeout(timer);
		}
	}

	/** Evaluates an expression in the page (promises awaited); returns its JSON value. */
	async evaluate<T = unknown>(expression: string): Promise<T> {
		const result = (await this.send('Runtime.evaluate', {
			expression,
			awaitPromise: true,
			returnByValue: true,
		})) as { result: { value?: T }; exceptionDetails?: { text: string; exception?: unknown } };
		if (result.exceptionDetails) {
			throw new Error(`In the page: ${JSON.stringify(result.exceptionDetails).slice(0, 500)}`);
		}
		return result.result.value as T;
	}

	/** Waits until the expression is truthy in the page. */
	async waitFor(expression: string, timeoutMs = 60_000, what = expression): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (await this.evaluate<boolean>(`Boolean(${expression})`).catch(() => false)) return;
			await sleep(250);
		}
		throw new Error(`Timed out waiting for ${what}`);
	}

	/** Waits until an element matching the selector is present and visible. */
	async waitForSelector(selector: string, timeoutMs = 60_000) {
		const json = JSON.stringify(selector);
		await this.waitFor(
			`(() => { const element = document.querySelector(${json}); return element && element.getClientRects().length > 0; })()`,
			timeoutMs,
			selector,
		);
	}

	/** Focuses the element and types text into it as keyboard input. */
	async type(selector: string, text: string) {
		await this.evaluate(`document.querySelector(${JSON.stringify(selector)}).focus()`);
		await this.send('Input.insertText', { text });
	}

	/** Replaces the text of an input with the given text, as keyboard input (empty clears it). */
	async fill(selector: string, text: string) {
		await this.evaluate(
			`(() => { const input = document.querySelector(${JSON.stringify(selector)}); input.focus(); input.select(); })()`,
		);
		if (text) {
			await this.send('Input.insertText', { text });
			return;
		}
		for (const type of ['keyDown', 'keyUp']) {
			await this.send('Input.dispatchKeyEvent', {
				type,
				key: 'Backspace',
				code: 'Backspace',
				windowsVirtualKeyCode: 8,
			});
		}
	}

	/** A real mouse click in the middle of the element. */
	async click(selector: string) {
		await this.mouseClicks(selector, 1);
	}

	async doubleClick(selector: string) {
		await this.mouseClicks(selector, 2);
	}

	private async mouseClicks(selector: string, clicks: number) {
		const box = await this.evaluate<{ x: number; y: number } | null>(
			`(() => { const element = document.querySelector(${JSON.stringify(selector)}); if (!element) return null; const rect = element.getBoundingClientRect(); return { x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 }; })()`,
		);
		if (!box) throw new Error(`Nothing to click at ${selector}`);
		await this.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x: box.x, y: box.y });
		for (let clickCount = 1; clickCount <= clicks; clickCount++) {
			for (const type of ['mousePressed', 'mouseReleased']) {
				await this.send('Input.dispatchMouseEvent', {
					type,
					x: box.x,
					y: box.y,
					button: 'left',
					clickCount,
				});
			}
		}
	}

	async screenshot(file: string) {
		const { data } = (await this.send('Page.captureScreenshot', { format: 'png' })) as {
			data: string;
		};
		writeFileSync(file, Buffer.from(data, 'base64'));
	}

	async close() {
		if (this.child.exitCode === null && this.child.signalCode === null) {
			const exited = new Promise((resolve) => this.child.once('exit', resolve));
			// Chromium may close the connection before it answers Browser.close.
			this.send('Browser.close').catch(() => undefined);
			const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
			await exited;
			clearTimeout(timer);
		}
		this.socket?.close();
		rmSync(this.userDataDir, { recursive: true, force: true });
	}
}

function sleep(ms: number) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
