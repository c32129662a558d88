// Bounds and progress: each bound stops the search with verdict 'bounded' naming the bound (never
// "clean"); deadlocks and livelocks (fair cycles in which no operation completes) are violations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel } from '../src/model/model';
import { exploreDfs } from '../src/explorer/dfs';
import { exploreDpor } from '../src/explorer/dpor';
import { runJob } from '../src/explorer/job';
import { verdictText } from '../src/report/table';
import { findScenario } from '../src/model/scenarios';
import { model, tiny } from './helpers';

// test_spin_until_unused: spin (a step that loops on itself) until domain 0 has no attached device
import './fixtures/spin-ops';

test('--max-depth stops with a bounded verdict naming the bound', () => {
  const r = exploreDfs(model('free-racing-attach-detach'), { maxDepth: 5 });
  assert.equal(r.verdict, 'bounded');
  assert.equal(r.bound, 'depth 5');
  assert.ok(r.stats.maxDepth <= 5);
});

test('--max-states stops with a bounded verdict in both searches', () => {
  for (const f of [exploreDfs, exploreDpor]) {
    const r = f(model('free-racing-attach-detach'), { maxStates: 50 });
    assert.equal(r.verdict, 'bounded');
    assert.equal(r.bound, '50 states');
  }
});

test('preemption bound: 0 preemptions explores fewer states than 1, which explores fewer than unbounded', () => {
  const m = model('free-racing-attach-detach');
  const p0 = exploreDfs(m, { maxPreemptions: 0 });
  const p1 = exploreDfs(m, { maxPreemptions: 1 });
  const all = exploreDfs(m, { reduction: false });
  assert.equal(p0.verdict, 'bounded');
  assert.equal(p0.bound, '0 preemptions');
  assert.ok(p0.stats.states < p1.stats.states, `${p0.stats.states} < ${p1.stats.states}`);
  assert.equal(all.verdict, 'clean');
});

test('a preemption bound still finds a bug that needs one preemption', () => {
  const r = runJob({ scenario: findScenario('unmap-racing-dma-with-sync'), variants: ['sync-no-wait'] }, { maxPreemptions: 1 });
  assert.equal(r.violation?.invariant, 'no-stale-tlb-after-sync');
});

test('operations per thread: only the first N operations of each thread run', () => {
  const m = model('unmap-racing-dma-with-sync');
  const r = exploreDfs(m, { maxOpsPerThread: 1 });
  assert.equal(r.verdict, 'bounded');
  assert.equal(r.bound, '1 operations per thread');
  assert.ok(r.stats.states < exploreDfs(m).stats.states);
});

test('time budget and stop request end the search cleanly as bounded', () => {
  const m = model('two-instances-share-domain', ['unmap-eager-tlbi']);
  const r = exploreDfs(m, { shouldStop: () => true });
  assert.equal(r.verdict, 'bounded');
  assert.equal(r.bound, 'interrupted');
  const t = exploreDpor(m, { timeBudgetMs: 1e-9 });
  assert.match(t.bound ?? '', /^time/);
});

test('a bounded run is reported as "clean up to bound", never "clean"', () => {
  const r = runJob({ scenario: findScenario('free-racing-attach-detach'), variants: [] }, { maxDepth: 4 });
  const text = verdictText({ ...r, stats: r.stats } as never);
  assert.equal(text, 'clean up to bound (depth 4)');
});

test('livelock: a thread spinning on a condition nobody will make true is reported', () => {
  const sc = tiny([{ name: 'spinner', ops: [['test_spin_until_unused']] }], { setup: [['attach', 0, 0]] });
  for (const f of [exploreDfs, exploreDpor]) {
    const r = f(buildModel(sc));
    assert.equal(r.violation?.invariant, 'no-livelock', `${f.name}: ${r.verdict}`);
    assert.match(r.violation!.message, /spinner spins in test_spin_until_unused\(\) at 'read refcount'/);
  }
});

test('no livelock when the condition is made true by a thread the cycle would starve (fairness)', () => {
  const sc = tiny([{ name: 'spinner', ops: [['test_spin_until_unused']] }, { name: 'user', ops: [['detach', 0]] }],
    { setup: [['attach', 0, 0]] });
  const r = exploreDfs(buildModel(sc));
  assert.equal(r.verdict, 'clean', r.violation?.message);
  const off = exploreDfs(buildModel(sc), { livelock: false });
  assert.equal(off.verdict, 'clean');
});

test('deadlocks are still found with reduction on', () => {
  // the spinner without fairness issues is a livelock; a deadlock needs a step that waits: lock held forever
  const m = model('free-racing-attach-detach', ['free-ignores-attach-count']);
  const r = exploreDpor(m, { collectAll: true });
  const f = exploreDfs(m, { collectAll: true });
  assert.deepEqual(r.violations!.filter((v) => v.invariant === 'no-deadlock').length, f.violations!.filter((v) => v.invariant === 'no-deadlock').length);
});
