// The emulator in a child process, so that a benchmark's memory readings measure the client
// alone (the emulator builds every page it serves) and the two do not share an event loop.
// Driven through its control endpoint (test/emulator/README.md).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

import { DEFAULT_API_KEY } from '../test/emulator';

const root = join(__dirname, '..');

export interface EmulatorProcess {
	baseUrl: string;
	apiKey: string;
	urls: { api: string; sttWebSocket: string; ttsRest: string; ttsWebSocket: string };
	/** Calls the control endpoint (`/_emulator/...`) and returns its JSON answer, if any. */
	control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
	close(): Promise<void>;
}

export async function startEmulatorProcess(): Promise<EmulatorProcess> {
	// One process (tsx as a loader, not its CLI, which would start another), so that killing it
	// stops the emulator; and killed when the benchmark exits without closing it, e.g. on a crash.
	const child = spawn(
		process.execPath,
		['--import', 'tsx', join(root, 'test', 'emulator', 'cli.ts'), '--port', '0'],
		{ cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
	);
	const killOnExit = () => child.kill();
	process.once('exit', killOnExit);
	child.once('exit', () => process.off('exit', killOnExit));
	const printed = await readUntilReady(child);
	const field = (label: string) => {
		const match = new RegExp(`${label}:\\s+(\\S+)`).exec(printed);
		if (!match) throw new Error(`The emulator did not print its ${label}:\n${printed}`);
		return match[1];
	};
	const baseUrl = field('REST API');
	const control = async <T>(method: string, path: string, body?: unknown) => {
		const response = await fetch(`${baseUrl}/_emulator${path}`, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`${method} /_emulator${path}: ${response.status} ${text}`);
		return (text ? JSON.parse(text) : undefined) as T;
	};
	return {
		baseUrl,
		apiKey: field('API key') || DEFAULT_API_KEY,
		urls: {
			api: baseUrl,
			sttWebSocket: field('Real-time STT'),
			ttsRest: field('Text-to-speech REST').replace(/\/tts$/, ''),
			ttsWebSocket: field('Text-to-speech WS'),
		},
		control,
		close: async () => {
			if (child.exitCode !== null) return;
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await exited;
		},
	};
}

function readUntilReady(child: ChildProcess): Promise<string> {
	return new Promise((resolve, reject) => {
		let printed = '';
		child.stdout?.setEncoding('utf8');
		child.stdout?.on('data', (chunk: string) => {
			printed += chunk;
			if (printed.includes('Press Ctrl-C')) resolve(printed);
		});
		child.once('exit', (code) => reject(new Error(`The emulator exited (${code}):\n${printed}`)));
	});
}
