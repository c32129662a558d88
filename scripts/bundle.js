#!/usr/bin/env node
// Bundles the compiled CLI (dist/src/cli/main.js and everything it requires, commander and fast-check included)
// into one file, dist/cli.js, with esbuild: the installed command (bin/iommu-check.js) loads that one file through
// a V8 code cache instead of resolving, reading and compiling two hundred modules at every start. Run after tsc
// (npm run build, prepare, prepack, the test script); the worker threads of the parallel search still load
// dist/src/ (bin falls back to dist/src/ too when the bundle is missing or older than the compiled sources).
const { buildSync } = require('esbuild');
const { join } = require('node:path');

const root = join(__dirname, '..');
try {
  buildSync({
    entryPoints: [join(root, 'dist', 'src', 'cli', 'main.js')],
    outfile: join(root, 'dist', 'cli.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'error',
    // require.resolve of ts-node (for --load of .ts modules) stays a lookup at run time
    external: ['ts-node'],
  });
} catch (e) {
  process.stderr.write(`bundle: ${e.message}\n`);
  process.exit(1);
}
