// Partial-order reduction is sound on every built-in scenario: with and without reduction the search
// meets exactly the same set of violations (every invariant checked in every state, deadlocks included),
// for the correct variants and for every faulty one; and it does cut states and transitions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allScenarios } from '../src/model/scenarios';
import { buildModel } from '../src/model/model';
import { exploreDfs } from '../src/explorer/dfs';
import { exploreDpor } from '../src/explorer/dpor';
import { runJob } from '../src/explorer/job';
import { replaySchedule } from '../src/explorer/trace';
import { model, traverse } from './helpers';
import { validateScenario } from '../src/model/scenario';
import { stressIndependentDomains } from '../src/model/scenarios/stress-independent-domains';
import { learnInvariantReads } from '../src/explorer/dporlearn';

const key = (v: { invariant: string; message: string }) => `${v.invariant}: ${v.message}`;

for (const sc of allScenarios()) {
  const runs = [[], ...(sc.alternatives ?? []), ...(sc.catches ?? []).map((c) => [c.variant])];
  for (const variants of runs) {
    test(`${sc.name} [${variants.join('+') || 'default'}]: reduced search meets the same violations as the full one`, (t) => {
      const m = buildModel(sc, variants);
      const full = exploreDfs(m, { collectAll: true });
      const red = exploreDpor(m, { collectAll: true });
      t.diagnostic(`full ${full.stats.states} states/${full.stats.transitions} transitions, reduced ${red.stats.states}/${red.stats.transitions}`);
      assert.deepEqual(new Set(red.violations!.map(key)), new Set(full.violations!.map(key)));
      assert.ok(red.stats.states <= full.stats.states && red.stats.transitions <= full.stats.transitions);
      for (const v of red.violations!) {
        const again = replaySchedule(m, v.schedule);
        assert.ok(again.violation, `${key(v)} replays`);
      }
    });
    test(`${sc.name} [${variants.join('+') || 'default'}]: verdict with reduction equals --no-reduction, each violation one of the full search's`, () => {
      const job = { scenario: sc, variants };
      const a = runJob(job), b = runJob(job, { reduction: false });
      assert.equal(a.verdict, b.verdict);
      // where a variant breaks several invariants, the two searches may meet a different one first
      const all = new Set(exploreDfs(buildModel(sc, variants), { collectAll: true }).violations!.map((v) => v.invariant));
      if (a.violation) assert.ok(all.has(a.violation.invariant) && all.has(b.violation!.invariant));
    });
  }
}

test('reduction never adds work, and cuts transitions overall and states on some scenarios', () => {
  let fullT = 0, redT = 0, fewer = 0;
  for (const sc of allScenarios()) {
    const m = buildModel(sc);
    const full = exploreDfs(m), red = exploreDpor(m);
    assert.ok(red.stats.transitions <= full.stats.transitions, `${sc.name}: ${red.stats.transitions} <= ${full.stats.transitions}`);
    assert.ok(red.stats.states <= full.stats.states, `${sc.name}: ${red.stats.states} <= ${full.stats.states}`);
    fullT += full.stats.transitions;
    redT += red.stats.transitions;
    if (red.stats.states < full.stats.states) fewer++;
  }
  assert.ok(redT < fullT, `${redT} < ${fullT}`);
  assert.ok(fewer > 0);
});

test('without the invariant-visibility rule the reduction would lose a violation (the rule is needed)', () => {
  // sync-no-wait: a stale-TLB violation only shows in an ordering of two footprint-independent steps
  const m = model('unmap-racing-dma-with-sync', ['sync-no-wait']);
  const full = exploreDfs(m, { collectAll: true });
  const red = exploreDpor(m, { collectAll: true });
  assert.equal(red.violations!.length, full.violations!.length);
  assert.ok(full.violations!.length >= 2);
});

/** Every (invariant, check() message) over all reachable states, by a plain traversal (no explorer code). */
function invariantLevelMessages(m: ReturnType<typeof buildModel>): Set<string> {
  const out = new Set<string>();
  traverse(m, {
    state: (s) => {
      for (const inv of m.invariants) {
        const msg = inv.check(s, m);
        if (msg !== null) out.add(`${inv.id}: ${msg}`);
      }
    },
  });
  return out;
}

test('every message an invariant check() gives in some reachable state is met by the reduced search', () => {
  // the collected sets are per atom for atomic invariants; this ties them back to the invariants' own check()
  for (const sc of allScenarios()) {
    for (const variants of [[], ...(sc.catches ?? []).map((c) => [c.variant])]) {
      const m = buildModel(sc, variants);
      const red = new Set(exploreDpor(m, { collectAll: true }).violations!.map(key));
      for (const msg of invariantLevelMessages(m)) assert.ok(red.has(msg), `${sc.name} [${variants.join('+')}]: ${msg}`);
    }
  }
});

test('stress: independent pairs (correct and sync-no-wait) meet the same violations with reduction, with far fewer states', () => {
  for (const variants of [[], ['sync-no-wait'], ['unmap-no-invalidate']]) {
    const m = buildModel(validateScenario(stressIndependentDomains(2)), variants);
    const full = exploreDfs(m, { collectAll: true });
    const red = exploreDpor(m, { collectAll: true });
    assert.deepEqual(new Set(red.violations!.map(key)), new Set(full.violations!.map(key)));
    if (variants.length === 0) assert.ok(red.stats.states * 10 <= full.stats.states, `${red.stats.states} * 10 <= ${full.stats.states}`);
  }
});

test('the reduced search learns the invariants\' reads before its first round: rounds are rarely redone, and the search is the same', () => {
  let before = 0, after = 0;
  for (const name of ['two-instances-bind-one-mm', 'bind-racing-unbind-same-mm', 'hyp-host-races-one-iova', 'group-mates-attach-different-domains']) {
    const sc = allScenarios().find((s) => s.name === name)!;
    const learnt = exploreDpor(buildModel(sc));
    // the same search seeded with nothing learnt: what each round met, as before this warm-up
    const none = learnInvariantReads(buildModel(sc)).map((b) => new Uint32Array(b.length));
    const unlearnt = exploreDpor(buildModel(sc), { seedReads: none });
    assert.equal(learnt.stats.states, unlearnt.stats.states, name);
    assert.equal(learnt.stats.transitions, unlearnt.stats.transitions, name);
    assert.ok(learnt.stats.rounds! <= unlearnt.stats.rounds!, name);
    before += unlearnt.stats.rounds!;
    after += learnt.stats.rounds!;
  }
  assert.ok(before >= 3 * after, `rounds ${before} -> ${after}`); // 28 -> 6 when written
});
