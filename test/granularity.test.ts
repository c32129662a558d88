// The granularity rule, enforced: every step of every operation and actor reached in every built-in scenario
// (each correct and faulty variant) makes at most one shared access, or says why it is atomic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allScenarios } from '../src/model/scenarios';
import { correctJobs, faultyJobs } from '../src/cli/explore';
import { buildModel, type Model } from '../src/model/model';
import { granularityError } from '../src/model/granularity';
import { traverse, tiny } from './helpers';
import { variantOf } from '../src/model/api/define';

function breaches(m: Model, limit: number): string[] {
  const out = new Set<string>();
  traverse(m, {
    limit,
    edge: (s, actor, choice) => {
      const err = granularityError(m, s, actor, choice);
      if (err) out.add(err);
    },
  });
  return [...out];
}

for (const sc of allScenarios())
  for (const job of [...correctJobs(sc), ...faultyJobs(sc)]) {
    const label = `${sc.name} [${job.variants.join('+') || 'default'}]`;
    test(`${label}: every step makes at most one shared access or says why it is atomic`, () => {
      assert.deepEqual(breaches(buildModel(sc, job.variants), 20_000), []);
    });
  }

// the check itself: coarse steps of each kind are caught, with the step and the slots named
variantOf('domain_free', 'test-coarse-free', {
  faulty: true, description: 'test: a check-then-act in one step',
  steps: (b) => [b.step('free if unused', (c) => {
    if (c.w.get(c.sys.dom.refs(0)) === 0) c.w.set(c.sys.dom.state(0), 2);
  })],
});
variantOf('detach', 'test-plain-rmw', {
  faulty: true, description: 'test: refs-- as one step',
  steps: (b) => [b.rmw('refs--', (c) => c.sys.dom.refs(0), (v) => v - 1)],
});
variantOf('attach', 'test-local-reads-shared', {
  faulty: true, description: 'test: a compute that reads shared state',
  steps: (b) => [b.compute('peek at refs', (c) => void c.w.get(c.sys.dom.refs(0)))],
});
variantOf('domain_alloc', 'test-atomic-without-reason', {
  faulty: true, description: 'test: an atomic step with no reason',
  steps: (b) => [{ ...b.step('x', () => undefined), access: 'atomic' }],
});

for (const [variant, op, want] of [
  ['test-coarse-free', 'domain_free', /'domain_free · free if unused' \(declared one\) makes 2 shared accesses .*domain\.refs\[0\].*domain\.state\[0\]/],
  ['test-plain-rmw', 'detach', /atomic read-modify-write of plain field domain\.refs\[0\]/],
  ['test-local-reads-shared', 'attach', /'attach · peek at refs' \(declared none\) touches shared state: reads \[domain\.refs\[0\]\]/],
  ['test-atomic-without-reason', 'domain_alloc', /is atomic without saying why/],
] as const) {
  test(`the rule catches ${variant}`, () => {
    const args = op === 'detach' ? [0] : op === 'attach' ? [0, 0] : [0];
    const m = buildModel(tiny([{ name: 't', ops: [[op, ...args]] }]), [variant]);
    const got = breaches(m, 100);
    assert.equal(got.length, 1, got.join('\n'));
    assert.match(got[0], want);
  });
}
