const path = require('path');
const { src, dest, parallel } = require('gulp');

// tsc compiles the TypeScript; icons are copied beside the compiled nodes and credentials.
function copyIcons() {
	return src(['nodes/**/*.{svg,png}', 'credentials/**/*.{svg,png}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

// Codex files live in nodes/<Node>/codex/ in the source, so that `./Soniox.node` resolves to
// the TypeScript file in every runner; n8n expects them beside the compiled node file.
function copyCodex() {
	return src('nodes/*/codex/*.node.json', { base: '.' })
		.pipe(
			dest((file) => {
				file.dirname = path.dirname(file.dirname);
				return 'dist';
			}),
		);
}

exports['build:assets'] = parallel(copyIcons, copyCodex);
