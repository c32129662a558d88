// Tests of the model framework: purity and determinism of steps, set-up, argument checking, domain rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel } from '../src/model/model';
import { allScenarios } from '../src/model/scenarios';
import { validateScenario, ScenarioError } from '../src/model/scenario';
import { VariantSet, UsageError } from '../src/model/variants';
import { EINVAL, EBUSY, ENOENT } from '../src/model/errno';
import { model, tiny, runAlone, traverse } from './helpers';
import { exploreDfs } from '../src/explorer/dfs';

test('apply is pure: the parent state is never modified, and the same step gives the same state', () => {
  for (const sc of allScenarios()) {
    const m = buildModel(sc);
    const s = m.initial();
    const copy = s.slice();
    const list: number[] = [];
    m.steps(s, list);
    assert.ok(list.length > 0, `${sc.name} has enabled steps`);
    for (let k = 0; k < list.length; k += 2) {
      const a = m.apply(s, list[k], list[k + 1]);
      const b = m.apply(s, list[k], list[k + 1]);
      assert.deepEqual(a, b);
      assert.deepEqual(s, copy, `${sc.name}: step of actor ${list[k]} mutated its parent state`);
    }
  }
});

test('steps are listed in a deterministic order', () => {
  const m = model('two-instances-share-domain');
  const a: number[] = [], b: number[] = [];
  m.steps(m.initial(), a);
  m.steps(m.initial(), b);
  assert.deepEqual(a, b);
});

test('set-up runs before exploration: attach + map + dma warm the IOTLB', () => {
  const m = model('unmap-racing-dma-with-sync');
  const s = m.initial();
  assert.equal(s[m.sys.tlb.tlb(0, 0, 0)], 1, 'IOTLB holds page 0 -> phys 0 (+1)');
  assert.equal(s[m.sys.dom.refs(0)], 1);
  assert.equal(s[m.sys.ret(0)], 0, 'set-up leaves thread registers clean');
});

test('attaching a domain to a device behind an instance of another configuration fails with -EINVAL', () => {
  const sc = tiny([{ name: 'a', ops: [['attach', 1, 0]] }], { instances: [0, 1], devices: [{ instance: 0, group: 0 }, { instance: 1, group: 1 }] });
  const m = buildModel(sc);
  const s = runAlone(m);
  assert.equal(s[m.sys.ret(0)], EINVAL);
  assert.equal(s[m.sys.dom.devDomain(1)], 0);
});

test('attach through a compatible second instance succeeds and counts a reference', () => {
  const sc = tiny([{ name: 'a', ops: [['attach', 0, 0], ['attach', 1, 0]] }], { instances: [3, 3], devices: [{ instance: 0, group: 0 }, { instance: 1, group: 1 }] });
  const m = buildModel(sc);
  const s = runAlone(m);
  assert.equal(s[m.sys.ret(0)], 0);
  assert.equal(s[m.sys.dom.refs(0)], 2);
});

test('group mates must share a domain; free of an attached domain is -EBUSY; free twice is -ENOENT', () => {
  const sc = tiny([{ name: 'a', ops: [['attach', 0, 0], ['attach', 1, 1]] }], {
    devices: [{ instance: 0, group: 0 }, { instance: 0, group: 0 }], domains: [{ owner: 0 }, { owner: 0 }],
  });
  let m = buildModel(sc);
  assert.equal(runAlone(m)[m.sys.ret(0)], EBUSY);
  m = buildModel(tiny([{ name: 'a', ops: [['attach', 0, 0], ['domain_free', 0]] }]));
  assert.equal(runAlone(m)[m.sys.ret(0)], EBUSY);
  m = buildModel(tiny([{ name: 'a', ops: [['domain_free', 0], ['domain_free', 0]] }]));
  assert.equal(runAlone(m)[m.sys.ret(0)], ENOENT);
});

test('a flush must wait for the hardware: iotlb_sync is blocked until the consumer executes its CMD_SYNC', () => {
  const m = buildModel(tiny([{ name: 'a', ops: [['unmap', 0, 0, 1], ['iotlb_sync', 0]] }], {
    setup: [['attach', 0, 0], ['map', 0, 0, 0], ['dma', 0, 0]],
  }));
  let s = m.initial();
  // run thread 0 only while it can move
  for (;;) {
    const list: number[] = [];
    m.steps(s, list);
    const k = list.findIndex((v, i) => i % 2 === 0 && v === 0);
    if (k < 0) break;
    s = m.apply(s, 0, 0);
  }
  assert.equal(m.label(s, 0, 0).step, 'wait for CMD_SYNC (poll CONS)');
  assert.ok(!m.finished(s, 0));
  assert.equal(s[m.sys.tlb.tlb(0, 0, 0)], 1, 'the TLBI has not run yet');
});

test('scenario validation names the offending field', () => {
  assert.throws(() => validateScenario({ name: 'x', description: 'd', instances: [0], devices: [{ instance: 3, group: 0 }], threads: [] }),
    (e: Error) => e instanceof ScenarioError && /x\.devices\[0\]\.instance: 3 is out of range 0\.\.0/.test(e.message));
  assert.throws(() => validateScenario({ name: 'Bad Name' }), /name: expected a kebab-case string/);
  assert.throws(() => validateScenario([]), /expected a JSON object/);
  assert.throws(() => validateScenario({ name: 'x', description: 'd', threads: [{ name: 't', ops: [] }], device: [] }), /x\.device: unknown field/);
});

test('op calls are checked: unknown op, bad arity, out-of-range arguments, unknown named parameter', () => {
  const bad = (ops: unknown[], re: RegExp) =>
    assert.throws(() => buildModel(tiny([{ name: 'a', ops: ops as never }])), (e: Error) => e instanceof ScenarioError && re.test(e.message));
  bad([['frobnicate', 1]], /unknown operation 'frobnicate'/);
  bad([['unmap', 0, 0]], /unmap takes 3 arguments/);
  bad([['map', 0, 9, 0]], /map iova must be an integer 0\.\.1/);
  bad([['unmap', 0, 1, 2]], /runs past the domain's 2 pages/);
  bad([{ op: 'map', domain: 0, iova: 0, phys: 0, color: 1 }], /map has no parameter 'color'/);
  bad([['ioasid_put_sid']], /ioasid_put_sid belongs to the ioasid subsystem, but this scenario has no 'ioasid' section/);
  const named = buildModel(tiny([{ name: 'a', ops: [{ op: 'map', domain: 0, iova: 1, phys: 1 }] }]));
  assert.equal(named.programs[0][0].text, 'map(domain=0, iova=1, phys=1)');
});

test('variant sets: unknown names and two variants of one slot are usage errors', () => {
  assert.throws(() => new VariantSet(['no-such']), (e: Error) => e instanceof UsageError && /unknown variant 'no-such'/.test(e.message));
  assert.throws(() => new VariantSet(['sync-no-wait', 'sync-one-instance']), /both replace 'iotlb_sync'/);
  assert.equal(new VariantSet([]).of('unmap'), 'unmap-gather');
});

test('set-up may wait for the hardware: an iotlb_sync in set-up completes through the command-queue consumer', () => {
  const m = buildModel(tiny([{ name: 'a', ops: [] }], { setup: [['attach', 0, 0], ['map', 0, 0, 0], ['dma', 0, 0], ['unmap_sync', 0, 0, 1]] }));
  const s = m.initial();
  assert.equal(s[m.sys.tlb.tlb(0, 0, 0)], 0, 'the TLBI ran');
  assert.equal(s[m.sys.pt.promised(0, 0)], 1);
  assert.equal(s[m.sys.cq.cons(0)], s[m.sys.cq.prod(0)]);
});

test('flush_tlb_all promises nothing about a page mapped, cached and unmapped again while it ran (fuzzer-found false alarm)', () => {
  const m = buildModel(tiny([
    { name: 'flusher', ops: [['flush_tlb_all', 0]] },
    { name: 'user', ops: [['map', 0, 0, 0], ['dma', 0, 0], ['unmap', 0, 0, 1]] },
  ], { pages: 1, phys: 1, setup: [['attach', 0, 0]] }));
  const r = exploreDfs(m);
  assert.equal(r.verdict, 'clean', r.violation?.message);
});

test('counters never go down: no step of any built-in scenario (or faulty variant) lowers one (Layout.counter)', () => {
  let counted = 0;
  for (const sc of allScenarios()) {
    for (const variants of [[], ...(sc.catches ?? []).map((c) => [c.variant])]) {
      const m = buildModel(sc, variants);
      const slots = m.sys.layout.counterSlots;
      if (slots.length === 0) continue;
      traverse(m, {
        edge: (s, actor, choice, x) => {
          for (const c of slots) assert.ok(x[c] >= s[c], `${sc.name}: ${m.label(s, actor, choice).step} lowers ${m.sys.layout.slotNames[c]}`);
          counted++;
        },
      });
    }
  }
  assert.ok(counted > 1000, `${counted} steps checked`);
});
