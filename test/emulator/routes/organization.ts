// The Organization API (/v1/organization/...): not in the OpenAPI document. Paths and fields
// from Soniox's Organization API guide where it gives them; the rest is ours (README.md).
import { ApiError, invalid, problem } from '../errors';
import type { RouteRequest, Router } from '../http';
import { MONTH_PATTERN, monthOf } from '../organization';
import type { EmulatorState } from '../state';

export const ORGANIZATION_PREFIX = '/v1/organization';

export function registerOrganizationRoutes(router: Router, state: EmulatorState) {
	const authorized = (handler: (query: URLSearchParams) => unknown) => {
		return ({ req, query }: RouteRequest) => {
			const outcome = state.keys.authenticateOrganization(req.headers.authorization);
			if (!outcome.ok) throw new ApiError(outcome.status, outcome.errorType, outcome.message);
			return handler(query);
		};
	};

	router.add(
		'GET',
		ORGANIZATION_PREFIX,
		authorized(() => state.organization.profile()),
	);
	router.add(
		'GET',
		`${ORGANIZATION_PREFIX}/projects`,
		authorized(() => state.organization.projectList()),
	);
	router.add(
		'GET',
		`${ORGANIZATION_PREFIX}/limits`,
		authorized(() => state.organization.limits()),
	);
	router.add(
		'GET',
		`${ORGANIZATION_PREFIX}/balance`,
		authorized(() => state.organization.balance()),
	);
	router.add(
		'GET',
		`${ORGANIZATION_PREFIX}/usage/monthly`,
		authorized((query) => {
			const month = query.get('month') ?? monthOf(state.now());
			if (!MONTH_PATTERN.test(month)) {
				throw invalid(
					problem(
						'query.month',
						'Input should be a month in the form YYYY-MM',
						'string_pattern_mismatch',
					),
				);
			}
			return state.organization.monthlyUsage(month);
		}),
	);
}
