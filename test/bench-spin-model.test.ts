// Tests that bench/spin/tlb-steps.pml, the Promela model of the explorer's steps that `npm run bench:spin` times
// SPIN's pan on, still has the explorer's state graph: pan without reduction stores exactly explore
// --no-reduction's states + 1 (its pre-init state) on tlb-p3-t2 and on a four-page, two-thread size (a larger
// queue), and with -DBUG_ONE_INSTANCE pan finds the violation explore finds with sync-one-instance. Needs spin and
// gcc: skipped on a developer's machine without them, a FAILURE under CI=true (.ci/run installs spin).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPan, MODEL_DIR, onPath, runPan, tableLog2, type Size } from '../scripts/spin-pan';

const CLI = join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
const tools = onPath('spin') && onPath('gcc');
const skip = !tools && process.env.CI !== 'true' ? 'spin or gcc not installed (apt-get install -y spin)' : false;

/** explore's verdict and state count on a scenario file. */
function explore(file: string, out: string, extra: string[] = []): { states: number; stdout: string } {
  const r = spawnSync(process.execPath, [CLI, 'explore', '-f', file, '--no-reduction', '--workers', '1', '-q', '-o', out, ...extra], { encoding: 'utf8' });
  const m = / (\d+) states, \d+ transitions in \d+ ms/.exec(r.stdout);
  assert.ok(m, `explore on ${file} printed no summary (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  return { states: Number(m[1]), stdout: r.stdout };
}

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'iommu-check-spin-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** pan (no reduction) stores explore's states + 1 on this size and finds no error. */
function sameGraph(size: Size, file: string): void {
  withDir((dir) => {
    const ex = explore(file, dir);
    const pan = runPan(buildPan(size, dir, 'pan'), tableLog2(ex.states), dir);
    assert.equal(pan.errors, 0, `pan found an error in the correct model:\n${pan.out}`);
    assert.equal(pan.states, ex.states + 1, `${size.name}: pan stores ${pan.states} states, explore ${ex.states} (expected explore + 1)`);
  });
}

test('tlb-steps.pml: pan stores explore --no-reduction\'s states + 1 on tlb-p3-t2 and a 4-page, 2-thread size', { skip }, () => {
  assert.ok(tools, 'spin and gcc are required under CI=true (.ci/run installs spin)');
  sameGraph({ name: 'tlb-p3-t2', pages: 3, threads: 2 }, join(MODEL_DIR, 'tlb-p3-t2.json'));
  withDir((dir) => {
    // tlb-p4-t3 without its third thread: the model's -DP=4 -DNTHR=2 (a 5-slot queue)
    const spec = JSON.parse(readFileSync(join(MODEL_DIR, 'tlb-p4-t3.json'), 'utf8'));
    const file = join(dir, 'tlb-p4-t2.json');
    writeFileSync(file, JSON.stringify({ ...spec, name: 'tlb-pml-p4-t2', threads: spec.threads.slice(0, 2) }));
    sameGraph({ name: 'tlb-p4-t2', pages: 4, threads: 2 }, file);
  });
});

test('tlb-steps.pml -DBUG_ONE_INSTANCE: pan finds the stale IOTLB entry explore finds with sync-one-instance', { skip }, () => {
  assert.ok(tools, 'spin and gcc are required under CI=true (.ci/run installs spin)');
  withDir((dir) => {
    const file = join(MODEL_DIR, 'tlb-p3-t2.json');
    assert.match(explore(file, dir, ['-v', 'sync-one-instance', '--no-minimize', '--no-shorten']).stdout, /VIOLATION no-stale-tlb-after-sync/);
    const pan = runPan(buildPan({ name: 'tlb-p3-t2', pages: 3, threads: 2 }, dir, 'pan-bug', { bug: true }), 18, dir);
    assert.equal(pan.errors, 1, pan.out);
    assert.match(pan.out, /assertion violated/);
  });
});
