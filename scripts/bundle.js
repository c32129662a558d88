#!/usr/bin/env node
// Bundles the compiled CLI (dist/src/cli/main.js and everything it requires, commander and fast-check included)
// into one file, dist/cli.js, with esbuild: the installed command (bin/iommu-check.js) loads that one file through
// a V8 code cache instead of resolving, reading and compiling two hundred modules at every start. Run after tsc
// (npm run build, prepare, prepack, the test script); the worker threads of the parallel search still load
// dist/src/ (bin falls back to dist/src/ too when the bundle is missing or older than the compiled sources).
const { build } = require('esbuild');
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');

/** Node built-ins loaded only when first used: commander requires child_process (and with it net, dgram and the
 * streams) for executable subcommands this CLI has none of, worker_threads serves only --workers, and crypto (its
 * ciphers and streams) only checkpoints and --load; loading them at every start cost several milliseconds. The
 * bundle gets a stand-in whose first property read loads the real module. */
const LAZY_BUILTINS = /^node:(child_process|worker_threads|crypto)$/;
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(build) {
    build.onResolve({ filter: LAZY_BUILTINS }, (a) =>
      a.namespace === 'lazy-builtin' ? { path: a.path, external: true } : { path: a.path, namespace: 'lazy-builtin' });
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (a) => ({
      loader: 'js',
      contents: `let real;
const load = () => (real ??= require(${JSON.stringify(a.path)}));
module.exports = new Proxy({}, {
  get: (_, k) => (k === '__esModule' ? undefined : load()[k]),
  has: (_, k) => k in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, k) => {
    const d = Object.getOwnPropertyDescriptor(load(), k);
    return d && { ...d, configurable: true };
  },
});
`,
    }));
  },
};
build({
  entryPoints: [join(root, 'dist', 'src', 'cli', 'main.js')],
  outfile: join(root, 'dist', 'cli.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'error',
  // require.resolve of ts-node (for --load of .ts modules) stays a lookup at run time
  external: ['ts-node'],
  plugins: [lazyBuiltins],
})
  .then(() => {
    // esbuild escapes non-ASCII characters in code, not in the comments it keeps: escaped here too (harmless in a
    // comment), so that bin/iommu-check.js may read the bundle as Latin-1 rather than decode it as UTF-8
    const out = join(root, 'dist', 'cli.js');
    const text = readFileSync(out, 'utf8');
    const ascii = text.replace(/[^\x00-\x7f]/gu, (c) => `\\u{${c.codePointAt(0).toString(16)}}`);
    if (ascii !== text) writeFileSync(out, ascii);
  })
  .catch((e) => {
    process.stderr.write(`bundle: ${e.message}\n`);
    process.exit(1);
  });
