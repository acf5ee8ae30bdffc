// What n8n's verification and npm's provenance check read: package.json's repository,
// homepage, bugs and author name one public GitHub repository and its owner, the package
// has no runtime dependencies, and the release workflow publishes from that repository with
// a provenance statement after checking that the tag is the package's version.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { parse } from 'yaml';

const ROOT = resolve(__dirname, '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

interface PackageJson {
	name: string;
	version: string;
	license: string;
	keywords: string[];
	homepage: string;
	bugs: { url: string };
	author: { name: string; email?: string; url?: string };
	repository: { type: string; url: string };
	dependencies?: Record<string, string>;
}

interface Step {
	name?: string;
	uses?: string;
	run?: string;
	env?: Record<string, string>;
	with?: Record<string, unknown>;
}

interface Job {
	needs?: string | string[];
	uses?: string;
	permissions?: Record<string, string>;
	steps?: Step[];
	container?: { image: string };
}

interface Workflow {
	on: Record<string, { tags?: string[]; branches?: string[] } | null>;
	permissions?: Record<string, string>;
	jobs: Record<string, Job>;
}

const pkg = JSON.parse(read('package.json')) as PackageJson;
const release = parse(read('.github/workflows/release.yml')) as Workflow;
const ci = parse(read('.github/workflows/ci.yml')) as Workflow;

// git+https://github.com/<owner>/<repository>.git, the form npm normalizes to.
const repositoryUrl = /^git\+https:\/\/github\.com\/([\w.-]+)\/([\w.-]+)\.git$/.exec(
	pkg.repository.url,
);
const [, owner, repository] = repositoryUrl ?? [];
const github = `https://github.com/${owner}/${repository}`;

describe('package.json', () => {
	test('names one GitHub repository in repository, homepage and bugs', () => {
		expect(pkg.repository.type).toBe('git');
		expect(repositoryUrl).not.toBeNull();
		expect(repository).toBe(pkg.name);
		expect(pkg.homepage).toBe(`${github}#readme`);
		expect(pkg.bugs.url).toBe(`${github}/issues`);
	});

	test("names the repository's owner as the author", () => {
		expect(pkg.author.name).toBe(owner);
		expect(pkg.author.url).toBe(`https://github.com/${owner}`);
	});

	test('is an MIT community node package without runtime dependencies', () => {
		expect(pkg.license).toBe('MIT');
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.name).toMatch(/^(@[\w-]+\/)?n8n-nodes-/);
		expect(pkg.dependencies ?? {}).toEqual({});
	});
});

describe('the release workflow', () => {
	const publishSteps = release.jobs.publish.steps ?? [];

	test('runs on a version tag and publishes with provenance from GitHub Actions', () => {
		expect(release.on.push?.tags).toEqual(['v*']);
		expect(release.jobs.publish.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
		const publish = publishSteps.filter((step) => /\bnpm publish\b/.test(step.run ?? ''));
		expect(publish.map((step) => step.run?.trim())).toEqual([
			'npm publish --provenance --access public',
		]);
		expect(publishSteps.some((step) => step.run?.trim() === 'npm run build')).toBe(true);
	});

	test('publishes only after the version check and the CI checks', () => {
		expect(release.jobs.checks.uses).toBe('./.github/workflows/ci.yml');
		expect(release.jobs.checks.needs).toBe('version');
		expect(release.jobs.publish.needs).toEqual(['version', 'checks']);
		expect(ci.on).toHaveProperty('workflow_call');
	});

	test("names this repository for npm's trusted publisher", () => {
		const text = read('.github/workflows/release.yml');
		expect(text).toContain(`owner \`${owner}\``);
		expect(text).toContain(`repository \`${repository}\``);
		expect(text).toContain('workflow `release.yml`');
	});
});

describe('CI', () => {
	test("runs the README's checks through .ci/run in Debian", () => {
		const steps = ci.jobs.checks.steps ?? [];
		expect(steps.map((step) => step.run).filter(Boolean)).toEqual(['.ci/run']);
		expect(ci.jobs.checks.container?.image).toMatch(/bookworm/);
	});
});

describe("the release workflow's version check", () => {
	const script = release.jobs.version.steps?.find((step) => step.run)?.run ?? '';
	let dir: string;

	beforeEach(() => {
		dir = mkdtempSync(join(tmpdir(), 'soniox-release-'));
		writeFileSync(join(dir, 'package.json'), JSON.stringify({ version: '1.2.3' }));
	});
	afterEach(() => rmSync(dir, { recursive: true, force: true }));

	/** Runs the check as GitHub Actions runs a `run` step, for a push of the given tag. */
	function check(tag: string, changelog: string) {
		writeFileSync(join(dir, 'CHANGELOG.md'), changelog);
		const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
			cwd: dir,
			env: { PATH: process.env.PATH, GITHUB_REF_NAME: tag },
			encoding: 'utf8',
		});
		return { status: result.status, output: result.stdout + result.stderr };
	}

	test('passes for v<version> with a dated changelog entry', () => {
		expect(check('v1.2.3', '# Changelog\n\n## [1.2.3] - 2026-12-01\n')).toEqual({
			status: 0,
			output: '',
		});
	});

	test('fails for a tag that is not v<version>', () => {
		const dated = '## [1.2.3] - 2026-12-01\n';
		for (const tag of ['v1.2.4', '1.2.3', 'v1.2.3-rc.1']) {
			const result = check(tag, dated);
			expect(result.status).toBe(1);
			expect(result.output).toContain("does not match package.json's version 1.2.3");
		}
	});

	test('fails while the changelog entry is not dated', () => {
		for (const changelog of ['## [1.2.3] - Unreleased\n', '## [Unreleased]\n', '']) {
			const result = check('v1.2.3', changelog);
			expect(result.status).toBe(1);
			expect(result.output).toContain('CHANGELOG.md has no dated entry');
		}
	});
});

describe('CHANGELOG.md', () => {
	test("has an entry for package.json's version, linked to its tag", () => {
		const changelog = read('CHANGELOG.md');
		expect(changelog).toMatch(
			new RegExp(
				`^## \\[${pkg.version.replace(/\./g, '\\.')}\\] - (Unreleased|\\d{4}-\\d{2}-\\d{2})$`,
				'm',
			),
		);
		expect(changelog).toContain(`[${pkg.version}]: ${github}/releases/tag/v${pkg.version}`);
	});
});
