import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';

import { invalid, notFound, problem } from '../errors';
import { intParam, reply, requireRestAuth, type Router } from '../http';
import { readMultipart } from '../multipart';
import { publicFile } from '../records';
import type { EmulatorState } from '../state';
import { CLIENT_REFERENCE_ID_MAX } from '../validation';

export function registerFileRoutes(router: Router, state: EmulatorState) {
	router.add('POST', '/v1/files', async ({ req }) => {
		requireRestAuth(state, req);
		const { fields, files } = await readMultipart(
			req,
			state.config.storageDir,
			state.config.maxUploadBytes,
		);
		const upload = files.find((file) => file.field === 'file');
		const discard = () => files.forEach((file) => rmSync(file.path, { force: true }));
		if (!upload) {
			discard();
			throw invalid(problem('file.file', 'Field required', 'missing'));
		}
		const clientReferenceId = fields.client_reference_id || null;
		if (clientReferenceId && clientReferenceId.length > CLIENT_REFERENCE_ID_MAX) {
			discard();
			throw invalid(
				problem(
					'file.client_reference_id',
					`String should have at most ${CLIENT_REFERENCE_ID_MAX} characters`,
					'string_too_long',
				),
			);
		}
		const file = state.files.add({
			id: randomUUID(),
			filename: upload.fileName || 'file',
			size: upload.size,
			created_at: new Date(state.now()).toISOString(),
			client_reference_id: clientReferenceId,
			path: upload.path,
		});
		return reply(201, publicFile(file));
	});

	router.add('GET', '/v1/files', ({ req, query }) => {
		requireRestAuth(state, req);
		const page = state.files.page(intParam(query, 'limit', 1, 1000, 1000), query.get('cursor'));
		return { files: page.items.map(publicFile), next_page_cursor: page.nextCursor };
	});

	router.add('GET', '/v1/files/count', ({ req }) => {
		requireRestAuth(state, req);
		return { total: state.files.size, public_api: state.files.size, playground: 0 };
	});

	router.add('GET', '/v1/files/:id', ({ req, params }) => {
		requireRestAuth(state, req);
		const file = state.files.get(params.id);
		if (!file) throw notFound.file();
		return publicFile(file);
	});

	router.add('DELETE', '/v1/files/:id', ({ req, params }) => {
		requireRestAuth(state, req);
		const file = state.files.get(params.id);
		if (!file) throw notFound.file();
		state.files.delete(file.id);
		rmSync(file.path, { force: true });
		return reply(204);
	});
}
