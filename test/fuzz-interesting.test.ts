// Tests the interesting states of the invariants (Invariant.interesting) and the fuzzer's count of them: every
// state invariant declares its premise, no built-in scenario's initial state is interesting, one scenario per
// subsystem reaches an interesting state of the invariant guarding it, the coverage counts them exactly over a
// whole state graph, and a campaign says which invariants it never exercised.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allInvariants } from '../src/invariants';
import { allScenarios, findScenario } from '../src/model/scenarios';
import { Coverage } from '../fuzz/coverage';
import { runCampaign } from '../fuzz/campaign';
import { model, traverse } from './helpers';

/** The invariants deliberately without a premise, and why. */
const WITHOUT_PREMISE: Record<string, string> = {
  'no-deadlock': 'a progress invariant: checked on the state graph (no enabled step), not on single states',
};

test('every state invariant declares its interesting states; those without are listed with a reason', () => {
  for (const inv of allInvariants()) {
    if (inv.interesting) assert.ok(!(inv.id in WITHOUT_PREMISE), `${inv.id} has a premise but is listed as without`);
    else assert.ok(inv.id in WITHOUT_PREMISE, `${inv.id} declares no interesting(s, m)`);
  }
  for (const id of Object.keys(WITHOUT_PREMISE)) assert.ok(allInvariants().some((i) => i.id === id), `${id} is no invariant`);
});

test('no built-in scenario starts in an interesting state', () => {
  for (const sc of allScenarios()) {
    const m = model(sc.name), s = m.initial();
    for (const inv of m.invariants) assert.equal(inv.interesting?.(s, m) ?? false, false, `${sc.name}: initial state interesting for ${inv.id}`);
  }
});

// one scenario per subsystem, and the invariant guarding it
const GUARDS: [subsystem: string, scenario: string, invariant: string][] = [
  ['iotlb', 'unmap-racing-dma-with-sync', 'no-stale-tlb-after-sync'],
  ['domains', 'free-racing-attach-detach', 'no-domain-freed-while-attached'],
  ['refcount', 'two-detaches-one-device', 'refcount-sane'],
  ['groups', 'group-mates-attach-different-domains', 'group-in-one-domain'],
  ['flush queue', 'flush-queue-iova-reuse', 'isolation'],
  ['sva', 'unbind-racing-mm-exit', 'mm-outlives-binding'],
  ['ioasid', 'ioasid-two-vms-race-for-capacity', 'no-ioasid-quota-overrun'],
  ['ioasid (free)', 'ioasid-free-racing-bind', 'no-stale-pasid-entry'],
  ['hyp', 'hyp-free-attached-domain-racing-map', 'hyp-state-consistent'],
  ['viommu', 'guest-invalidation-across-two-smmus', 'guest-sync-complete'],
];

for (const [sub, name, id] of GUARDS)
  test(`${sub}: ${name} reaches an interesting state of ${id}, its initial state is not one`, () => {
    const m = model(name);
    const inv = m.invariants.find((i) => i.id === id);
    assert.ok(inv?.interesting, `${id} applies to ${name} with a premise`);
    assert.equal(inv.interesting(m.initial(), m), false);
    let hits = 0;
    traverse(m, { limit: 50_000, state: (s) => void (inv.interesting!(s, m) && hits++) });
    assert.ok(hits > 0, `no state of ${name} is interesting for ${id}`);
  });

test('over a whole state graph, coverage counts each invariant\'s interesting states exactly, and lists the zeros', () => {
  for (const name of ['two-frees-one-domain', 'unmap-racing-dma-with-sync']) {
    const m = model(name);
    const cov = new Coverage(), want: Record<string, number> = {};
    for (const inv of m.invariants) if (inv.interesting) want[inv.id] = 0;
    traverse(m, {
      state: (s) => {
        cov.state(s, m);
        cov.state(s, m); // a state seen again is not counted again
        for (const inv of m.invariants) if (inv.interesting?.(s, m)) want[inv.id]++;
      },
    });
    const r = cov.report(1);
    assert.deepEqual(r.interesting, want, name);
    assert.deepEqual(r.neverExercised, Object.keys(want).filter((k) => want[k] === 0).sort(), name);
  }
  // two frees of one domain with nothing attached: no sync, no attach, no detach ever happen
  const r = new Coverage();
  const m = model('two-frees-one-domain');
  traverse(m, { state: (s) => r.state(s, m) });
  const never = r.report(1).neverExercised;
  for (const id of ['no-stale-tlb-after-sync', 'refcount-sane', 'isolation']) assert.ok(never.includes(id), `${id} in ${never.join(', ')}`);
  assert.ok(!never.includes('no-domain-freed-while-attached'), 'one free leaves the other thread running on a freed domain');
});

test('a fuzz campaign on unmap-racing-dma-with-sync exercises no-stale-tlb-after-sync', async () => {
  const r = await runCampaign({ scenarios: [findScenario('unmap-racing-dma-with-sync')], seed: 3, runs: 200 });
  assert.ok(r.coverage.interesting['no-stale-tlb-after-sync'] > 0, JSON.stringify(r.coverage.interesting));
  assert.ok(!r.coverage.neverExercised.includes('no-stale-tlb-after-sync'));
  assert.ok(r.coverage.interesting['no-stale-tlb-after-sync'] <= r.coverage.states);
});

test('fuzz with one single-operation thread on two-frees-one-domain names what it never exercised', () => {
  const out = mkdtempSync(join(tmpdir(), 'iommu-check-interesting-'));
  const bin = join(__dirname, '..', 'bin', 'iommu-check.js');
  const r = spawnSync(process.execPath, [bin, 'fuzz', 'two-frees-one-domain', '--max-threads', '1', '--max-ops', '1', '--runs', '200', '--seed', '1', '-o', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const line = r.stdout.split('\n').find((l) => l.startsWith('coverage: ')) ?? '';
  const rep = JSON.parse(readFileSync(join(out, 'fuzz.json'), 'utf8')) as { coverage: { interesting: Record<string, number>; neverExercised: string[] } };
  const { interesting, neverExercised } = rep.coverage;
  // one operation from an empty set-up cannot attach and map and unmap and sync, nor attach then detach
  for (const id of ['no-stale-tlb-after-sync', 'refcount-sane', 'isolation', 'no-domain-freed-while-attached']) assert.ok(neverExercised.includes(id), `${id}: ${line}`);
  assert.deepEqual(neverExercised, Object.keys(interesting).filter((k) => interesting[k] === 0));
  const n = Object.keys(interesting).length;
  assert.match(line, new RegExp(`; invariants exercised ${n - neverExercised.length}/${n}, never: ${neverExercised.join(', ')}$`));
  assert.match(readFileSync(join(out, 'fuzz.md'), 'utf8'), /\| no-stale-tlb-after-sync \| 0 \(never exercised\) \|/);
});
