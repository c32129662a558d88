// Tests the profile benchmark (scripts/bench-profile.ts): it profiles one job's search in-process and prints the
// self time by part of the checker, shares summing to the whole; a bad argument is one line and exit 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..');
const run = (...args: string[]) => spawnSync(process.execPath, [join(root, 'dist/scripts/bench-profile.js'), ...args], { cwd: root, encoding: 'utf8' });

test('bench:profile prints where the full and the reduced search spend their time, by part', () => {
  for (const extra of [[], ['--reduced']]) {
    const r = run('tlb-p3-t2', ...extra);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`tlb-pml-p3-t2, ${extra.length ? 'reduced search' : 'full search, one thread'}`));
    const shares = [...r.stdout.matchAll(/\| ([\d.]+) % \|/g)].map((m) => Number(m[1]));
    assert.ok(shares.length >= 4, r.stdout);
    assert.ok(Math.abs(shares.reduce((a, b) => a + b, 0) - 100) < 1, `shares sum to ${shares.reduce((a, b) => a + b, 0)}`);
    if (!extra.length) assert.match(r.stdout, /\| visited table \(fptable\.ts\) \|/);
    assert.match(r.stdout, /\| model steps/);
    assert.match(r.stderr, /not written \(pass --write/);
  }
});

test('bench:profile refuses an unknown argument or an unreadable scenario with one line, exit 2', () => {
  const bad = run('--fast');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^bench:profile: unknown argument --fast/);
  const missing = run('-f', join(root, 'no-such.json'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /^bench:profile: cannot read scenario/);
});
