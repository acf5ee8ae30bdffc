/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '/test/.tmp/'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
	},
	testTimeout: 60_000,
	// Real sockets and real n8n processes: keep workers few on a 2-core machine.
	maxWorkers: 2,
	// A worker that grew large on earlier files starts afresh: memory tests measure after full
	// collections, whose cost grows with the heap.
	workerIdleMemoryLimit: '512MB',
};
