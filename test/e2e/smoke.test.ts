import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { chainWorkflow, N8nInstance, sonioxCredential } from './n8n';

jest.setTimeout(600_000);

let n8n: N8nInstance;
let server: Server;
let baseUrl: string;
const authorizations: string[] = [];

beforeAll(async () => {
	server = createServer((req, res) => {
		authorizations.push(String(req.headers.authorization));
		res.setHeader('content-type', 'application/json');
		res.end(
			JSON.stringify({
				models: [{ id: 'stt-async-v5', transcription_mode: 'async', name: 'Async' }],
			}),
		);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	n8n = await N8nInstance.create();
});

afterAll(async () => {
	server?.close();
	n8n?.remove();
});

test('the packed package runs Model → Get Many in a real n8n', async () => {
	const credential = sonioxCredential({
		apiKey: 'e2e-key',
		region: 'custom',
		baseDomain: 'x',
		restUrl: baseUrl,
	});
	await n8n.importCredentials([credential]);
	await n8n.importWorkflow(
		chainWorkflow('smokeModels', [
			{
				name: 'Soniox',
				type: 'n8n-nodes-soniox-suite.soniox',
				parameters: { resource: 'model', operation: 'getMany', modelType: 'stt', returnAll: true },
				credentials: { sonioxApi: { id: credential.id, name: credential.name } },
			},
		]),
	);
	const run = await n8n.execute('smokeModels');
	console.log(JSON.stringify(run).slice(0, 2000));
	expect(N8nInstance.items(run, 'Soniox')).toEqual([
		{ id: 'stt-async-v5', transcription_mode: 'async', name: 'Async' },
	]);
	expect(authorizations).toEqual(['Bearer e2e-key']);
});
