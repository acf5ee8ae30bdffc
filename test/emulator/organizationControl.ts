// The control endpoint's organization calls: budget, notification amount and balance, other
// projects and their usage per month. Documented in README.md beside this file.
import { randomUUID } from 'node:crypto';

import { invalid, problem } from './errors';
import { readJson, reply, type Router } from './http';
import { MONTH_PATTERN, type OrganizationSettings, type SeededUsage } from './organization';
import type { EmulatorState } from './state';

const AMOUNT = /^\d+(\.\d{1,10})?$/;
const fail = (message: string) => invalid(problem('body', message));

export function organizationSettingsProblems(body: Record<string, unknown>): string[] {
	const problems: string[] = [];
	for (const name of ['monthlyBudgetUsd', 'monthlyBudgetNotificationUsd'] as const) {
		const value = body[name];
		if (value !== undefined && value !== null && !(typeof value === 'string' && AMOUNT.test(value)))
			problems.push(`${name} must be null or an amount such as "100" or "12.50"`);
	}
	if (
		body.balanceUsd !== undefined &&
		!(typeof body.balanceUsd === 'string' && AMOUNT.test(body.balanceUsd))
	)
		problems.push('balanceUsd must be an amount such as "100" or "12.50"');
	if (body.invoiceBilling !== undefined && typeof body.invoiceBilling !== 'boolean')
		problems.push('invoiceBilling must be true or false');
	return problems;
}

export function seededUsageProblems(state: EmulatorState, usage: Partial<SeededUsage>): string[] {
	const problems: string[] = [];
	if (typeof usage.projectId !== 'string' || !state.organization.hasProject(usage.projectId))
		problems.push(
			'projectId must be the id of a project (add one with POST /_emulator/organization/projects)',
		);
	if (typeof usage.month !== 'string' || !MONTH_PATTERN.test(usage.month))
		problems.push('month must be YYYY-MM');
	if (typeof usage.usageUsd !== 'string' || !AMOUNT.test(usage.usageUsd))
		problems.push('usageUsd must be an amount such as "12.50"');
	if (usage.scope !== undefined && usage.scope !== 'api' && usage.scope !== 'playground')
		problems.push('scope must be "api" or "playground"');
	return problems;
}

export function registerOrganizationControl(router: Router, state: EmulatorState, prefix: string) {
	router.add('PATCH', `${prefix}/organization`, async ({ req }) => {
		const body = await readJson(req);
		const problems = organizationSettingsProblems(body);
		if (problems.length > 0) throw fail(problems.join('; '));
		state.organization.configure(body as OrganizationSettings);
		return reply(204);
	});

	router.add('POST', `${prefix}/organization/projects`, async ({ req }) => {
		const { name, id } = await readJson(req);
		if (typeof name !== 'string' || name === '') throw fail('name must be a non-empty string');
		return state.organization.addProject(name, typeof id === 'string' ? id : randomUUID());
	});

	router.add('POST', `${prefix}/organization/usage`, async ({ req }) => {
		const usage = (await readJson(req)) as Partial<SeededUsage>;
		const problems = seededUsageProblems(state, usage);
		if (problems.length > 0) throw fail(problems.join('; '));
		state.organization.addUsage(usage as SeededUsage);
		return reply(204);
	});
}
