// Tests stopping on request, on real child processes: SIGINT or SIGTERM stops every search (reduced, full,
// breadth-first, parallel), mutate and fuzz promptly (PROMPT_MS), with the partial report written; each explore
// search leaves a checkpoint that --resume continues; a second signal ends the process at once (exit 130);
// --max-memory bounds the process's measured resident memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..');
const bin = join(root, 'bin', 'iommu-check.js');
/** a job that runs for many seconds in every search (1.3 million states in the full search) */
const big = join(root, 'bench', 'spin', 'tlb-p4-t3.json');
const tmp = () => mkdtempSync(join(tmpdir(), 'iommu-check-signal-'));

interface Ended { code: number | null; stdout: string; stderr: string; msAfterSignal: number }

/** Starts the CLI, waits until `ready` shows on stderr (the work is under way), sends the signals, waits for the end. */
async function interrupt(args: string[], ready: RegExp, signals: NodeJS.Signals[]): Promise<Ended> {
  const child: ChildProcess = spawn(process.execPath, [bin, ...args], { cwd: root });
  let stdout = '', stderr = '';
  child.stdout!.on('data', (c) => (stdout += c));
  const closed = new Promise<number | null>((res) => child.on('close', res));
  await new Promise<void>((res, rej) => {
    child.stderr!.on('data', (c) => {
      stderr += c;
      if (ready.test(stderr)) res();
    });
    void closed.then(() => rej(new Error(`ended before it was under way:\n${stdout}${stderr}`)));
  });
  const t = performance.now();
  for (const s of signals) child.kill(s);
  const code = await closed;
  return { code, stdout, stderr, msAfterSignal: performance.now() - t };
}

/** Within a second on an idle machine (measured: 90-200 ms from the signal to the end); the bound leaves room for a
 * machine busy with the rest of the suite, and still fails a command that ignores the signal (they run for minutes). */
const PROMPT_MS = 2500;

const report = (out: string, name = 'explore') => JSON.parse(readFileSync(join(out, `${name}.json`), 'utf8'));

for (const [what, flags, sig] of [
  ['the reduced search (the default)', [], 'SIGINT'],
  ['the breadth-first search (--shortest)', ['--shortest'], 'SIGTERM'],
  ['the parallel full search (--workers 2)', ['--no-reduction', '--workers', '2'], 'SIGINT'],
] as const) {
  test(`explore: ${sig} stops ${what} promptly, partial report written, exit 4`, async () => {
    const out = tmp();
    const r = await interrupt(['explore', '-f', big, '--progress', '-o', out, ...flags], /states\/s/, [sig]);
    assert.equal(r.code, 4, r.stdout + r.stderr);
    assert.ok(r.msAfterSignal < PROMPT_MS, `stopped ${Math.round(r.msAfterSignal)} ms after ${sig}`);
    const job = report(out).jobs[0];
    assert.equal(job.verdict, 'bounded');
    assert.equal(job.bound, 'interrupted');
    assert.ok(job.stats.states > 0);
    // every one of them leaves a checkpoint (the parallel search runs its first 20,000 states in one thread: a
    // signal then leaves that search's; explorer-scale-parallel-resume.test.ts resumes the workers' own)
    const ckpt = existsSync(join(out, 'checkpoints')) && readdirSync(join(out, 'checkpoints')).length === 1;
    assert.ok(ckpt, `a checkpoint was written:\n${r.stderr}`);
  });
}

test('explore --no-reduction --workers 1: SIGTERM promptly leaves a checkpoint; --resume continues from it', async () => {
  const out = tmp();
  const r = await interrupt(['explore', '-f', big, '--no-reduction', '--workers', '1', '--progress', '-o', out], /states\/s/, ['SIGTERM']);
  assert.equal(r.code, 4, r.stdout + r.stderr);
  assert.ok(r.msAfterSignal < PROMPT_MS, `stopped ${Math.round(r.msAfterSignal)} ms after SIGTERM`);
  const stoppedAt = report(out).jobs[0].stats.states as number;
  const [ckpt] = readdirSync(join(out, 'checkpoints'));
  assert.ok(ckpt, 'a checkpoint was written');
  const out2 = tmp();
  const more = 50_000;
  const resumed = await new Promise<number | null>((res) => {
    const c = spawn(process.execPath, [bin, 'explore', '--resume', join(out, 'checkpoints', ckpt), '--max-states', String(stoppedAt + more), '-q', '-o', out2], { cwd: root });
    c.on('close', res);
  });
  assert.equal(resumed, 4, 'stopped again by --max-states');
  assert.equal(report(out2).jobs[0].stats.states, stoppedAt + more, 'the resumed search counts on from the checkpoint');
});

test('a second signal ends the process at once (exit 130) while the first is still being handled', async () => {
  // a command that, after the first signal, still has long work to do (as minimizing a large counterexample may)
  const script = `const s = require(${JSON.stringify(join(root, 'dist', 'src', 'cli', 'signals.js'))}).stopOnSignals('test');
    process.stderr.write('started\\n');
    const spin = () => setImmediate(spin);
    spin();`;
  const child = spawn(process.execPath, ['-e', script]);
  let stderr = '';
  const closed = new Promise<number | null>((res) => child.on('close', res));
  const seen = (re: RegExp) => new Promise<void>((res) => {
    const look = () => (re.test(stderr) ? res() : setTimeout(look, 5));
    look();
  });
  child.stderr.on('data', (c) => (stderr += c));
  await seen(/started/);
  child.kill('SIGINT');
  await seen(/test: SIGINT: stopping, writing what was done \(SIGINT again to end at once\)/);
  const t = performance.now();
  child.kill('SIGTERM');
  assert.equal(await closed, 130, stderr);
  assert.ok(performance.now() - t < PROMPT_MS);
});

test('mutate: SIGINT stops the run promptly, the partial report says how far it got', async () => {
  const out = tmp();
  const r = await interrupt(['mutate', '-o', out], /mutate: started/, ['SIGINT']);
  assert.ok(r.msAfterSignal < PROMPT_MS, `stopped ${Math.round(r.msAfterSignal)} ms after SIGINT`);
  const m = report(out, 'mutants');
  assert.equal(m.interrupted, 'SIGINT');
  assert.ok(m.outcomes.length < m.mutantsTotal);
  assert.equal(r.code, m.goalMet ? 4 : 1, r.stdout + r.stderr);
  assert.match(r.stdout, /interrupted by SIGINT: \d+ of \d+ mutants explored/);
});

test('fuzz: SIGTERM stops the campaign promptly with its report', async () => {
  const out = tmp();
  const r = await interrupt(['fuzz', '--seed', '4', '--time', '1m', '-o', out], /fuzz: seed 4/, ['SIGTERM']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.ok(r.msAfterSignal < PROMPT_MS, `stopped ${Math.round(r.msAfterSignal)} ms after SIGTERM`);
  assert.equal(report(out, 'fuzz').stoppedBy, 'stop');
});

test('--max-memory bounds the measured resident memory, and the run says it stopped there', async () => {
  const out = tmp();
  const code = await new Promise<number | null>((res) => {
    const c = spawn(process.execPath, [bin, 'explore', '-f', join(root, 'bench', 'spin', 'tlb-p5-t3.json'), '--no-reduction', '--workers', '1', '--max-memory', '150', '-q', '-o', out], { cwd: root });
    c.on('close', res);
  });
  assert.equal(code, 4);
  const rep = report(out);
  assert.equal(rep.jobs[0].bound, 'memory 150 MB');
  assert.ok(rep.totals.peakRssMB <= 150, `peak RSS ${rep.totals.peakRssMB} MB`);
  assert.ok(rep.jobs[0].stats.states > 100_000, 'it did not stop at once');
  assert.ok(existsSync(join(out, 'checkpoints')));
});
