// Runs a command so that it cannot outlive whoever started it:
//
//   node child-guard.mjs <command> [args…]
//
// The command runs in its own process group with this process's stdout and stderr. It is
// stopped (SIGTERM, then SIGKILL after a grace period) when this process gets SIGTERM or
// SIGINT, and also when its stdin closes, which happens when the parent dies, however it
// dies (a killed test worker, a crashed `npm start`). This process exits with the command.
// SIGUSR2 kills the command's whole group at once, as a crash would (for tests).
import { spawn } from 'node:child_process';

const GRACE_MS = Number(process.env.CHILD_GUARD_GRACE_MS || 15_000);
const [command, ...args] = process.argv.slice(2);

const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'], detached: true });

let stopping = false;
function stop(graceMs) {
	if (stopping || child.exitCode !== null || child.signalCode !== null) return;
	stopping = true;
	child.kill('SIGTERM');
	setTimeout(killGroup, graceMs).unref();
}

// The whole group: the command's own children (n8n's task runner) too.
function killGroup() {
	try {
		process.kill(-child.pid, 'SIGKILL');
	} catch {
		child.kill('SIGKILL');
	}
}

process.on('SIGTERM', () => stop(GRACE_MS));
process.on('SIGINT', () => stop(GRACE_MS));
process.on('SIGUSR2', () => {
	stopping = true;
	killGroup();
});
// The parent is gone and nobody reads the output any more: no reason to wait long.
process.stdin.on('end', () => stop(3000));
process.stdin.on('error', () => stop(3000));
process.stdin.resume();

child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
child.on('error', (error) => {
	process.stderr.write(`child-guard: ${error.message}\n`);
	process.exit(1);
});
