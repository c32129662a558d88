// Swarm shards of one job: each unbounded shard visits exactly the single run's states, in its own order;
// bounded shards together cover more than one alone and merge counts the exact union from their fingerprint
// files; a faulty variant is caught by some shard; merge: violation if any, clean if some shard completed,
// else bounded and labelled as not a proof; missing shards and corrupt files are usage errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { buildModel } from '../src/model/model';
import { exploreDfs } from '../src/explorer/dfs';
import { parseShard } from '../src/explorer/shard';
import { readFingerprints, swarmSeed, unionSize, writeFingerprints } from '../src/explorer/swarm';
import { fingerprintKey } from '../src/explorer/fptable';
import { runJob } from '../src/explorer/job';
import { stressScenarios } from '../src/model/scenarios/stress';
import { findScenario } from '../src/model/scenarios';

const cli = join(__dirname, '..', 'bin', 'iommu-check.js');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

function single(m: ReturnType<typeof buildModel>): Set<string> {
  const all = new Set<string>();
  const r = exploreDfs(m, { onState: (s) => all.add(fingerprintKey(s)) });
  assert.equal(r.verdict, 'clean');
  assert.equal(all.size, r.stats.states);
  return all;
}

for (const [name, sc] of [['stress-independent-domains-2', stressScenarios[0]], ['free-racing-attach-detach', findScenario('free-racing-attach-detach')]] as const) {
  test(`${name}: each unbounded swarm shard visits exactly the single run's states, in its own order`, () => {
    const m = buildModel(sc, []);
    const want = single(m);
    const firsts: string[] = [];
    for (const index of [1, 2, 3]) {
      const seen = new Set<string>(), order: string[] = [];
      const r = exploreDfs(m, { orderSeed: swarmSeed({ index, count: 3 }), onState: (s) => { seen.add(fingerprintKey(s)); order.push(fingerprintKey(s)); } });
      assert.equal(r.verdict, 'clean');
      assert.deepEqual([...seen].sort(), [...want].sort());
      firsts.push(order.slice(0, 50).join(','));
    }
    assert.equal(new Set(firsts).size, 3, 'the three shards take different orders');
  });
}

test('bounded swarm shards cover more together than one alone; merge counts the exact union', () => {
  const sc = stressScenarios[0];
  const B = 1500;
  const sets = [1, 2, 3].map((index) => {
    const r = runJob({ scenario: sc, variants: [] }, { reduction: false, maxStates: B, shard: { index, count: 3 } });
    assert.equal(r.verdict, 'bounded');
    assert.equal(r.shard!.seed, swarmSeed({ index, count: 3 }));
    assert.equal(r.fingerprints!.length / 2, B);
    return r.fingerprints!;
  });
  const u = unionSize(sets);
  const exact = new Set(sets.flatMap((f) => Array.from({ length: f.length / 2 }, (_, i) => `${f[2 * i]}:${f[2 * i + 1]}`)));
  assert.equal(u, exact.size);
  assert.ok(u > B * 1.5, `union ${u} of three shards of ${B}`);
});

test('a fingerprint file round-trips; a corrupt one is a one-line usage error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fp-'));
  const pairs = new Uint32Array([1, 2, 3, 0xffffffff, 5, 6]);
  writeFingerprints(join(dir, 'a.fp'), pairs);
  assert.deepEqual(readFingerprints(join(dir, 'a.fp')), pairs);
  writeFileSync(join(dir, 'b.fp'), 'junk');
  assert.throws(() => readFingerprints(join(dir, 'b.fp')), /not a fingerprint file/);
});

test('a faulty variant is caught by at least one shard, with a schedule from the initial state', () => {
  const sc = findScenario('free-racing-attach-detach');
  const found = [1, 2, 3].map((i) => runJob({ scenario: sc, variants: ['free-ignores-attach-count'] }, { reduction: false, shard: { index: i, count: 3 }, minimize: false }));
  const want = sc.catches!.find((c) => c.variant === 'free-ignores-attach-count')!.invariant;
  assert.ok(found.some((r) => r.violation?.invariant === want), `some shard finds ${want}`);
  for (const r of found) if (r.violation) assert.ok(r.counterexample, 'and its counterexample replays');
});

test('--shard parsing: i/N with 1 <= i <= N', () => {
  assert.deepEqual(parseShard('2/3'), { index: 2, count: 3 });
  for (const bad of ['3/2', '0/2', '1/0', 'a/b', '1', '1/2/3']) assert.equal(parseShard(bad), null, bad);
});

test('CLI: shards, merge, missing shards, bad flags', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shard-'));
  const files: string[] = [];
  for (let i = 1; i <= 3; i++) {
    const out = join(dir, `s${i}`);
    const r = run('explore', 'free-racing-attach-detach', '--no-reduction', '--shard', `${i}/3`, '-o', out, '-q');
    assert.equal(r.status, 0, r.stderr);
    files.push(join(out, 'explore.json'));
  }
  const m = run('merge', ...files, '--out', join(dir, 'merged'));
  assert.equal(m.status, 0, m.stderr + m.stdout);
  assert.match(m.stdout, /free-racing-attach-detach.*clean/);
  const merged = JSON.parse(readFileSync(join(dir, 'merged', 'merge.json'), 'utf8'));
  assert.equal(merged.jobs[0].stats.states, 1037, 'the union, not the sum');
  assert.deepEqual(merged.jobs[0].swarm, { shards: 3, complete: [1, 2, 3], statesSummed: 3 * 1037, statesUnion: 1037 });
  // bounded shards: coverage, not a proof (exit 4)
  const bfiles = [1, 2, 3].map((i) => {
    const r = run('explore', 'free-racing-attach-detach', '--no-reduction', '--shard', `${i}/3`, '--max-states', '300', '-o', join(dir, `b${i}`), '-q');
    assert.equal(r.status, 4, r.stderr);
    return join(dir, `b${i}`, 'explore.json');
  });
  const bm = run('merge', ...bfiles, '--out', join(dir, 'bmerged'));
  assert.equal(bm.status, 4, bm.stderr + bm.stdout);
  const bj = JSON.parse(readFileSync(join(dir, 'bmerged', 'merge.json'), 'utf8')).jobs[0];
  assert.equal(bj.verdict, 'bounded');
  assert.match(bj.bound, /^swarm of 3, no shard complete: \d+ distinct states covered, not a proof$/);
  assert.ok(bj.stats.states > 300 && bj.stats.states <= 900, `${bj.stats.states} states covered`);
  const missing = run('merge', files[0], files[2], '--out', join(dir, 'merged'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /missing shard\(s\) 2\/3/);
  for (const i of [1, 2]) {
    const r = run('explore', 'free-racing-attach-detach', '-v', 'free-ignores-attach-count', '--no-reduction', '--shard', `${i}/2`, '-o', join(dir, `f${i}`), '-q');
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
  }
  const fm = run('merge', join(dir, 'f1', 'explore.json'), join(dir, 'f2', 'explore.json'), '--out', join(dir, 'fm'));
  assert.equal(fm.status, 1, fm.stdout + fm.stderr);
  for (const bad of [['--shard', '3/2'], ['--shard', 'x'], ['--workers', '0'], ['--resume', join(dir, 'missing.json')]]) {
    const r = run('explore', 'free-racing-attach-detach', '--no-reduction', ...bad);
    assert.equal(r.status, 2, `${bad.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  writeFileSync(join(dir, 'junk.json'), '{"tool":"x"}');
  assert.equal(run('merge', join(dir, 'junk.json')).status, 2);
  assert.equal(run('explore', 'free-racing-attach-detach', '--reduction', '--shard', '1/2').status, 2, 'the reduced search does not shard');
  const w = run('explore', 'free-racing-attach-detach', '--reduction', '--workers', '2');
  assert.equal(w.status, 2, 'the reduced search runs in one thread');
  assert.match(w.stderr, /--no-reduction/);
  // unless told, a swarm shard and worker threads run the full search
  assert.equal(run('explore', 'free-racing-attach-detach', '--shard', '1/2', '-q', '-o', join(dir, 'sw')).status, 0);
  assert.equal(run('explore', 'free-racing-attach-detach', '--workers', '2', '-q', '-o', join(dir, 'w2')).status, 0);
  const ok = run('explore', 'free-racing-attach-detach', '--no-reduction', '--workers', '2', '-o', join(dir, 'w'), '-q');
  assert.equal(ok.status, 0, ok.stderr);
});
