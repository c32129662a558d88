// Mutation testing, a handful of mutants: each operator derives the mutants it should from the model, a
// known-bad one of each kind is caught, and every mutant documented as equivalent still exists and survives
// (so the list cannot go stale). The whole run is a benchmark: npm run bench:mutants.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findScenario, allScenarios } from '../src/model/scenarios';
import { deriveMutants } from '../src/mutate/mutants';
import { runMutants } from '../src/mutate/run';
import { documentedEquivalents } from '../src/mutate/equivalent';
import { makeMutationReport } from '../src/mutate/report';

test('mutants of domain_free: dropping its lock is caught on free-racing-attach-detach', async () => {
  const ms = deriveMutants([findScenario('free-racing-attach-detach')], { ops: ['domain_free'], operators: ['drop-lock'] });
  assert.deepEqual(ms.map((m) => m.id), ['domain_free/drop-lock/0']);
  const [o] = await runMutants(ms);
  assert.equal(o.verdict, 'killed');
  assert.ok(['no-data-race', 'no-domain-freed-while-attached'].includes(o.killedBy!.invariant), o.killedBy?.invariant);
});

for (const [scenario, op, operator, invariant] of [
  ['unmap-racing-dma-with-sync', 'iotlb_sync', 'drop-invalidation', 'no-stale-tlb-after-sync'],
  ['unmap-racing-dma-with-sync', 'unmap', 'drop-invalidation', 'no-stale-tlb-after-sync'],
  ['two-detaches-one-device', 'detach', 'drop-put', 'refcount-sane'],
  ['free-racing-attach-detach', 'attach', 'drop-get', 'refcount-sane'],
] as const) {
  test(`${op}: every ${operator} mutant is killed on ${scenario} (by ${invariant})`, async () => {
    const ms = deriveMutants([findScenario(scenario)], { ops: [op], operators: [operator] });
    assert.ok(ms.length > 0);
    for (const o of await runMutants(ms)) {
      assert.equal(o.verdict, 'killed', o.id);
      assert.equal(o.killedBy?.invariant, invariant, o.id);
    }
  });
}

test('dropping the wait for CMD_SYNC is caught; so is dropping the wait for room when two syncs overflow the queue', async () => {
  const ms = deriveMutants([findScenario('two-drivers-sync-one-queue')], { ops: ['iotlb_sync'], operators: ['drop-wait'] });
  assert.equal(ms.length, 2);
  assert.deepEqual((await runMutants(ms)).map((o) => o.verdict), ['killed', 'killed']);
});

test('every mutant documented as equivalent still exists and survives every scenario it runs on', async () => {
  const ids = Object.keys(documentedEquivalents());
  const ops = [...new Set(ids.map((id) => id.split('/')[0]))];
  const ms = deriveMutants(allScenarios(), { ops }).filter((m) => ids.includes(m.id));
  assert.deepEqual(ms.map((m) => m.id).sort(), [...ids].sort());
  for (const o of await runMutants(ms)) assert.equal(o.verdict, 'equivalent', `${o.id}: ${o.verdict} ${o.killedBy?.scenario ?? ''} ${o.killedBy?.message ?? ''}`);
});

test('the report counts equivalents out of the kill rate and requires every lock drop handled', () => {
  const base = { op: 'x', subsystem: 's', where: 'w', ms: 0 };
  const r = makeMutationReport([
    { ...base, id: 'x/drop-lock/0', operator: 'drop-lock', verdict: 'killed' },
    { ...base, id: 'x/swap-steps/0', operator: 'swap-steps', verdict: 'equivalent', reason: 'r' },
    { ...base, id: 'x/swap-steps/1', operator: 'swap-steps', verdict: 'survived' },
  ], ['s'], new Date(0), 1);
  assert.equal(r.killRate, 0.5);
  assert.equal(r.goalMet, false);
  const ok = makeMutationReport([{ ...base, id: 'x/drop-lock/0', operator: 'drop-lock', verdict: 'equivalent', reason: 'r' }], ['s'], new Date(0), 1);
  assert.equal(ok.goalMet, true);
  const bad = makeMutationReport([{ ...base, id: 'x/drop-lock/0', operator: 'drop-lock', verdict: 'survived' }], ['s'], new Date(0), 1);
  assert.equal(bad.goalMet, false);
});

test('iommu-check mutate writes its report and exits 0 when the goal holds; bad input is one line, exit 2', () => {
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const { mkdtempSync, readFileSync } = require('node:fs') as typeof import('node:fs');
  const { join } = require('node:path') as typeof import('node:path');
  const { tmpdir } = require('node:os') as typeof import('node:os');
  const root = join(__dirname, '..');
  const cli = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/iommu-check.js'), 'mutate', ...args], { cwd: root, encoding: 'utf8' });
  const out = mkdtempSync(join(tmpdir(), 'iommu-check-mut-'));
  const ok = cli('two-frees-one-domain', 'two-detaches-one-device', '-o', out, '-q');
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /mutants: \d+ killed, \d+ equivalent, 0 survived .* goal met/);
  const report = JSON.parse(readFileSync(join(out, 'mutants.json'), 'utf8'));
  assert.equal(report.format, 'iommu-check/mutants');
  assert.ok(report.outcomes.some((o: { operator: string }) => o.operator === 'drop-lock'));
  assert.match(readFileSync(join(out, 'mutants.md'), 'utf8'), /## By operator/);
  for (const [args, want] of [[['--op', 'no_such_op'], /unknown operation 'no_such_op'/], [['--operator', 'nope'], /nope/], [['no-such-scenario'], /unknown scenario/]] as const) {
    const bad = cli(...args, '-o', out);
    assert.equal(bad.status, 2, bad.stderr);
    assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
    assert.match(bad.stderr, want);
  }
});
