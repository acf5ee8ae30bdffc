// `npm run emulator -- --port 7700 [--api-key K] [--lag-ms N] [--seed-usage N] [--seed S]`
import { parseArgs } from 'node:util';

import { CONTROL_PREFIX } from './control';
import { DEFAULT_API_KEY, startEmulator } from './index';

const { values } = parseArgs({
	options: {
		port: { type: 'string', default: '7700' },
		host: { type: 'string', default: '127.0.0.1' },
		'api-key': { type: 'string', default: DEFAULT_API_KEY },
		'lag-ms': { type: 'string', default: '0' },
		'seed-usage': { type: 'string', default: '0' },
		seed: { type: 'string', default: '1' },
	},
});

async function main() {
	const emulator = await startEmulator({
		port: Number(values.port),
		host: values.host,
		apiKeys: [values['api-key'] as string],
		ingestionLagMs: Number(values['lag-ms']),
	});
	const seeded = Number(values['seed-usage']);
	if (seeded > 0) await emulator.seedUsage({ count: seeded, seed: Number(values.seed) });
	console.log(
		[
			'Soniox emulator ready',
			`  REST API:            ${emulator.urls.api}`,
			`  Real-time STT:       ${emulator.urls.sttWebSocket}`,
			`  Text-to-speech REST: ${emulator.urls.ttsRest}/tts`,
			`  Text-to-speech WS:   ${emulator.urls.ttsWebSocket}`,
			`  Control endpoint:    ${emulator.baseUrl}${CONTROL_PREFIX}`,
			`  API key:             ${emulator.apiKey}`,
			seeded > 0 ? `  Seeded usage entries: ${seeded}` : '',
			'Press Ctrl-C to stop.',
		]
			.filter(Boolean)
			.join('\n'),
	);
	const stop = async () => {
		await emulator.close();
		process.exit(0);
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
}

void main();
