// /v1/files: streamed multipart uploads to disk, newest-first lists, get, count, delete.
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';

import { invalid, notFound, problem } from '../errors';
import { intParam, reply, requireRestAuth, type Router } from '../http';
import { discardUploads, multipartFields, readMultipart } from '../multipart';
import { enforceQuota } from '../quotas';
import { publicFile } from '../records';
import type { EmulatorState } from '../state';
import { CLIENT_REFERENCE_ID_MAX } from '../validation';

const MAX_FILENAME_LENGTH = 256;

export function registerFileRoutes(router: Router, state: EmulatorState) {
	router.add('POST', '/v1/files', async ({ req, query }) => {
		requireRestAuth(state, req);
		const body = await readMultipart(req, state.config.storageDir, state.config.maxUploadBytes);
		const refused = state.contract.checkRequest('POST', '/v1/files', query, multipartFields(body));
		if (refused.length > 0) {
			discardUploads(body);
			throw invalid(...refused);
		}
		const upload = body.files.find((file) => file.field === 'file');
		const clientReferenceId = body.fields.client_reference_id || null;
		const problems = [];
		if (!upload) problems.push(problem('file.file', 'Field required', 'missing'));
		if (upload && upload.fileName.length > MAX_FILENAME_LENGTH) {
			problems.push(
				problem(
					'file.file',
					`Filename should have at most ${MAX_FILENAME_LENGTH} characters`,
					'string_too_long',
				),
			);
		}
		if (clientReferenceId && clientReferenceId.length > CLIENT_REFERENCE_ID_MAX) {
			problems.push(
				problem(
					'file.client_reference_id',
					`String should have at most ${CLIENT_REFERENCE_ID_MAX} characters`,
					'string_too_long',
				),
			);
		}
		if (problems.length > 0 || !upload) {
			discardUploads(body);
			throw invalid(...problems);
		}
		try {
			enforceQuota(state.config, 'files', state.files.size + 1);
			const stored = state.files.values().reduce((total, file) => total + file.size, 0);
			enforceQuota(state.config, 'storageBytes', stored + upload.size);
		} catch (error) {
			discardUploads(body);
			throw error;
		}
		discardUploads(body, upload);
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
		// A transcription that has not read the file yet then fails with file_not_found (spec).
		state.files.delete(file.id);
		rmSync(file.path, { force: true });
		return reply(204);
	});
}
