// Footprints say what a step depends on, no more: a counter's waiters conflict only with the write that moves
// it across their threshold, the command queue's slots are objects of their own, and a sync reads only the
// pages its thread unmapped. Each test fails if the coarser footprint comes back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LayoutBuilder, THRESHOLDS } from '../src/model/layout';
import { World } from '../src/model/world';
import { buildModel, type Model } from '../src/model/model';
import { stressScenarios } from '../src/model/scenarios/stress';
import { FootprintSpace, dependent } from '../src/explorer/footprint';
import { exploreDfs } from '../src/explorer/dfs';
import { exploreDpor } from '../src/explorer/dpor';
import { traverse } from './helpers';

function counterWorld(): { w: World; at: number; names: readonly string[] } {
  const b = new LayoutBuilder();
  const at = b.counter('q.cons', 1, () => 'q.cons')(0);
  const L = b.finish();
  return { w: new World(L), at, names: L.objectNames };
}

test('a counter: a write crossing t writes "at least t" only; atLeast(t) reads only that threshold', () => {
  const { w, at, names } = counterWorld();
  w.a[at] = 2;
  w.track(true);
  w.set(at, 3);
  assert.deepEqual(w.writeObjects.map((o) => names[o]), ['q.cons', `q.cons[0]>=3 mod ${THRESHOLDS}`]);
  w.track(true);
  assert.equal(w.atLeast(at, 4), false);
  assert.equal(w.atLeast(at, 3), true);
  assert.deepEqual(w.readObjects.map((o) => names[o]), [`q.cons[0]>=4 mod ${THRESHOLDS}`, `q.cons[0]>=3 mod ${THRESHOLDS}`]);
  // a move by several (or a reset) writes every threshold it crosses, at most all of them
  w.track(true);
  w.set(at, 0);
  assert.deepEqual(w.writeObjects.map((o) => names[o]).slice(1).sort(), [`q.cons[0]>=1 mod ${THRESHOLDS}`, `q.cons[0]>=2 mod ${THRESHOLDS}`, `q.cons[0]>=3 mod ${THRESHOLDS}`]);
  w.track(true);
  w.set(at, 100);
  assert.equal(w.writeObjects.length, 1 + THRESHOLDS);
  w.track(false);
});

/** The first `limit` states of the full search, by a plain depth-first traversal. */
function reachable(m: Model, limit: number): Int32Array[] {
  const out: Int32Array[] = [];
  traverse(m, { limit, state: (s) => out.push(s) });
  return out;
}

function footprint(m: Model, fs: FootprintSpace, s: Int32Array, actor: number): { r: Uint32Array; w: Uint32Array; enabled: boolean } {
  const ch: number[] = [], su: Int32Array[] = [];
  const fp = m.actorFootprint(s, actor, ch, su);
  const r = fs.empty(), w = fs.empty();
  fs.fill(r, w, fp.reads, fp.writes, actor, false);
  return { r, w, enabled: ch.length > 0 };
}

test('stress-shared-domain: a driver waiting for its CMD_SYNC is independent of a consumer step that does not reach it', () => {
  const sc = stressScenarios.find((s) => s.name === 'stress-shared-domain')!;
  const m = buildModel(sc);
  const fs = new FootprintSpace(m);
  let independent = 0, dependentOnes = 0;
  for (const s of reachable(m, 20_000)) {
    for (let t = 0; t < 3; t++) {
      const cur = m.currentStep(s, t);
      if (cur?.step.label !== 'wait for CMD_SYNC (poll CONS)') continue;
      // the instance it waits on: the lowest of the instances its flush has still to reach (iotlb_sync's local
      // 'instances', its second: flush/ops.ts)
      const mask = s[m.sys.local(t, 1)];
      const consumer = m.threads + Math.log2(mask & -mask); // that instance's cmdq-consumer
      const d = footprint(m, fs, s, t), c = footprint(m, fs, s, consumer);
      if (d.enabled || !c.enabled) continue;
      const after = m.apply(s, consumer, 0);
      const reaches = m.isEnabled(after, t, 0);
      const dep = dependent(d.r, d.w, c.r, c.w);
      // the consumer step that makes the driver go on must conflict with its wait; the others need not
      if (reaches) assert.ok(dep, 'the consumer step that completes the CMD_SYNC conflicts with the wait');
      if (dep) dependentOnes++;
      else independent++;
    }
  }
  assert.ok(independent > 0, `some consumer steps leave a waiting driver alone (${independent} independent, ${dependentOnes} dependent)`);
});

test('a sync reads only the pages its thread unmapped (the sync of page 0 does not conflict with the unmap of page 2)', () => {
  const sc = stressScenarios.find((s) => s.name === 'stress-shared-domain')!;
  const m = buildModel(sc);
  const fs = new FootprintSpace(m);
  let checked = 0;
  for (const s of reachable(m, 20_000)) {
    const cur0 = m.currentStep(s, 0), cur2 = m.currentStep(s, 2);
    if (!cur0 || !cur2 || cur2.step.label !== 'clear pte' || !m.isEnabled(s, 0, 0)) continue;
    const after = m.apply(s, 0, 0);
    if (after[m.sys.opIndex(0)] === s[m.sys.opIndex(0)]) continue; // driver0's step that ends its unmap_sync
    const a = footprint(m, fs, s, 0), b = footprint(m, fs, s, 2);
    assert.ok(!dependent(a.r, a.w, b.r, b.w), `${m.label(s, 0, 0).step} vs ${m.label(s, 2, 0).step}`);
    checked++;
  }
  assert.ok(checked > 0, 'met a state where driver0 ends its sync while driver2 is about to clear its pte');
});

test('stress-shared-domain: the reduced search meets the same verdict with fewer states than the full one', () => {
  const sc = stressScenarios.find((s) => s.name === 'stress-shared-domain')!;
  const m = buildModel(sc);
  const full = exploreDfs(m), red = exploreDpor(m);
  assert.equal(red.verdict, full.verdict);
  assert.ok(red.stats.states < full.stats.states, `${red.stats.states} < ${full.stats.states}`);
});
