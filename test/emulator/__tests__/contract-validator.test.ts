// The validator itself: it reads the whole document, closes objects without breaking unions
// and nullable fields, and reports what a real check must report.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';

import { startEmulator } from '..';
import { prepare, SPEC_PATH } from '../contract/spec';
import {
	findOperation,
	operations,
	validateRequest,
	validateResponse,
} from '../contract/validator';

const FILE = {
	id: '84c32fc6-4fb5-4e7a-b656-b5ec70493753',
	filename: 'a.mp3',
	size: 1,
	created_at: '2024-11-26T00:00:00Z',
};
const ERROR = {
	status_code: 401,
	error_type: 'unauthenticated',
	message: 'No.',
	validation_errors: [],
	request_id: 'r',
};

it('holds the unchanged document: 26 operations on 20 paths', () => {
	const sha = createHash('sha256').update(readFileSync(SPEC_PATH)).digest('hex');
	expect(sha).toBe('a64187561836f3c10fb6c801cc8b57f1b4048156a03a8a57c24ab1b064d4543e');
	expect(operations()).toHaveLength(26);
	expect(new Set(operations().map((operation) => operation.path)).size).toBe(20);
	expect(findOperation('GET', '/v1/files/count')?.id).toBe('get_files_count');
	expect(findOperation('GET', `/v1/files/${FILE.id}`)?.id).toBe('get_file');
});

it('fails an undocumented property at any depth, and accepts documented nulls', () => {
	expect(validateResponse('get_files', 200, { files: [FILE], next_page_cursor: null })).toEqual([]);
	expect(validateResponse('get_files', 200, { files: [{ ...FILE, url: 'x' }] })).toEqual([
		'get_files 200: body.files.0.url: Extra inputs are not permitted (extra_forbidden)',
	]);
	expect(validateResponse('get_file', 200, { ...FILE, client_reference_id: null })).toEqual([]);
	expect(validateResponse('get_file', 200, { ...FILE, size: '1' })).toEqual([
		'get_file 200: body.size: Input should be a valid integer (int_type)',
	]);
});

it('closes objects inside a multi-member allOf on the parent, so members still combine', () => {
	const closed = prepare({
		allOf: [
			{ type: 'object', properties: { a: { type: 'string' } } },
			{ type: 'object', properties: { b: { type: 'string' } } },
		],
	}) as { allOf: Array<Record<string, unknown>>; unevaluatedProperties: boolean };
	expect(closed.allOf.map((member) => member.additionalProperties)).toEqual([undefined, undefined]);
	expect(closed.unevaluatedProperties).toBe(false);
	expect(prepare({ type: ['object', 'null'], properties: {} })).toMatchObject({
		additionalProperties: false,
	});
});

it('checks statuses, media types and error types against the operation', () => {
	expect(validateResponse('get_models', 429, { ...ERROR, status_code: 429 })[0]).toMatch(
		/status 429 is not documented/,
	);
	expect(validateResponse('generate_tts', 200, undefined, 'audio/wav')[0]).toMatch(
		/media type audio\/wav/,
	);
	expect(
		validateResponse('get_files', 401, { ...ERROR, error_type: 'permission_denied' })[0],
	).toMatch(/error_type permission_denied is not documented \(unauthenticated\)/);
	expect(validateResponse('delete_file', 204, undefined)).toEqual([]);
	expect(validateResponse('get_files', 401, ERROR)).toEqual([]);
});

it('reads query values as the API does and reports problems where Soniox puts them', () => {
	const shared = validateRequest(
		'GET',
		'/v1/shared-voices',
		new URLSearchParams('model=m&use_case=a,b&use_case=c&sort=x'),
	);
	expect(shared.problems).toEqual([]);
	const bad = validateRequest(
		'GET',
		'/v1/usage-logs',
		new URLSearchParams('start_time=a&sort=newest&limit=ten'),
	);
	expect(bad.problems.map((problem) => `${problem.location} ${problem.error_type}`).sort()).toEqual(
		['query.end_time missing', 'query.limit int_parsing', 'query.sort enum'],
	);
	const body = validateRequest(
		'POST',
		'/v1/transcriptions',
		{},
		{ model: 'm', context: 'text', translation: { type: 'one_way', target_language: null } },
	);
	expect(body.problems).toEqual([]);
	const path = validateRequest('GET', '/v1/voices/not-a-uuid', {});
	expect(path.pathProblems).toEqual([
		{
			error_type: 'uuid_parsing',
			location: 'path.voice_id',
			message: 'Input should be a valid UUID',
		},
	]);
});

it('serves the violations on the control endpoint too, for tests that run it as a process', async () => {
	const emulator = await startEmulator();
	try {
		await fetch(`${emulator.baseUrl}/v1/files?limit=0`, {
			headers: { Authorization: `Bearer ${emulator.apiKey}` },
		});
		const served = (await (
			await fetch(`${emulator.baseUrl}/_emulator/contract-violations`)
		).json()) as {
			violations: unknown[];
		};
		expect(served.violations).toEqual(emulator.contractViolations());
		expect(served.violations).toEqual([
			{
				method: 'GET',
				path: '/v1/files',
				problem: expect.stringMatching(/^request query\.limit: .*greater_than_equal/),
			},
		]);
	} finally {
		await emulator.close();
	}
});
