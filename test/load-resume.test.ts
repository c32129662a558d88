// Tests that a run with a user's module (--load) continues with `--resume` alone, as the stopped run says it does:
// the job's checkpoint and the run checkpoint record each module (path and sha256) and the resumed run loads it
// again; a module gone or changed since is a one-line usage error (exit 2), not a run of another model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..');
const bin = join(root, 'bin', 'iommu-check.js');
const p3t2 = join(root, 'bench', 'spin', 'tlb-p3-t2.json');
const tmp = () => mkdtempSync(join(tmpdir(), 'iommu-check-load-resume-'));

/** the example module, copied where the test may change and remove it */
function moduleCopy(): string {
  const file = join(tmp(), 'tlbi-before-clear.ts');
  copyFileSync(join(root, 'examples', 'tlbi-before-clear.ts'), file);
  return file;
}

function run(args: string[]): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr };
}

const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const counts = (out: string, name: string) => json(join(out, name)).jobs.map((j: Record<string, any>) => [j.scenario, j.verdict, j.bound, j.stats.states, j.stats.transitions]);

test('a job checkpoint of a run with --load: --resume alone loads the module and ends as the uninterrupted run', () => {
  const mod = moduleCopy();
  const job = ['explore', '-f', p3t2, '--load', mod, '-v', 'tlbi-after-clear', '--no-reduction', '-q'];
  const whole = tmp(), stopped = tmp(), resumed = tmp();
  assert.equal(run([...job, '-o', whole]).code, 0);
  assert.equal(run([...job, '--max-states', '3000', '-o', stopped]).code, 4);
  const ckpt = join(stopped, 'checkpoints', readdirSync(join(stopped, 'checkpoints'))[0]);
  assert.deepEqual(json(ckpt).modules.map((m: { path: string }) => m.path), [mod]);
  const r = run(['explore', '--resume', ckpt, '-q', '-o', resumed]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(counts(resumed, 'explore.json'), counts(whole, 'explore.json'));

  const moved = join(tmp(), 'moved.ts');
  copyFileSync(mod, moved);
  appendFileSync(mod, '\n// changed after the checkpoint\n');
  const changed = run(['explore', '--resume', ckpt, '-q', '-o', tmp()]);
  assert.equal(changed.code, 2);
  assert.match(changed.stderr, /has changed since the checkpoint was taken/);
  assert.equal(changed.stderr.trim().split('\n').length, 1, changed.stderr);
  rmSync(mod);
  const gone = run(['explore', '--resume', ckpt, '-q', '-o', tmp()]);
  assert.equal(gone.code, 2);
  assert.match(gone.stderr, /taken with --load .*tlbi-before-clear\.ts, which is gone/);
  const there = run(['explore', '--resume', ckpt, '--load', moved, '-q', '-o', tmp()]);
  assert.equal(there.code, 0, `the same module from where it is now: ${there.stderr}`);
});

test('a run checkpoint of a run with --load (SIGINT among two jobs): --resume alone ends as the uninterrupted run', async () => {
  const mod = moduleCopy();
  // the first job runs for seconds (its progress line comes once a second): the signal lands in it or in the next
  const jobs = ['-f', join(root, 'bench', 'spin', 'tlb-p4-t3.json'), '-f', p3t2, '--load', mod, '-v', 'tlbi-after-clear', '--no-reduction', '--workers', '1', '--max-states', '300000'];
  const whole = tmp(), stopped = tmp(), resumed = tmp();
  assert.equal(run(['explore', ...jobs, '-q', '-o', whole]).code, 4);
  let stderr = '';
  const code = await new Promise<number | null>((res) => {
    const child = spawn(process.execPath, [bin, 'explore', ...jobs, '--progress', '-o', stopped], { cwd: root });
    let sent = false;
    child.stderr.on('data', (c) => {
      stderr += c;
      if (!sent && /[1-9]\d{4,} states, \d+ states\/s/.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.on('close', res);
  });
  assert.equal(code, 4, `stopped: the run is undecided\n${stderr}`);
  const ckpt = join(stopped, 'checkpoints', 'explore.ckpt.json');
  assert.ok(existsSync(ckpt), stderr);
  assert.deepEqual(json(ckpt).modules.map((m: { path: string }) => m.path), [mod]);
  const r = run(['explore', '--resume', ckpt, '-q', '-o', resumed]);
  assert.equal(r.code, 4, r.stderr);
  assert.deepEqual(counts(resumed, 'explore.json'), counts(whole, 'explore.json'));
});
