// What the emulator did that Soniox's spec does not allow: requests it refused because they
// break the request schema, and responses of its own that do not validate. Tests assert the
// list is empty (`emulator.contractViolations()`).
import { isKeyKindRefusal, isOrganizationPath, validateOrganizationResponse } from './organization';
import type { ContractProblem } from './problems';
import { findOperation, validateRequest, validateResponse } from './validator';

export interface ContractViolation {
	method: string;
	path: string;
	problem: string;
}

/** Most violations remembered; a run that makes more has a bug to fix, not to count. */
const MAX_VIOLATIONS = 10_000;

const describe = (problem: ContractProblem) =>
	`request ${problem.location}: ${problem.message} (${problem.error_type})`;

export class ContractMonitor {
	private readonly list: ContractViolation[] = [];

	violations(): ContractViolation[] {
		return [...this.list];
	}

	record(method: string, path: string, problem: string) {
		if (this.list.length < MAX_VIOLATIONS) this.list.push({ method, path, problem });
	}

	recordProblems(method: string, path: string, problems: ContractProblem[]) {
		for (const problem of problems) this.record(method, path, describe(problem));
	}

	/** Checks a request; records and returns the query and body problems (the API's 400s). */
	checkRequest(
		method: string,
		path: string,
		query: URLSearchParams,
		body?: unknown,
		contentType?: string,
	) {
		const check = validateRequest(method, path, query, body, contentType);
		// A malformed id in the path is answered as an unknown id: recorded, not refused here.
		this.recordProblems(method, path, [...check.pathProblems, ...check.problems]);
		return check.problems;
	}

	checkResponse(method: string, path: string, status: number, body: unknown, contentType?: string) {
		if (isOrganizationPath(path) && method === 'GET') {
			for (const problem of validateOrganizationResponse(path, status, body))
				this.record(method, path, `response ${problem}`);
			return;
		}
		if (isKeyKindRefusal(status, body)) return;
		if (!findOperation(method, path)) {
			this.record(method, path, 'not an operation of the OpenAPI document');
			return;
		}
		for (const problem of validateResponse(`${method} ${path}`, status, body, contentType))
			this.record(method, path, `response ${problem}`);
	}

	clear() {
		this.list.length = 0;
	}
}
