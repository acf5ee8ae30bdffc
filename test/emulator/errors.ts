// Soniox's REST error envelope, in one place: status codes, error types and messages.
import { randomUUID } from 'node:crypto';

/** The error type of a 429. The contract calls it rate_limited once; the API sends this. */
export const RATE_LIMIT_ERROR_TYPE = 'limit_exceeded';

export interface ValidationProblem {
	error_type: string;
	location: string;
	message: string;
}

export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly errorType: string,
		message: string,
		readonly validationErrors: ValidationProblem[] = [],
		readonly headers: Record<string, string> = {},
	) {
		super(message);
	}

	body(requestId: string = randomUUID()) {
		return {
			status_code: this.status,
			error_type: this.errorType,
			message: this.message,
			validation_errors: this.validationErrors,
			request_id: requestId,
			more_info: `https://soniox.com/docs/api-reference/errors#${this.errorType.replace(/_/g, '-')}`,
		};
	}
}

const VALIDATION_MESSAGE =
	'Your request did not pass validation. One or more fields in the request body are missing or have invalid values. See `validation_errors` for the specific field and retry with corrected values.';

export function invalid(...problems: ValidationProblem[]) {
	return new ApiError(400, 'invalid_request', VALIDATION_MESSAGE, problems);
}

export function problem(location: string, message: string, errorType = 'value_error') {
	return { error_type: errorType, location, message };
}

export function invalidCursor() {
	return new ApiError(
		400,
		'invalid_cursor',
		'The `cursor` parameter is invalid. Omit `cursor` to start pagination from the beginning.',
	);
}

export const notFound = {
	file: () =>
		new ApiError(
			404,
			'file_not_found',
			'No file with this ID exists in your project. The file may have been deleted, the ID may be incorrect, or the file may belong to a different project. Verify the ID by listing files with GET /files.',
		),
	transcription: () =>
		new ApiError(
			404,
			'transcription_not_found',
			'No transcription with this ID exists in your project. It may have been deleted, the ID may be incorrect, or the transcription may belong to a different project. Verify the ID by listing transcriptions with GET /transcriptions.',
		),
	voice: () =>
		new ApiError(404, 'voice_not_found', 'No voice with this ID exists in your project.'),
	route: (method: string, path: string) =>
		new ApiError(404, 'not_found', `No route ${method} ${path}.`),
};

export function methodNotAllowed(method: string, allowed: string[]) {
	return new ApiError(405, 'method_not_allowed', `Method ${method} is not allowed here.`, [], {
		Allow: allowed.join(', '),
	});
}

export function conflict(errorType: string, message: string) {
	return new ApiError(409, errorType, message);
}

export function unauthenticated(message: string) {
	return new ApiError(401, 'unauthenticated', message);
}

export function internalError() {
	return new ApiError(
		500,
		'internal_error',
		'The server encountered an error. Please try again. If the issue persists contact support@soniox.com.',
	);
}

export function rateLimited(message: string, retryAfterSeconds?: number) {
	return new ApiError(
		429,
		RATE_LIMIT_ERROR_TYPE,
		message,
		[],
		retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) },
	);
}
