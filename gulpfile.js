const { src, dest } = require('gulp');

// tsc compiles the TypeScript; icons and codex files are copied beside the compiled nodes.
function copyAssets() {
	return src(['nodes/**/*.{svg,png,json}', 'credentials/**/*.{svg,png}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

exports['build:assets'] = copyAssets;
