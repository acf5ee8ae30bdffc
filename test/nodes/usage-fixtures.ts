// A usage-log entry as Soniox sends it, for the usage tests: override what a test is about.
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { UsageLogEntry } from '../../nodes/Soniox/v1/helpers/usageLogEntry';

export function usageEntry(overrides: Partial<UsageLogEntry> = {}): UsageLogEntry {
	return {
		uuid: 'u',
		request_scope: 'api',
		client_reference_id: 'customer_1',
		model: 'stt-async-v4',
		start_time: '2026-11-24T09:00:00Z',
		end_time: '2026-11-24T09:03:10Z',
		input_text_tokens: 0,
		input_audio_tokens: 2850,
		input_audio_duration_ms: 190_000,
		output_text_tokens: 512,
		output_audio_tokens: 0,
		output_audio_duration_ms: 0,
		cost_usd: '0.0063330000',
		input_cost_usd: '0.0060000000',
		input_text_cost_usd: '0.0000000000',
		input_audio_cost_usd: '0.0060000000',
		output_cost_usd: '0.0003330000',
		output_text_cost_usd: '0.0003330000',
		output_audio_cost_usd: '0.0000000000',
		...overrides,
	};
}

/**
 * A loopback proxy in front of the emulator that rewrites the JSON of usage-log pages, for
 * data the emulator never produces (a malformed cost from Soniox). `rewrite` gets each page
 * and returns it, changed or not.
 */
export async function startUsageRewritingProxy(
	target: string,
	rewrite: (page: { usage_logs: UsageLogEntry[] }) => { usage_logs: UsageLogEntry[] },
): Promise<{ url: string; close: () => Promise<void> }> {
	const upstream = new URL(target);
	const server = createServer((req, res) => {
		const forward = httpRequest(
			{
				host: upstream.hostname,
				port: upstream.port,
				method: req.method,
				path: req.url,
				headers: { ...req.headers, host: upstream.host, 'accept-encoding': 'identity' },
			},
			(answer) => {
				const chunks: Buffer[] = [];
				answer.on('data', (chunk: Buffer) => chunks.push(chunk));
				answer.on('end', () => {
					let body = Buffer.concat(chunks);
					if (answer.statusCode === 200 && req.url?.startsWith('/v1/usage-logs')) {
						const page = JSON.parse(body.toString('utf8')) as { usage_logs: UsageLogEntry[] };
						body = Buffer.from(JSON.stringify(rewrite(page)));
					}
					const headers = { ...answer.headers, 'content-length': String(body.length) };
					delete headers['transfer-encoding'];
					res.writeHead(answer.statusCode ?? 502, headers);
					res.end(body);
				});
				answer.on('error', () => res.destroy());
			},
		);
		forward.on('error', () => res.destroy());
		req.pipe(forward);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
