#!/usr/bin/env node
// Runs the test suite: type-check, build and bundle, then every test/*.test.ts under node's test runner (through ts-node)
// with c8 coverage; prints the coverage summary, then ends with the line "N passed, N failed".
const { spawnSync, spawn } = require('node:child_process');
const { readdirSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
// type-check and build dist/ (the CLI tests run the compiled command, as users do)
const tsc = spawnSync(bin('tsc'), ['-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
if (tsc.status !== 0) {
  console.log('type-check failed\n0 passed, 1 failed');
  process.exit(1);
}
// and the bundle the installed command loads (dist/cli.js; bin falls back to dist/src/ if it were older)
const bundle = spawnSync(process.execPath, [join(root, 'scripts', 'bundle.js')], { cwd: root, stdio: 'inherit' });
if (bundle.status !== 0) {
  console.log('bundling failed\n0 passed, 1 failed');
  process.exit(1);
}
const only = process.argv.slice(2);
const files = only.length ? only : readdirSync(join(root, 'test')).filter((f) => f.endsWith('.test.ts')).sort().map((f) => join('test', f));
const args = ['--reporter=text-summary', '--reporter=lcov', '--include=src/**', '--include=fuzz/**', '--exclude=test/**',
  process.execPath, '--require', 'ts-node/register', '--test', '--test-reporter=spec', ...files];
const child = spawn(bin('c8'), args, { cwd: root, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' } });
let passed = 0, failed = 0;
const scan = (chunk) => {
  const text = chunk.toString();
  for (const m of text.matchAll(/^[ℹ#] (pass|fail) (\d+)$/gm)) {
    if (m[1] === 'pass') passed = Number(m[2]);
    else failed = Number(m[2]);
  }
};
child.stdout.on('data', (c) => { process.stdout.write(c); scan(c); });
child.stderr.on('data', (c) => process.stderr.write(c));
child.on('close', (code) => {
  if (code !== 0 && failed === 0) failed = 1; // the runner itself failed
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(code === 0 && failed === 0 ? 0 : 1);
});
