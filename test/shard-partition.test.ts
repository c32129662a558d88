// Job-partition sharding: `--shard i/N` over a run of many jobs deals the jobs out exactly (each job on one
// shard, counts within one of each other); the shards' reports merge into the single run's verdicts and counts;
// merge rejects missing, duplicate and foreign shards; scripts/shards.ts (N processes + merge) equals the
// single run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { partitionJobs, positionsOf } from '../src/explorer/partition';

const root = join(__dirname, '..');
const cli = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'iommu-check.js'), ...args], { encoding: 'utf8' });
const tmp = () => mkdtempSync(join(tmpdir(), 'iommu-check-partition-'));
const SCENARIOS = ['unmap-racing-dma-with-sync', 'free-racing-attach-detach', 'flush-queue-iova-reuse'];

interface Job { scenario: string; variants: string[]; verdict: string; expect?: string; asExpected?: boolean; violation?: { invariant: string }; stats: { states: number; transitions: number } }
const summary = (jobs: Job[]) => jobs.map((j) => [j.scenario, j.variants.join('+'), j.expect, j.verdict, j.violation?.invariant, j.asExpected, j.stats.states, j.stats.transitions]);
const jobsOf = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { jobs: Job[] }).jobs;

test('the partition is exact and balanced for every shard count', () => {
  for (let total = 0; total <= 23; total++) {
    const jobs = Array.from({ length: total }, (_, k) => k);
    for (let N = 1; N <= 7; N++) {
      const parts = Array.from({ length: N }, (_, i) => partitionJobs(jobs, { index: i + 1, count: N }));
      assert.deepEqual(parts.flat().sort((a, b) => a - b), jobs, `${total} jobs over ${N} shards: each once`);
      const sizes = parts.map((p) => p.length);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `balanced: ${sizes}`);
      parts.forEach((p, i) => assert.deepEqual(p, positionsOf(i + 1, N, total)));
    }
  }
});

test('verify --shard i/N over many jobs: each shard runs its part, merge gives the single run', () => {
  const dir = tmp();
  const single = cli('verify', ...SCENARIOS, '-o', join(dir, 'all'));
  assert.equal(single.status, 0, single.stderr);
  const want = jobsOf(join(dir, 'all', 'verify.json'));
  assert.ok(want.length >= 6);
  const files: string[] = [];
  for (let i = 1; i <= 3; i++) {
    const r = cli('verify', ...SCENARIOS, '--shard', `${i}/3`, '-o', join(dir, `s${i}`));
    assert.equal(r.status, 0, r.stderr);
    const mine = jobsOf(join(dir, `s${i}`, 'verify.json'));
    assert.deepEqual(summary(mine), summary(want.filter((_, k) => k % 3 === i - 1)), `shard ${i}/3 runs every third job`);
    files.push(join(dir, `s${i}`, 'verify.json'));
  }
  const m = cli('merge', files[2], files[0], files[1], '-o', join(dir, 'merged'));
  assert.equal(m.status, 0, m.stderr);
  assert.match(m.stdout, /merged 3 shard\(s\) of a job partition/);
  const merged = JSON.parse(readFileSync(join(dir, 'merged', 'merge.json'), 'utf8')) as { jobs: Job[]; totals: { states: number } };
  assert.deepEqual(summary(merged.jobs), summary(want));
  assert.equal(merged.totals.states, want.reduce((a, j) => a + j.stats.states, 0), 'states are not double-counted');
  const missing = cli('merge', files[0], files[2], '-o', join(dir, 'merged'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /missing shard\(s\) 2\/3/);
  const twice = cli('merge', files[0], files[0], files[1], files[2], '-o', join(dir, 'merged'));
  assert.equal(twice.status, 2);
  assert.match(twice.stderr, /shard 1\/3 given twice/);
  const other = cli('verify', SCENARIOS[0], SCENARIOS[1], '--shard', '2/3', '-o', join(dir, 'other'));
  assert.equal(other.status, 0, other.stderr);
  const foreign = cli('merge', files[0], join(dir, 'other', 'verify.json'), files[2], '-o', join(dir, 'merged'));
  assert.equal(foreign.status, 2);
  assert.match(foreign.stderr, /a different run/);
});

test('explore of a faulty variant, partitioned: merge exits 1 with the violation (explore semantics)', () => {
  const dir = tmp();
  const files = [1, 2].map((i) => {
    const r = cli('explore', ...SCENARIOS, '-v', 'fq-reuse-before-flush', '--shard', `${i}/2`, '-o', join(dir, `s${i}`), '-q');
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    return join(dir, `s${i}`, 'explore.json');
  });
  const m = cli('merge', ...files, '-o', join(dir, 'merged'));
  assert.equal(m.status, 1, m.stderr);
  const merged = jobsOf(join(dir, 'merged', 'merge.json'));
  assert.deepEqual(merged.map((j) => j.scenario), SCENARIOS);
  assert.equal(merged.find((j) => j.scenario === 'flush-queue-iova-reuse')!.violation?.invariant, 'isolation');
});

test('npm run shards (N processes, then merge) equals the single run', () => {
  const dir = tmp();
  const single = cli('verify', ...SCENARIOS, '-o', join(dir, 'all'));
  assert.equal(single.status, 0, single.stderr);
  const r = spawnSync(process.execPath, [join(root, 'dist', 'scripts', 'shards.js'), '3', 'verify', ...SCENARIOS, '-o', join(dir, 'sh')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(summary(jobsOf(join(dir, 'sh', 'merged', 'merge.json'))), summary(jobsOf(join(dir, 'all', 'verify.json'))));
  const bad = spawnSync(process.execPath, [join(root, 'dist', 'scripts', 'shards.js'), '0', 'verify'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /shard count must be 1\.\.256/);
});
