// Tests that the package installs and runs outside the checkout: `npm pack` (which builds on prepack), the
// tarballs of the runtime dependencies (only `dependencies`, taken from the installed node_modules), then
// `npm install` of those tarballs offline with an empty npm cache in a temporary folder outside the checkout,
// where `list`, `explore` of one scenario, `fuzz --runs 50` and the `iommu-check/api` export must work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = join(__dirname, '..');
const tmp = (what: string) => mkdtempSync(join(tmpdir(), `iommu-check-${what}-`));

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): { code: number; out: string; err: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_PATH: '', ...env } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** Where node would find package `name` from `from`: the nearest node_modules/name up the tree. */
function installedDir(name: string, from: string): string {
  for (let d = from; ; d = dirname(d)) {
    const dir = join(d, 'node_modules', name);
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(d) === d) throw new Error(`runtime dependency '${name}' is not installed (npm ci first)`);
  }
}

/** The directories of the runtime dependencies (package.json `dependencies`, transitively), as installed here. */
function runtimeDependencyDirs(): string[] {
  const dirs = new Map<string, string>();
  const visit = (pkgDir: string): void => {
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const name of Object.keys(pkg.dependencies ?? {})) {
      if (dirs.has(name)) continue;
      const dir = installedDir(name, pkgDir);
      dirs.set(name, dir);
      visit(dir);
    }
  };
  visit(root);
  return [...dirs.values()];
}

test('npm pack, then npm install of the tarball outside the checkout (offline): list, explore, fuzz and the API work', () => {
  const packs = tmp('pack'), cache = tmp('npm-cache'), user = tmp('user');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // the package itself: prepack builds dist/, `files` decides what goes in
  const packed = run(npm, ['pack', '--pack-destination', packs, '--silent'], root);
  assert.equal(packed.code, 0, packed.err);
  const [own] = readdirSync(packs).filter((f) => f.startsWith('iommu-check-'));
  assert.ok(own, 'npm pack wrote no tarball');
  const listing = run('tar', ['tzf', join(packs, own)], packs).out.split('\n');
  assert.ok(listing.includes('package/dist/src/cli/main.js'), 'dist/ is packed');
  assert.ok(listing.includes('package/dist/cli.js'), 'the bundled CLI is packed');
  assert.ok(!listing.some((f) => f.startsWith('package/src/') || f.startsWith('package/test/') || f.startsWith('package/dist/test/')), 'no sources or tests packed');
  // the runtime dependencies as tarballs, so that the install needs neither network nor the npm cache
  for (const dir of runtimeDependencyDirs()) {
    const p = run(npm, ['pack', dir, '--pack-destination', packs, '--silent', '--ignore-scripts'], packs, { npm_config_cache: cache });
    assert.equal(p.code, 0, p.err);
  }
  writeFileSync(join(user, 'package.json'), JSON.stringify({ name: 'user', private: true }));
  const tarballs = readdirSync(packs).map((f) => join(packs, f));
  const inst = run(npm, ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', ...tarballs], user, { npm_config_cache: cache });
  assert.equal(inst.code, 0, inst.err);
  const bin = join(user, 'node_modules', '.bin', 'iommu-check');
  assert.ok(existsSync(bin), 'the bin is linked');
  // the installed command runs the bundle (and writes its code cache in the user's cache folder)
  const list = run(bin, ['list'], user, { IOMMU_CHECK_CODE_CACHE: 'verbose', XDG_CACHE_HOME: join(user, '.cache') });
  assert.equal(list.code, 0, list.err);
  assert.match(list.err, /^code cache: none yet, writing /);
  assert.match(list.out, /unmap-racing-dma-with-sync/);
  const explore = run(bin, ['explore', 'unmap-racing-dma-with-sync', '-o', 'explore-out'], user);
  assert.equal(explore.code, 0, explore.err);
  assert.match(explore.out, /unmap-racing-dma-with-sync\s+default\s+clean/);
  assert.ok(existsSync(join(user, 'explore-out', 'explore.json')));
  const fuzz = run(bin, ['fuzz', '--runs', '50', '-o', 'fuzz-out'], user);
  assert.equal(fuzz.code, 0, fuzz.err);
  assert.match(fuzz.out, /50 runs in/);
  assert.ok(existsSync(join(user, 'fuzz-out', 'fuzz.json')));
  // the modelling API export resolves from the installed package
  const api = run(process.execPath, ['-e', "const a = require('iommu-check/api'); console.log(typeof a === 'object' && Object.keys(a).length > 0)"], user);
  assert.equal(api.code, 0, api.err);
  assert.equal(api.out.trim(), 'true');
  // a user's own module: .js loads through the installed API and its bug is caught; .ts without ts-node in reach
  // is a one-line error naming what to install (no stack trace)
  const ts = require('typescript') as typeof import('typescript');
  const example = readFileSync(join(root, 'examples', 'tlbi-before-clear.ts'), 'utf8');
  writeFileSync(join(user, 'tlbi-before-clear.js'), ts.transpileModule(example, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText);
  writeFileSync(join(user, 'tlbi-before-clear.ts'), example);
  const mine = run(bin, ['explore', 'speculative-walk-racing-unmap', '--load', 'tlbi-before-clear.js', '-v', 'tlbi-before-clear', '-o', 'mine-out'], user);
  assert.equal(mine.code, 1, mine.out + mine.err);
  const mineTs = run(bin, ['explore', 'speculative-walk-racing-unmap', '--load', 'tlbi-before-clear.ts', '-v', 'tlbi-before-clear'], user);
  assert.equal(mineTs.code, 2, mineTs.err);
  assert.match(mineTs.err, /^iommu-check: --load tlbi-before-clear\.ts: loading a \.ts module needs ts-node/);
  assert.doesNotMatch(mineTs.err, /\n\s+at /, 'no stack trace');
  // nothing resolved from the checkout
  const where = run(process.execPath, ['-e', "console.log(require.resolve('iommu-check/api'), require.resolve('fast-check'))"], user);
  assert.ok(!where.out.includes(root), where.out);
});
