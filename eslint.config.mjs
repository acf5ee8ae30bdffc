// Two rule sets: eslint-plugin-n8n-nodes-base (n8n's node conventions, as the starter uses
// them) and @n8n/eslint-plugin-community-nodes (the bar for verified community packages).
import communityNodes from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

const nodesBaseRules = (config) => n8nNodesBase.configs[config].rules;

export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test/.tmp/**'] },
	{
		files: ['**/*.ts'],
		extends: [tseslint.configs.recommended],
		rules: {
			'@typescript-eslint/no-explicit-any': 'error',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
		},
	},
	{
		files: ['package.json'],
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: nodesBaseRules('community'),
	},
	{
		files: ['credentials/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...nodesBaseRules('credentials'),
			// A community credential links to its vendor's docs by full URL (required by the
			// community rules); the camelCase slug form is for n8n's own documentation site.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			// The community rule credential-password-field checks this more precisely.
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...nodesBaseRules('nodes'),
			// Switched off by n8n's own community package scanner too: connection types may be
			// the NodeConnectionTypes enum, and an API's own maximum is a valid maxValue.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
	{
		files: ['credentials/**/*.ts', 'nodes/**/*.ts'],
		...communityNodes.configs.recommended,
	},
	{
		files: ['package.json'],
		...communityNodes.configs.recommended,
	},
	{
		files: ['credentials/**/*.ts', 'nodes/**/*.ts'],
		rules: { 'no-console': 'error' },
	},
	{
		// Versions of a versioned node (v1/SonioxV1.node.ts) are reached through the registered
		// wrapper (Soniox.node.ts), like n8n's own versioned nodes; they are not nodes of their own.
		files: ['nodes/*/v*/*.node.ts'],
		rules: { '@n8n/community-nodes/node-registration-complete': 'off' },
	},
);
