// Tests of the command line as a user runs it: exit codes 0/1/2/3, one-line errors, reports written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..');
function cli(...args: string[]): { code: number; out: string; err: string } {
  // the compiled command, as `npx iommu-check` runs it (npm test builds dist/ first)
  const r = spawnSync(process.execPath, [join(root, 'bin/iommu-check.js'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}
const tmp = () => mkdtempSync(join(tmpdir(), 'iommu-check-'));

test('explore of a faulty variant exits 1, writes the report and a counterexample that replays (exit 1)', () => {
  const out = tmp();
  const r = cli('explore', 'flush-queue-iova-reuse', '--variant', 'fq-reuse-before-flush', '--out', out, '-q');
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /VIOLATION isolation/);
  const md = readFileSync(join(out, 'explore.md'), 'utf8');
  assert.match(md, /## flush-queue-iova-reuse · fq-reuse-before-flush: isolation/);
  const report = JSON.parse(readFileSync(join(out, 'explore.json'), 'utf8'));
  assert.equal(report.totals.violations, 1);
  const [cx] = readdirSync(join(out, 'counterexamples'));
  const rep = cli('replay', join(out, 'counterexamples', cx));
  assert.equal(rep.code, 1);
  assert.match(rep.out, /reproduced: violation of isolation/);
});

test('explore of correct variants exits 0 and prints the summary table', () => {
  const r = cli('explore', 'unmap-racing-dma-with-sync', '--out', tmp());
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /unmap-racing-dma-with-sync\s+default\s+clean/);
  assert.match(r.out, /states\/s/);
});

test('a bound is reported as "clean up to bound"', () => {
  const r = cli('explore', 'free-racing-attach-detach', '--max-states', '20', '--out', tmp());
  assert.equal(r.code, 4, 'exit 4: clean up to bound, not a proof');
  assert.match(r.out, /clean up to bound \(20 states\)/);
});

test('bad usage and bad input exit 2 with one clear line and no stack trace', () => {
  const dir = tmp();
  const cases: [string[], RegExp][] = [
    [['explore', 'no-such-scenario'], /unknown scenario 'no-such-scenario'/],
    [['explore', '--variant', 'no-such-variant'], /unknown variant 'no-such-variant'/],
    [['explore', '--invariant', 'no-such-invariant'], /unknown invariant 'no-such-invariant'/],
    [['explore', '--max-depth', '-3'], /argument '-3' is invalid/],
    [['explore', '--bogus'], /unknown option '--bogus'/],
    [['list', 'widgets'], /'widgets' is invalid/],
    [['replay', join(dir, 'missing.json')], /cannot read \(ENOENT\)/],
    [['nonsense'], /unknown command 'nonsense'/],
  ];
  writeFileSync(join(dir, 'broken.json'), '{"format": "iommu-check/counterexample", "version": 1');
  cases.push([['replay', join(dir, 'broken.json')], /not valid JSON/]);
  writeFileSync(join(dir, 'scenario.json'), JSON.stringify({ name: 'mine', description: 'x', instances: [0], threads: [{ name: 't', ops: [['warp', 1]] }] }));
  cases.push([['explore', '--file', join(dir, 'scenario.json')], /unknown operation 'warp'/]);
  for (const [args, re] of cases) {
    const r = cli(...args);
    assert.equal(r.code, 2, `${args.join(' ')} -> ${r.code}: ${r.err}`);
    assert.match(r.err, re, args.join(' '));
    assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
  }
});

test('a scenario from a JSON file is explored like a built-in one', () => {
  const dir = tmp();
  const file = join(dir, 'mine.json');
  writeFileSync(file, JSON.stringify({
    name: 'my-unmap', description: 'mine', instances: [0], devices: [{ instance: 0, group: 0 }], domains: [{ owner: 0 }],
    pages: 1, phys: 1, setup: [['attach', 0, 0], ['map', 0, 0, 0], ['dma', 0, 0]],
    threads: [{ name: 'driver', ops: [{ op: 'unmap_sync', domain: 0, iova: 0, pages: 1 }] }, { name: 'dev', ops: [['dma', 0, 0]] }],
  }));
  const ok = cli('explore', '--file', file, '--out', dir, '-q');
  assert.equal(ok.code, 0, ok.err);
  const bad = cli('explore', '--file', file, '--variant', 'unmap-no-invalidate', '--out', dir, '-q');
  assert.equal(bad.code, 1);
  assert.ok(existsSync(join(dir, 'counterexamples', 'my-unmap--unmap-no-invalidate.json')));
});

test('list shows every kind with descriptions; --help works everywhere', () => {
  const r = cli('list');
  assert.equal(r.code, 0);
  for (const h of ['SCENARIOS', 'VARIANTS', 'INVARIANTS', 'OPS', 'no-stale-tlb-after-sync', 'sync-no-wait']) assert.match(r.out, new RegExp(h));
  for (const c of [[], ['explore'], ['verify'], ['list'], ['replay']]) {
    const h = cli(...c, '--help');
    assert.equal(h.code, 0, c.join(' '));
    assert.match(h.out, /Usage: iommu-check/);
  }
});

test('verify checks every expectation and exits 0', () => {
  const r = cli('verify', '--out', tmp());
  assert.equal(r.code, 0, r.out + r.err);
  assert.doesNotMatch(r.out, /NOT AS EXPECTED/);
});

test('-o naming an existing file: a one-line error (exit 2) before any job runs, in explore, verify, fuzz and mutate', () => {
  const file = join(tmp(), 'not-a-folder');
  writeFileSync(file, 'keep me\n');
  for (const args of [['explore', 'free-racing-attach-detach'], ['verify', 'free-racing-attach-detach'], ['fuzz', '--runs', '5'], ['mutate', 'free-racing-attach-detach']]) {
    const r = cli(...args, '-o', file);
    assert.equal(r.code, 2, `${args[0]}: ${r.err}`);
    assert.match(r.err, /^iommu-check: -o .*not-a-folder: is an existing file, not a folder/);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.equal(r.out, '', `${args[0]}: no job ran`);
    assert.equal(readFileSync(file, 'utf8'), 'keep me\n');
  }
});
