// The minimizer removes threads, operations and steps while the violation still replays, and its result
// is an ordinary counterexample that replays; bitstate mode is reported as bounded with its omission chance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findScenario } from '../src/model/scenarios';
import { runJob } from '../src/explorer/job';
import { replayCounterexample } from '../src/explorer/replay';
import { parseCounterexample } from '../src/explorer/counterexample';

test('a faulty run yields a minimized counterexample that is smaller and replays the same invariant', () => {
  const r = runJob({ scenario: findScenario('free-racing-attach-detach'), variants: ['free-ignores-attach-count'] });
  assert.ok(r.minimized, 'something could be removed');
  const min = parseCounterexample(JSON.stringify(r.minimized), 'min.json');
  const ops = (sc: typeof min.scenario) => sc.threads.reduce((a, t) => a + t.ops.length, 0);
  assert.ok(min.scenario.threads.length < r.counterexample!.scenario.threads.length || ops(min.scenario) < ops(r.counterexample!.scenario));
  assert.ok(min.schedule.length <= r.schedule!.length);
  const again = replayCounterexample(min);
  assert.ok(again.reproduced);
  assert.equal(again.violation?.invariant, 'no-domain-freed-while-attached');
});

test('--no-minimize keeps only the counterexample as found', () => {
  const r = runJob({ scenario: findScenario('unmap-racing-dma-with-sync'), variants: ['sync-no-wait'] }, { minimize: false });
  assert.equal(r.minimized, undefined);
  assert.ok(r.counterexample);
});

test('bitstate mode explores the same states on a small scenario and says it may omit states', () => {
  const sc = findScenario('two-instances-share-domain');
  const exact = runJob({ scenario: sc, variants: [] }, { reduction: false });
  const bit = runJob({ scenario: sc, variants: [] }, { bitstateLog2: 24 });
  assert.equal(bit.verdict, 'bounded');
  assert.match(bit.bound!, /^bitstate 2\^24 bits: states may have been omitted, p\(omission per state\) = /);
  assert.equal(bit.stats.states, exact.stats.states);
  const caught = runJob({ scenario: sc, variants: ['sync-one-instance'] }, { bitstateLog2: 20 });
  assert.equal(caught.violation?.invariant, 'no-stale-tlb-after-sync');
});
