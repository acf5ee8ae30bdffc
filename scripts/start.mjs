// `npm start`: this package in a real n8n, ready to click through.
//
// Builds and packs the package, starts the Soniox emulator (or uses the real Soniox when
// SONIOX_API_KEY is set), installs the tarball as a community package into a kept n8n user
// folder, creates the Soniox credential, imports the example workflows, starts n8n, creates
// the owner account and prints where to log in. Ctrl-C stops everything it started.
//
//   N8N_PORT              editor port (default 5678)
//   SONIOX_EMULATOR_PORT  emulator port (default 7700)
//   SONIOX_API_KEY        use the real Soniox with this key instead of the emulator
//   SONIOX_REGION         us | eu | jp | in (default us), with SONIOX_API_KEY
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { cacheDir, n8nBinary, node24 } from './lib/runtime.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// The emulator and the n8n helpers are TypeScript that wants Node.js 24's globals: run there.
if (Number(process.versions.node.split('.')[0]) < 24) {
	const child = spawn(node24(), [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
		stdio: 'inherit',
	});
	// Ctrl-C reaches the whole process group; the child does the stopping, this one waits.
	for (const signal of ['SIGINT', 'SIGTERM']) {
		process.on(signal, () => child.kill(signal));
	}
	child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
	stopWhenOrphaned(() => child.kill('SIGTERM'));
} else {
	await main();
}

/** npm may exit on SIGTERM without passing it on: stop too when the parent goes away. */
function stopWhenOrphaned(stop) {
	const parent = process.ppid;
	setInterval(() => {
		if (process.ppid !== parent) stop();
	}, 1000).unref();
}

function say(line = '') {
	process.stdout.write(`${line}\n`);
}

function step(what) {
	process.stdout.write(`• ${what}\n`);
}

async function main() {
	const port = Number(process.env.N8N_PORT || 5678);
	const emulatorPort = Number(process.env.SONIOX_EMULATOR_PORT || 7700);
	const realKey = process.env.SONIOX_API_KEY?.trim();
	const region = (process.env.SONIOX_REGION || 'us').toLowerCase();
	if (realKey && !['us', 'eu', 'jp', 'in'].includes(region)) {
		throw new Error(`SONIOX_REGION must be us, eu, jp or in, not "${region}"`);
	}
	const owner = {
		email: process.env.N8N_DEMO_EMAIL || 'demo@example.com',
		password: process.env.N8N_DEMO_PASSWORD || 'Soniox-Demo-2026',
		firstName: 'Demo',
		lastName: 'User',
	};

	step('building the package');
	const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
	if (build.status !== 0) {
		process.stderr.write(`${build.stdout}${build.stderr}`);
		throw new Error('npm run build failed');
	}
	step('preparing Node.js 24 and n8n in the cache (the first time takes a few minutes)');
	n8nBinary();

	const { tsImport } = await import('tsx/esm/api');
	const load = async (file) => {
		const module = await tsImport(join(ROOT, file), import.meta.url);
		// A CommonJS module comes back as its exports object, or wrapped in `default`.
		return Object.keys(module).length === 1 && module.default ? module.default : module;
	};
	const { N8nInstance } = await load('test/e2e/n8n.ts');
	const { ENDPOINT_SECRET, EXAMPLE_CREDENTIAL, emulatorCredentialData, endpointSecretCredential } =
		await load('test/e2e/workflows.ts');

	const started = [];
	let stopping = false;
	const stopAll = async (code) => {
		if (stopping) return;
		stopping = true;
		say('\nStopping…');
		for (const stop of started.reverse()) {
			await stop().catch((error) => process.stderr.write(`${error.message}\n`));
		}
		process.exit(code);
	};
	process.on('SIGINT', () => void stopAll(0));
	process.on('SIGTERM', () => void stopAll(0));
	stopWhenOrphaned(() => void stopAll(0));

	try {
		let credentialData;
		let emulator;
		if (realKey) {
			step(`using the real Soniox API (region ${region})`);
			credentialData = { apiKey: realKey, region };
		} else {
			step(`starting the Soniox emulator on port ${emulatorPort}`);
			const { startEmulator } = await load('test/emulator/index.ts');
			emulator = await startEmulator({ port: emulatorPort });
			started.push(() => emulator.close());
			const now = Date.now();
			await emulator.seedUsage({
				count: 3000,
				clients: 12,
				start: now - 40 * 86_400_000,
				end: now,
				seed: 7,
			});
			credentialData = emulatorCredentialData(emulator);
		}

		const userFolder = join(cacheDir(), 'n8n-user');
		mkdirSync(userFolder, { recursive: true });
		step(`installing the freshly packed package into ${join(userFolder, '.n8n', 'nodes')}`);
		// No fixed encryption key: n8n creates one in the user folder and keeps it there.
		const n8n = await N8nInstance.create({ userFolder, encryptionKey: null });

		step('creating the Soniox credential and the temporary-key endpoint secret');
		// A new secret each start: only whoever reads this terminal can call the endpoint.
		const endpointSecret = randomBytes(24).toString('base64url');
		await n8n.importCredentials([
			{
				id: EXAMPLE_CREDENTIAL.id,
				name: EXAMPLE_CREDENTIAL.name,
				type: 'sonioxSuiteApi',
				data: credentialData,
			},
			endpointSecretCredential(endpointSecret),
		]);

		const examples = readdirSync(join(ROOT, 'examples'))
			.filter((file) => file.endsWith('.json'))
			.sort()
			.map((file) => JSON.parse(readFileSync(join(ROOT, 'examples', file), 'utf8')));
		step(`importing ${examples.length} example workflows`);
		if (examples.length) await n8n.importWorkflow(examples);
		// Webhook examples answer right away once active; scheduled ones wait for you to set
		// their Slack URL and activate them.
		const webhookExamples = examples.filter((workflow) =>
			workflow.nodes.some((node) => node.type === 'n8n-nodes-base.webhook'),
		);
		for (const workflow of webhookExamples) await n8n.publishWorkflow(workflow.id);

		step(`starting n8n on port ${port}`);
		const log = join(userFolder, 'n8n.log');
		const server = await n8n.start({ port, logFile: log });
		started.push(() => server.stop());
		server.process.on('exit', (code) => {
			if (stopping) return;
			process.stderr.write(`n8n exited (${code}); its log: ${log}\n`);
			void stopAll(1);
		});
		await server.setupOwner(owner);

		say('');
		say(`n8n is running with n8n-nodes-soniox-suite installed.`);
		say('');
		say(`  Editor:    ${server.url}`);
		say(`  Login:     ${owner.email}`);
		say(`  Password:  ${owner.password}`);
		say('');
		if (emulator) {
			say(`  Soniox:    the emulator at ${emulator.urls.api} (key ${emulator.apiKey}),`);
			say('             with 40 days of made-up usage for 12 customers');
		} else {
			say(`  Soniox:    the real API, region ${region} (the key from SONIOX_API_KEY)`);
		}
		say(`  Credential: "${EXAMPLE_CREDENTIAL.name}"`);
		say(`  Workflows: ${examples.map((workflow) => workflow.name).join('\n             ')}`);
		for (const workflow of webhookExamples) {
			for (const node of workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.webhook')) {
				say(
					`  Webhook:   ${node.parameters.httpMethod ?? 'GET'} ${server.url}/webhook/${node.parameters.path}`,
				);
				if (node.parameters.authentication === 'headerAuth') {
					say(
						`             curl -X POST ${server.url}/webhook/${node.parameters.path} -H '${ENDPOINT_SECRET.header}: ${endpointSecret}' -H 'content-type: application/json' -d '{"user_id": "user_42"}'`,
					);
				}
			}
		}
		say(`  n8n log:   ${log}`);
		say('');
		say('Press Ctrl-C to stop.');
	} catch (error) {
		process.stderr.write(`\nnpm start failed: ${error.message}\n`);
		await stopAll(1);
	}
}
