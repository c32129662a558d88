// Tests the installed command's loader (bin/iommu-check.js): it runs the bundled CLI (dist/cli.js) when the bundle
// is at least as new as the compiled sources (in a checkout; always in an installed package), else dist/src/; the bundle answers as the compiled CLI does; its V8
// code cache is written in the user's cache folder on the first run and used on the next, and can be turned off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..');
const bin = join(root, 'bin', 'iommu-check.js');
const run = (file: string, args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [file, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });

test('the bundle is built with the sources and answers as the compiled CLI does', () => {
  assert.ok(statSync(join(root, 'dist', 'cli.js')).mtimeMs >= statSync(join(root, 'dist', 'src', 'cli', 'main.js')).mtimeMs, 'dist/cli.js is current');
  const cache = mkdtempSync(join(tmpdir(), 'iommu-check-cache-'));
  for (const args of [['list', 'variants'], ['list', 'scenarios'], ['explore', 'no-such-scenario']]) {
    const viaBin = run(bin, args, { XDG_CACHE_HOME: cache });
    const compiled = run(join(root, 'dist', 'src', 'cli', 'main.js'), args);
    assert.deepEqual([viaBin.status, viaBin.stdout, viaBin.stderr], [compiled.status, compiled.stdout, compiled.stderr], args.join(' '));
  }
});

test('the code cache is written on the first run, used on the next, and can be turned off', () => {
  const cache = mkdtempSync(join(tmpdir(), 'iommu-check-cache-'));
  const env = { XDG_CACHE_HOME: cache, IOMMU_CHECK_CODE_CACHE: 'verbose' };
  const first = run(bin, ['list', 'invariants'], env);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stderr, /^code cache: none yet, writing .*iommu-check\/cli-[0-9a-f]{24}-list\.v8cache\n/);
  assert.equal(readdirSync(join(cache, 'iommu-check')).length, 1);
  assert.equal(statSync(join(cache, 'iommu-check')).mode & 0o777, 0o700, 'the cache folder is the user\'s own');
  const second = run(bin, ['list', 'invariants'], env);
  assert.equal(second.stderr, 'code cache: used\n');
  assert.equal(second.stdout, first.stdout);
  // each command has its own, written by its own first run
  const replay = run(bin, ['replay', 'no-such-file.json'], env);
  assert.match(replay.stderr, /^code cache: none yet, writing .*-replay\.v8cache\n/);
  assert.deepEqual(readdirSync(join(cache, 'iommu-check')).map((f) => f.replace(/^cli-[0-9a-f]{24}-/, '')).sort(), ['list.v8cache', 'replay.v8cache']);
  const off = run(bin, ['list', 'invariants'], { XDG_CACHE_HOME: cache, IOMMU_CHECK_CODE_CACHE: '0' });
  assert.equal(off.status, 0);
  assert.equal(off.stdout, first.stdout);
  // the cache files of bundles no longer built are removed, the few most recent kept
  for (let k = 0; k < 6; k++) writeFileSync(join(cache, 'iommu-check', `cli-${String(k).repeat(24)}-list.v8cache`), 'x');
  const past = new Date(Date.now() - 3_600_000);
  for (let k = 0; k < 6; k++) utimesSync(join(cache, 'iommu-check', `cli-${String(k).repeat(24)}-list.v8cache`), past, past);
  rmSync(join(cache, 'iommu-check', readdirSync(join(cache, 'iommu-check')).find((f) => f.endsWith('-replay.v8cache'))!));
  assert.match(run(bin, ['replay', 'no-such-file.json'], env).stderr, /writing/);
  const left = readdirSync(join(cache, 'iommu-check'));
  assert.equal(left.length, 2 + 3, left.join(' ')); // this bundle's two, and three older bundles'
});

test('a bundle older than the compiled sources is not used: the command runs dist/src/', () => {
  // a copy of the package layout whose bundle is a stand-in that says it ran
  const pkg = mkdtempSync(join(tmpdir(), 'iommu-check-pkg-'));
  mkdirSync(join(pkg, 'bin'));
  mkdirSync(join(pkg, 'dist'));
  copyFileSync(bin, join(pkg, 'bin', 'iommu-check.js'));
  copyFileSync(join(root, 'package.json'), join(pkg, 'package.json'));
  copyFileSync(join(root, 'tsconfig.json'), join(pkg, 'tsconfig.json')); // a checkout: the times are compared
  symlinkSync(join(root, 'dist', 'src'), join(pkg, 'dist', 'src'));
  symlinkSync(join(root, 'node_modules'), join(pkg, 'node_modules'));
  const fake = join(pkg, 'dist', 'cli.js');
  writeFileSync(fake, '#!/usr/bin/env node\nexports.main = () => console.log("the bundle ran");\n');
  const env = { IOMMU_CHECK_CODE_CACHE: '0' };
  const fresh = run(join(pkg, 'bin', 'iommu-check.js'), ['list', 'variants'], env);
  assert.equal(fresh.stdout, 'the bundle ran\n');
  const past = new Date(statSync(join(root, 'dist', 'src', 'cli', 'main.js')).mtimeMs - 60_000);
  utimesSync(fake, past, past);
  const stale = run(join(pkg, 'bin', 'iommu-check.js'), ['list', 'variants'], env);
  assert.equal(stale.status, 0, stale.stderr);
  assert.match(stale.stdout, /^VARIANTS\n/);
  // an installed package (no tsconfig.json) runs its bundle whatever the files' times
  rmSync(join(pkg, 'tsconfig.json'));
  assert.equal(run(join(pkg, 'bin', 'iommu-check.js'), ['list', 'variants'], env).stdout, 'the bundle ran\n');
});

test('a short run loads none of the node modules it does not use (stdio streams, child_process, workers, crypto, perf_hooks), and the bundle is ASCII', () => {
  const bundle = readFileSync(join(root, 'dist', 'cli.js'));
  assert.ok(bundle.every((b) => b < 0x80), 'dist/cli.js is ASCII (bin reads it as Latin-1)');
  // a preload that says, at exit, which of node's own modules the run loaded
  const dir = mkdtempSync(join(tmpdir(), 'iommu-check-loads-'));
  const preload = join(dir, 'loads.js');
  writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(join(dir, 'loaded'))}, process.moduleLoadList.join('\\n')));\n`);
  const r = spawnSync(process.execPath, ['--require', preload, bin, 'explore', 'two-instances-share-domain', '--variant', 'sync-one-instance', '-o', join(dir, 'out')],
    { cwd: root, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') } });
  assert.equal(r.status, 1, r.stderr); // the violation it finds
  assert.match(r.stdout, /1 job\(s\), 1 violation\(s\)/);
  assert.match(r.stderr, /VIOLATION no-stale-tlb-after-sync/);
  const loaded = readFileSync(join(dir, 'loaded'), 'utf8').split('\n');
  for (const m of ['NativeModule stream', 'NativeModule child_process', 'NativeModule worker_threads', 'NativeModule crypto', 'NativeModule net', 'NativeModule perf_hooks'])
    assert.ok(!loaded.includes(m), `${m} was loaded`);
});

test('output to a reader that has gone away ends quietly: no stack trace, the exit code of the run', () => {
  // `true` exits before node has started: every write meets EPIPE
  const r = spawnSync('bash', ['-c', `node ${bin} list scenarios | true; echo "exit \${PIPESTATUS[0]}" >&2`], { cwd: root, encoding: 'utf8' });
  assert.equal(r.stderr, 'exit 0\n');
});
