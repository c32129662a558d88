// Sharding: N shards of the full search together visit exactly the states of the single run (compared as
// fingerprint sets), each shard alone visits fewer; a faulty variant is caught by some shard; the merge
// command combines shard reports (violation if any, clean only if every shard is present and clean).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { buildModel } from '../src/model/model';
import { exploreDfs } from '../src/explorer/dfs';
import { exploreShard, parseShard } from '../src/explorer/shard';
import { FingerprintTable, fingerprintKey } from '../src/explorer/fptable';
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
  test(`${name}: the union of N shards is the single run's state set`, () => {
    const m = buildModel(sc, []);
    const want = single(m);
    for (const N of [2, 3, 5]) {
      const union = new Set<string>();
      for (let i = 1; i <= N; i++) {
        const mine = new Set<string>();
        const r = exploreShard(m, { index: i, count: N }, { visited: new FingerprintTable(), onState: (s) => { mine.add(fingerprintKey(s)); union.add(fingerprintKey(s)); } });
        assert.equal(r.verdict, 'clean');
        assert.equal(r.shard.index, i);
        assert.equal(r.stats.states, mine.size, 'a shard reports the states it checked');
        if (r.shard.frontier >= N) assert.ok(mine.size < want.size, `shard ${i}/${N} alone covers less (${mine.size} < ${want.size})`);
        for (const k of mine) assert.ok(want.has(k), 'a shard visits only reachable states');
      }
      assert.equal(union.size, want.size, `${N} shards`);
      if (name.startsWith('stress')) assert.ok(exploreShard(m, { index: 1, count: N }, { visited: new FingerprintTable() }).shard.frontier >= N, 'the split is not trivial');
    }
  });
}

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
  assert.equal(run('explore', 'free-racing-attach-detach', '--shard', '1/2').status, 2, 'the reduced search does not shard');
  const w = run('explore', 'free-racing-attach-detach', '--workers', '2');
  assert.equal(w.status, 2, 'the reduced search runs in one thread');
  assert.match(w.stderr, /--no-reduction/);
  const ok = run('explore', 'free-racing-attach-detach', '--no-reduction', '--workers', '2', '-o', join(dir, 'w'), '-q');
  assert.equal(ok.status, 0, ok.stderr);
});
