// The automatic choice of search (reduction 'auto', the CLI's default; choice.ts and job.ts): a job that ends
// within the full search's probe runs the full search; past it, threads in groups that never touch each other's
// objects get the reduced search, and contended ones the full search continued from where the probe stopped
// (the same states and transitions as a plain full search); the report says which ran and why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildModel } from '../src/model/model';
import { chooseSearch } from '../src/explorer/choice';
import { runJob, FULL_PROBE_STATES } from '../src/explorer/job';
import { stressScenarios } from '../src/model/scenarios/stress';
import { findScenario } from '../src/model/scenarios';
import { validateScenario, type ScenarioSpec } from '../src/model/scenario';

const stress = (name: string) => stressScenarios.find((s) => s.name === name)!;
const tlb = validateScenario(JSON.parse(readFileSync(join(__dirname, '..', 'bench', 'spin', 'tlb-p3-t2.json'), 'utf8')) as ScenarioSpec);

test('the rule: independent domains get the reduced search; a shared domain and the TLB protocol the full one', () => {
  for (const n of ['stress-independent-domains-2', 'stress-independent-domains-3']) {
    const c = chooseSearch(buildModel(stress(n)));
    assert.equal(c.search, 'reduced', `${n}: ${c.why}`);
    assert.match(c.why, /groups that touch disjoint objects/);
  }
  for (const sc of [stress('stress-shared-domain'), tlb, findScenario('free-racing-attach-detach')]) {
    const c = chooseSearch(buildModel(sc));
    assert.equal(c.search, 'full', `${sc.name}: ${c.why}`);
    assert.ok(c.sampled < 500, `${sc.name}: decided after ${c.sampled} states`);
  }
});

test('a small job ends within the probe: the full search, said so', () => {
  const sc = findScenario('free-racing-attach-detach');
  const r = runJob({ scenario: sc, variants: [] }, { reduction: 'auto' });
  const full = runJob({ scenario: sc, variants: [] }, { reduction: false });
  assert.equal(r.search?.ran, 'full');
  assert.match(r.search!.why, new RegExp(`probe of ${FULL_PROBE_STATES} states`));
  assert.equal(r.stats.states, full.stats.states);
});

test('a job stopped within the probe says so: no choice was made', () => {
  const r = runJob({ scenario: tlb, variants: [] }, { reduction: 'auto', maxStates: 500 });
  assert.equal(r.verdict, 'bounded');
  assert.equal(r.search?.ran, 'full');
  assert.match(r.search!.why, new RegExp(`^stopped \\(500 states\\) within the full search's probe of ${FULL_PROBE_STATES} states, before the choice$`));
});

test('past the probe, a contended job goes on with the same full search: same states and transitions', () => {
  const a = runJob({ scenario: tlb, variants: [] }, { reduction: 'auto' });
  const f = runJob({ scenario: tlb, variants: [] }, { reduction: false });
  assert.ok(f.stats.states > FULL_PROBE_STATES);
  assert.equal(a.search?.ran, 'full');
  assert.equal(a.stats.states, f.stats.states);
  assert.equal(a.stats.transitions, f.stats.transitions);
  assert.equal(a.verdict, 'clean');
});

test('past the probe, independent threads get the reduced search (884,736 full states, 1,261 reduced)', () => {
  const r = runJob({ scenario: stress('stress-independent-domains-3'), variants: [] }, { reduction: 'auto' });
  assert.equal(r.search?.ran, 'reduced');
  assert.equal(r.verdict, 'clean');
  assert.ok(r.stats.states < 5000, `${r.stats.states} states`);
});

test('a faulty variant is caught under the automatic choice as under both searches', () => {
  const sc = findScenario('unmap-racing-dma-with-sync');
  const job = { scenario: sc, variants: ['sync-no-wait'] };
  const want = sc.catches!.find((c) => c.variant === 'sync-no-wait')!.invariant;
  for (const reduction of ['auto', true, false] as const) assert.equal(runJob(job, { reduction, invariants: [want] }).violation?.invariant, want, String(reduction));
});
