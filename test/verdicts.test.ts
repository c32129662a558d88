// The checker checks itself: every correct variant of every built-in scenario explores to completion
// with no violation, every faulty variant is caught by the invariant its scenario names, and every
// faulty variant of the model is caught somewhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allScenarios } from '../src/model/scenarios';
import { allVariants } from '../src/model/variants';
import { runJob } from '../src/explorer/job';
import { correctJobs, faultyJobs } from '../src/cli/explore';
import { replayCounterexample } from '../src/explorer/replay';

for (const sc of allScenarios()) {
  for (const job of correctJobs(sc)) {
    const label = `${sc.name} [${job.variants.join('+') || 'default'}]`;
    test(`${label} explores to completion with no violation`, (t) => {
      const r = runJob(job);
      t.diagnostic(`${r.stats.states} states, ${r.stats.transitions} transitions, depth ${r.stats.maxDepth}`);
      assert.equal(r.violation, undefined, r.violation && `${r.violation.invariant}: ${r.violation.message}`);
      assert.equal(r.verdict, 'clean');
      assert.ok(r.stats.states > 1);
    });
  }
  for (const job of faultyJobs(sc)) {
    test(`${sc.name} [${job.variants[0]}] is caught by ${job.expect}, and the counterexample replays`, (t) => {
      const r = runJob(job);
      assert.equal(r.violation?.invariant, job.expect, `got ${r.violation?.invariant ?? 'no violation'}`);
      t.diagnostic(`${r.violation!.message} (${r.schedule!.length} steps, ${r.stats.states} states)`);
      const again = replayCounterexample(r.counterexample!);
      assert.ok(again.reproduced);
      assert.equal(again.violation?.message, r.violation!.message);
    });
  }
}

test('every faulty variant of the model is caught by at least one built-in scenario', () => {
  const caught = new Set(allScenarios().flatMap((s) => (s.catches ?? []).map((c) => c.variant)));
  const missing = allVariants().filter((v) => v.faulty && !caught.has(v.name)).map((v) => v.name);
  assert.deepEqual(missing, []);
});

test('every correct non-default variant is explored by at least one built-in scenario', () => {
  const used = new Set(allScenarios().flatMap((s) => (s.alternatives ?? []).flat()));
  const missing = allVariants().filter((v) => !v.faulty && !v.isDefault && !used.has(v.name)).map((v) => v.name);
  assert.deepEqual(missing, []);
});
