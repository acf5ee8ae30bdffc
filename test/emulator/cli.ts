// `npm run emulator -- --port 7700 [--host 127.0.0.1] [--api-key K] [--lag-ms N]
//  [--seed-usage N] [--seed S]`: a standalone emulator that stays up until Ctrl-C.
import { parseArgs } from 'node:util';

import { CONTROL_PREFIX } from './control';
import { DEFAULT_API_KEY, startEmulator } from './index';

const USAGE =
	'Usage: npm run emulator -- [--port 7700] [--host 127.0.0.1] [--api-key KEY] [--lag-ms 0] [--seed-usage 0] [--seed 1]';

function wholeNumber(name: string, text: string | undefined, fallback: number) {
	if (text === undefined) return fallback;
	const value = Number(text);
	if (!Number.isInteger(value) || value < 0) {
		console.error(`--${name} must be a whole number, not "${text}".\n${USAGE}`);
		process.exit(2);
	}
	return value;
}

async function main() {
	let values;
	try {
		({ values } = parseArgs({
			options: {
				port: { type: 'string' },
				host: { type: 'string', default: '127.0.0.1' },
				'api-key': { type: 'string' },
				'lag-ms': { type: 'string' },
				'seed-usage': { type: 'string' },
				seed: { type: 'string' },
				help: { type: 'boolean', short: 'h' },
			},
		}));
	} catch (error) {
		console.error(`${(error as Error).message}\n${USAGE}`);
		process.exit(2);
	}
	if (values.help) {
		console.log(USAGE);
		return;
	}
	const seed = wholeNumber('seed', values.seed, 1);
	const seeded = wholeNumber('seed-usage', values['seed-usage'], 0);
	const emulator = await startEmulator({
		port: wholeNumber('port', values.port, 7700),
		host: values.host,
		apiKeys: [values['api-key'] || DEFAULT_API_KEY],
		ingestionLagMs: wholeNumber('lag-ms', values['lag-ms'], 0),
		seed,
	}).catch((error: Error) => {
		console.error(`The emulator could not start: ${error.message}`);
		process.exit(1);
	});
	if (seeded > 0) await emulator.seedUsage({ count: seeded });
	console.log(
		[
			'Soniox emulator ready',
			`  REST API:            ${emulator.urls.api}`,
			`  Real-time STT:       ${emulator.urls.sttWebSocket}`,
			`  Text-to-speech REST: ${emulator.urls.ttsRest}/tts`,
			`  Text-to-speech WS:   ${emulator.urls.ttsWebSocket}`,
			`  Control endpoint:    ${emulator.baseUrl}${CONTROL_PREFIX}`,
			`  API key:             ${emulator.apiKey}`,
			seeded > 0 ? `  Seeded usage entries: ${seeded} (seed ${seed}, last 7 days)` : '',
			'Press Ctrl-C to stop.',
		]
			.filter(Boolean)
			.join('\n'),
	);
	const stop = async () => {
		await emulator.close();
		process.exit(0);
	};
	process.once('SIGINT', () => void stop());
	process.once('SIGTERM', () => void stop());
}

void main();
