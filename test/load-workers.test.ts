// Tests that a user's module loaded with --load reaches the parallel search's workers: they load the same modules
// before building the model, so a variant defined there runs on two workers with the states and transitions of
// one thread (before, each worker failed with "unknown variant" and the command died with a stack trace).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..');
const bin = join(root, 'bin', 'iommu-check.js');

function explore(workers: number): { status: number | null; stderr: string; job: Record<string, any> } {
  const out = mkdtempSync(join(tmpdir(), 'iommu-check-load-workers-'));
  const r = spawnSync(process.execPath, [bin, 'explore', '-f', join(root, 'bench', 'spin', 'tlb-p3-t2.json'),
    '--load', join(root, 'examples', 'tlbi-before-clear.ts'), '-v', 'tlbi-after-clear', '--no-reduction',
    '--workers', String(workers), '-q', '-o', out], { cwd: root, encoding: 'utf8' });
  const job = r.status === 0 ? JSON.parse(readFileSync(join(out, 'explore.json'), 'utf8')).jobs[0] : {};
  return { status: r.status, stderr: r.stderr, job };
}

test('explore --load MODULE --workers 2: the workers know the module\'s variant; same states as one thread', () => {
  const two = explore(2), one = explore(1);
  assert.equal(two.status, 0, two.stderr);
  assert.equal(one.status, 0, one.stderr);
  assert.equal(two.job.parallel?.workers, 2, 'the parallel search ran');
  assert.equal(two.job.parallel?.sequential, undefined, 'and decided the job');
  assert.equal(two.job.verdict, 'clean');
  assert.deepEqual([two.job.stats.states, two.job.stats.transitions], [one.job.stats.states, one.job.stats.transitions]);
});
