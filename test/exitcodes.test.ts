// Tests of the exit codes that tell CI what was proved (src/cli/exitcodes.ts): 0 clean, 1 violation,
// 4 clean up to bound (a bound, a time budget or a signal stopped the search); a violation beats bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_BOUNDED, EXIT_CLEAN, EXIT_VIOLATION, exitCodeOf } from '../src/cli/exitcodes';

const root = join(__dirname, '..');
const bin = join(root, 'bin/iommu-check.js');
function cli(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}
const tmp = () => mkdtempSync(join(tmpdir(), 'iommu-check-exit-'));

test('exitCodeOf: violation beats bounded beats clean; bounded is its own code, 4', () => {
  assert.equal(EXIT_BOUNDED, 4);
  assert.equal(exitCodeOf(false, false), EXIT_CLEAN);
  assert.equal(exitCodeOf(false, true), EXIT_BOUNDED);
  assert.equal(exitCodeOf(true, true), EXIT_VIOLATION);
  assert.equal(exitCodeOf(true, false), EXIT_VIOLATION);
});

test('explore: complete search exits 0, a state bound 4, a depth bound 4', () => {
  assert.equal(cli('explore', 'free-racing-attach-detach', '-q', '-o', tmp()).code, 0);
  const states = cli('explore', 'free-racing-attach-detach', '--max-states', '20', '-q', '-o', tmp());
  assert.equal(states.code, 4, states.err);
  const depth = cli('explore', 'free-racing-attach-detach', '--max-depth', '3', '-q', '-o', tmp());
  assert.equal(depth.code, 4, depth.err);
});

test('explore: a violation in one job beats a bound in another (exit 1)', () => {
  const out = tmp();
  const r = cli('explore', 'unmap-racing-dma-with-sync', 'speculative-walk-racing-unmap', '-v', 'unmap-no-invalidate', '--max-states', '30', '-q', '-o', out);
  const report = JSON.parse(readFileSync(join(out, 'explore.json'), 'utf8')) as { jobs: { verdict: string }[] };
  assert.deepEqual(report.jobs.map((j) => j.verdict), ['violation', 'bounded'], r.out);
  assert.equal(r.code, 1, r.err);
});

test('verify with a state bound: jobs stopped before a verdict are undecided, exit 4 (not 1, not 0)', () => {
  const r = cli('verify', 'free-racing-attach-detach', '--max-states', '5', '-o', tmp());
  assert.match(r.out, /UNDECIDED \(clean up to bound: 5 states\)/);
  assert.equal(r.code, 4, r.out + r.err);
  assert.equal(cli('verify', 'free-racing-attach-detach', '-o', tmp()).code, 0);
});

test('merge of bounded shards exits 4; of complete ones 0', () => {
  const shards = (dir: string, ...bound: string[]) => [1, 2].map((i) => {
    const out = join(dir, `s${i}`);
    const r = cli('verify', 'unmap-racing-dma-with-sync', 'free-racing-attach-detach', '--shard', `${i}/2`, ...bound, '-q', '-o', out);
    assert.ok(r.code === (bound.length ? 4 : 0), `shard ${i}: exit ${r.code} ${r.out}${r.err}`);
    return join(out, 'verify.json');
  });
  const bounded = cli('merge', ...shards(tmp(), '--max-states', '5'), '-o', tmp());
  assert.equal(bounded.code, 4, bounded.out + bounded.err);
  const complete = cli('merge', ...shards(tmp()), '-o', tmp());
  assert.equal(complete.code, 0, complete.out + complete.err);
});

// (nightly stopped by SIGTERM exits 4: test/nightly.test.ts sends the signal to a real child)
