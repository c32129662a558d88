// Checkpoint and resume of the parallel full search (--workers N): a run stopped by a state budget or a signal
// leaves a checkpoint with the shared table (done flags kept), each worker's stack and the edges between workers
// met so far; resumed (through the file, on the same workers) it ends with the states and transitions of an
// uninterrupted search; a checkpoint taken on other workers, or resumed in one thread, is refused with one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel } from '../src/model/model';
import { exploreDfs } from '../src/explorer/dfs';
import { readCheckpoint, writeCheckpoint, type Checkpoint } from '../src/explorer/checkpoint';
import { packEdges, unpackEdges, type ParallelSnapshot } from '../src/explorer/parallel/snapshot';
import type { JobResult } from '../src/explorer/job';
import { stressScenarios } from '../src/model/scenarios/stress';
import { UsageError } from '../src/model/variants';

const root = join(__dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'pckpt-'));
const sc = stressScenarios.find((s) => s.name === 'stress-shared-domain')!;
// the built modules (dist/, compiled by npm test before the tests run): their workers start without ts-node
const dist = (m: string) => require(join(root, 'dist', 'src', 'explorer', m));
const runJobAsync = (job: { scenario: typeof sc; variants: string[] }, o: object): Promise<JobResult> => dist('job').runJobAsync(job, o);

function viaFile(r: JobResult, name: string): Checkpoint {
  assert.ok(r.checkpoint, `a stopped parallel search returns a checkpoint (${r.verdict}, ${r.bound})`);
  assert.equal(r.checkpoint.search, 'parallel');
  const file = join(dir, name);
  writeCheckpoint(file, r.checkpoint);
  return readCheckpoint(file);
}

test('the parallel search stopped twice by a state budget and resumed ends as the sequential search', async () => {
  const whole = exploreDfs(buildModel(sc, []));
  assert.equal(whole.verdict, 'clean');
  const job = { scenario: sc, variants: [] };
  const o = { reduction: false, workers: 2, parallelAfter: 0 };
  const a = await runJobAsync(job, { ...o, maxStates: 20_000 });
  assert.equal(a.verdict, 'bounded');
  assert.ok(a.parallel && !a.parallel.sequential, 'the workers ran');
  const ca = viaFile(a, 'a.json');
  assert.equal(ca.states, a.stats.states);
  assert.ok(ca.parallel!.stacks.some((s) => s !== null && s.next.length > 0), 'a worker was inside a root when it stopped');
  const b = await runJobAsync(job, { ...o, maxStates: 60_000, resume: ca });
  assert.equal(b.verdict, 'bounded');
  assert.ok(b.stats.states >= 60_000 && b.stats.states < whole.stats.states, `${b.stats.states} states`);
  const cb = viaFile(b, 'b.json');
  const c = await runJobAsync(job, { ...o, resume: cb });
  assert.equal(c.verdict, 'clean');
  assert.equal(c.parallel?.sequential, undefined, 'the workers decided the job');
  assert.equal(c.stats.states, whole.stats.states);
  assert.equal(c.stats.transitions, whole.stats.transitions);
  assert.equal(c.checkpoint, undefined);
  // the edges between workers met before each stop are part of the final cycle check
  assert.ok((c.parallel!.openEdges ?? 0) >= cb.parallel!.edgeCount, `${c.parallel!.openEdges} edges checked, ${cb.parallel!.edgeCount} from the checkpoint`);
});

test('a parallel checkpoint resumes on its own workers only', async () => {
  const job = { scenario: sc, variants: [] };
  const a = await runJobAsync(job, { reduction: false, workers: 2, parallelAfter: 0, maxStates: 10_000 });
  const c = viaFile(a, 'w.json');
  await assert.rejects(runJobAsync(job, { reduction: false, workers: 3, resume: c }), (e: Error) => e instanceof Error && /taken on 2 workers, this run has 3/.test(e.message));
  await assert.rejects(runJobAsync(job, { reduction: false, workers: 1, resume: c }), (e: Error) => /continues the parallel search on 2 workers/.test(e.message));
  // an edited snapshot is refused as corrupt (the digest covers it)
  const edited = { ...c, parallel: { ...c.parallel!, nextRoot: c.parallel!.nextRoot + 1 } };
  const file = join(dir, 'edited.json');
  writeCheckpoint(file, edited);
  assert.throws(() => readCheckpoint(file), (e: Error) => e instanceof UsageError && /corrupt/.test(e.message));
});

test('edges between workers round-trip through the checkpoint\'s packing', () => {
  const e = (k: number): [Int32Array, Int32Array, number] => [Int32Array.of(k, -k, 7), Int32Array.of(k + 1, 0, -1), k % 3];
  const edges = [e(1), e(2), e(-5)];
  const s = { edges: packEdges(edges, 3), edgeCount: 3 } as ParallelSnapshot;
  assert.deepEqual(unpackEdges(s, 3).map(([f, t, a]) => [[...f], [...t], a]), edges.map(([f, t, a]) => [[...f], [...t], a]));
  assert.throws(() => unpackEdges({ ...s, edgeCount: 4 }, 3), /holds 21 numbers, expected 28/);
});

const bin = join(root, 'bin', 'iommu-check.js');
const big = join(root, 'bench', 'spin', 'tlb-p4-t3.json');
const report = (out: string) => JSON.parse(readFileSync(join(out, 'explore.json'), 'utf8')).jobs[0];

function cli(args: string[], onStderr?: (text: string, kill: () => void) => void): Promise<{ code: number | null; stderr: string }> {
  return new Promise((res) => {
    const c = spawn(process.execPath, [bin, ...args], { cwd: root });
    let stderr = '';
    c.stderr.on('data', (d) => {
      stderr += d;
      onStderr?.(stderr, () => c.kill('SIGINT'));
    });
    c.on('close', (code) => res({ code, stderr }));
  });
}

test('explore --workers 2: SIGINT inside the parallel search leaves its checkpoint; --resume ends as the uninterrupted run', async () => {
  const out = mkdtempSync(join(tmpdir(), 'pckpt-cli-'));
  let sent = false;
  // the parallel search starts after 20,000 states in one thread; its progress lines count on from there
  const r = await cli(['explore', '-f', big, '--no-reduction', '--workers', '2', '--progress', '-o', out], (text, kill) => {
    if (!sent && /\r(\d{6,}|[5-9]\d{4}) states,/.test(text)) {
      sent = true;
      kill();
    }
  });
  assert.equal(r.code, 4, r.stderr);
  const [file] = readdirSync(join(out, 'checkpoints'));
  const c = readCheckpoint(join(out, 'checkpoints', file));
  assert.equal(c.search, 'parallel', 'the checkpoint is the parallel search\'s');
  assert.equal(report(out).bound, 'interrupted');
  const out2 = mkdtempSync(join(tmpdir(), 'pckpt-cli-'));
  const resumed = await cli(['explore', '--resume', join(out, 'checkpoints', file), '-q', '-o', out2]);
  assert.equal(resumed.code, 0, resumed.stderr);
  const whole = exploreDfs(buildModel(c.scenario, c.variants));
  const job = report(out2);
  assert.equal(job.verdict, 'clean');
  assert.deepEqual([job.stats.states, job.stats.transitions], [whole.stats.states, whole.stats.transitions]);
  assert.equal(job.parallel.workers, 2);
});
