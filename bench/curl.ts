// curl in a child process, the baseline of the transfer benchmarks.
import { spawn, spawnSync } from 'node:child_process';

export function requireCurl() {
	if (spawnSync('sh', ['-c', 'command -v curl']).status !== 0)
		throw new Error('This benchmark compares against curl, which is not installed');
}

/** Runs `curl -sS --fail-with-body ...args` and resolves with what it printed. */
export function curl(args: string[]): Promise<string> {
	return new Promise((resolve, reject) => {
		const child = spawn('curl', ['-sS', '--fail-with-body', ...args], {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let printed = '';
		let errors = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (printed += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
		child.once('error', reject);
		child.once('close', (code) => {
			if (code === 0) resolve(printed);
			else reject(new Error(`curl exited with ${code}: ${errors}${printed}`));
		});
	});
}
