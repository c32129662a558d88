// Tests the fuzzer's coverage figures: one run's distinct states and completed operations are exactly those of
// its path (checked against a replay of its schedule), a campaign's coverage is reproducible from its seed and
// bounded by its steps and runs, and `fuzz` prints and reports it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Coverage } from '../fuzz/coverage';
import { execute } from '../fuzz/execute';
import { runCampaign } from '../fuzz/campaign';
import { allScenarios } from '../src/model/scenarios';
import { fingerprint } from '../src/model/statehash';
import { model } from './helpers';

test('one run: coverage counts the distinct states of its path and each operation that completed', () => {
  const m = model('free-racing-attach-detach');
  for (const seed of [1, 2, 3]) {
    const cov = new Coverage();
    const out = execute(m, { kind: 'walk', choices: Array.from({ length: 50 }, (_, k) => (k * 7919 + seed * 104729) & 0xffff) }, 2000, cov);
    let s = m.initial();
    const seen = new Set([fingerprint(s)]);
    let completed = 0;
    for (const [actor, choice] of out.schedule) {
      const next = m.apply(s, actor, choice);
      if (m.completedReturn(s, next, actor) !== null) completed++;
      s = next;
      seen.add(fingerprint(s));
    }
    const r = cov.report(1);
    assert.equal(r.steps, out.schedule.length);
    assert.equal(r.states, seen.size);
    assert.equal(Object.values(r.operations).reduce((a, b) => a + b, 0), completed);
    if (!out.violation) assert.ok(Object.keys(r.operations).includes('domain_free'), JSON.stringify(r.operations));
  }
});

test('a campaign reports coverage, the same for the same seed', async () => {
  const a = await runCampaign({ scenarios: allScenarios(), seed: 5, runs: 200 });
  const b = await runCampaign({ scenarios: allScenarios(), seed: 5, runs: 200 });
  const strip = (c: typeof a.coverage) => ({ ...c, stepsPerSec: 0 });
  assert.deepEqual(strip(a.coverage), strip(b.coverage));
  assert.ok(a.coverage.states > 0 && a.coverage.states <= a.coverage.steps + a.runs);
  assert.ok(Object.keys(a.coverage.operations).length >= 10, 'many operations completed');
  assert.ok(a.coverage.stepsPerSec > 0);
});

test('fuzz prints the coverage line and writes it to fuzz.json', () => {
  const out = mkdtempSync(join(tmpdir(), 'iommu-check-cov-'));
  const r = spawnSync(process.execPath, [join(__dirname, '..', 'bin', 'iommu-check.js'), 'fuzz', '--runs', '100', '--seed', '4', '-o', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /coverage: \d+ distinct states, \d+ steps \(\d+ steps\/s\); operations completed: .*unmap \d+/);
  const rep = JSON.parse(readFileSync(join(out, 'fuzz.json'), 'utf8')) as { coverage: { states: number; operations: Record<string, number> } };
  assert.ok(rep.coverage.states > 0);
  assert.match(readFileSync(join(out, 'fuzz.md'), 'utf8'), /coverage: /);
});
