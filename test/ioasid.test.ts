// Tests of the IOASID (PASID) allocator model: return values and error codes of each operation, quotas
// and capacity, references and the FREE notification, the scenario section's validation, and the
// invariants on hand-made states.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel, type Model } from '../src/model/model';
import { validateScenario, ScenarioError, type ScenarioSpec } from '../src/model/scenario';
import { EACCES, EBUSY, EINVAL, ENOENT, ENOSPC } from '../src/model/errno';
import { PASID_ACTIVE, PASID_FREE, PASID_FREE_PENDING, SET_DESTROYED, SET_DYING, SET_LIVE } from '../src/model/stack/ioasid-core';
import { runJob } from '../src/explorer/job';
import { findScenario } from '../src/model/scenarios';

function spec(ioasid: Record<string, unknown>, threads: ScenarioSpec['threads'], setup: ScenarioSpec['setup'] = []): ScenarioSpec {
  return validateScenario({
    name: 'ioasid-unit', description: 'test', instances: [], devices: [], domains: [], pages: 1, phys: 1,
    ioasid, setup, threads,
  });
}

/** Run thread 0 alone; return the model, the final state and every value thread 0's ops returned. */
function run(ioasid: Record<string, unknown>, ops: ScenarioSpec['threads'][0]['ops'], opts: { setup?: ScenarioSpec['setup']; variants?: string[] } = {}) {
  const m = buildModel(spec(ioasid, [{ name: 't', ops }], opts.setup), opts.variants ?? []);
  const rets: number[] = [];
  let s = m.initial();
  for (let guard = 0; guard < 1000; guard++) {
    const list: number[] = [];
    m.steps(s, list);
    if (list.length === 0) break;
    const before = m.sys.opIndex(0);
    const op = s[before];
    s = m.apply(s, list[0], list[1]);
    if (list[0] === 0 && s[before] !== op) rets.push(s[m.sys.ret(0)]);
  }
  assert.ok(m.done(s), 'thread finished');
  return { m, s, rets };
}

const vm = { capacity: 3, pasids: 4, sets: [{ quota: 0 }, { quota: 2 }, { quota: 3 }] };

test('ioasid_alloc hands out the lowest free PASID, counts it in the set and the system, and keeps it for pasid=-1', () => {
  const { m, s, rets } = run(vm, [['ioasid_alloc', 1], ['ioasid_alloc', 2], ['ioasid_free', 1, -1]]);
  assert.deepEqual(rets, [0, 1, EACCES], 'the thread\'s PASID is now 1 (set 2), which set 1 may not free');
  const f = m.sys.ias;
  assert.equal(s[f.owner(0)], 2);
  assert.equal(s[f.owner(1)], 3);
  assert.equal(s[f.count(1)], 1);
  assert.equal(s[f.count(2)], 1);
  assert.equal(s[f.used], 2);
  assert.equal(s[f.threadPasid(0)], 2);
});

test('ioasid_alloc fails with -ENOSPC at the set quota, and at the system capacity while the quota still allows', () => {
  let r = run(vm, [['ioasid_alloc', 1], ['ioasid_alloc', 1], ['ioasid_alloc', 1]]);
  assert.deepEqual(r.rets, [0, 1, ENOSPC]);
  r = run(vm, [['ioasid_alloc', 2], ['ioasid_alloc', 2], ['ioasid_alloc', 1], ['ioasid_alloc', 2]]);
  assert.deepEqual(r.rets, [0, 1, 2, ENOSPC], 'capacity 3 reached with set 2 at 2 of 3');
  assert.equal(r.s[r.m.sys.ias.state(3)], PASID_FREE, 'PASID value 3 exists but is beyond the capacity');
  r = run(vm, [['ioasid_alloc', 0]]);
  assert.deepEqual(r.rets, [ENOSPC], 'the system set has quota 0');
});

test('ioasid_free: -ENOENT on a free PASID, -EACCES from another set, -EINVAL for pasid=-1 with nothing allocated; a freed PASID is reused', () => {
  const { m, s, rets } = run(vm, [
    ['ioasid_free', 1, -1], ['ioasid_free', 1, 0], ['ioasid_alloc', 1], ['ioasid_free', 2, 0], ['ioasid_free', 1, -1],
    ['ioasid_free', 1, 0], ['ioasid_alloc', 2],
  ]);
  assert.deepEqual(rets, [EINVAL, ENOENT, 0, EACCES, 0, ENOENT, 0]);
  const f = m.sys.ias;
  assert.equal(s[f.owner(0)], 3, 'PASID 0 reused by set 2');
  assert.equal(s[f.count(1)], 0);
  assert.equal(s[f.used], 1);
});

test('freeing a bound PASID sends FREE: the IOMMU clears its entry and puts its reference, KVM drops its translation, then it is released', () => {
  const { m, s, rets } = run(vm, [['ioasid_alloc', 1], ['ioasid_bind', -1, 0], ['ioasid_bind', 0, 0], ['ioasid_free', 1, 0]]);
  const f = m.sys.ias;
  assert.deepEqual(rets, [0, 0, -17 /* EEXIST */, 0]);
  assert.equal(s[f.entry(0)], 0);
  assert.equal(s[f.g2h(1, 0)], 0);
  assert.equal(s[f.state(0)], PASID_FREE);
  assert.equal(s[f.freeDone(0)], 1);
  assert.equal(s[f.count(1)], 0);
});

test('bind takes a reference and programs the entry; unbind clears both and puts it', () => {
  const { m, s, rets } = run(vm, [['ioasid_alloc', 2], ['ioasid_bind', -1, 0]]);
  const f = m.sys.ias;
  assert.deepEqual(rets, [0, 0]);
  assert.equal(s[f.refs(0)], 2);
  assert.equal(s[f.entry(0)], 3);
  assert.equal(s[f.g2h(2, 0)], 1);
  const u = run(vm, [['ioasid_alloc', 2], ['ioasid_bind', -1, 0], ['ioasid_unbind', -1], ['ioasid_unbind', 0]]);
  assert.deepEqual(u.rets, [0, 0, 0, EINVAL]);
  assert.equal(u.s[f.refs(0)], 1);
  assert.equal(u.s[f.entry(0)], 0);
  assert.equal(u.s[f.g2h(2, 0)], 0);
});

test('without the IOMMU on the chain, a freed bound PASID stays FREE_PENDING (bind -EBUSY) until unbind puts the last reference', () => {
  const cfg = { ...vm, subscribers: ['kvm'], guestPasids: 2 };
  const { m, s, rets } = run(cfg, [['ioasid_alloc', 1], ['ioasid_bind', -1, 0], ['ioasid_free', 1, 0], ['ioasid_free', 1, 0], ['ioasid_bind', 0, 1]]);
  const f = m.sys.ias;
  assert.deepEqual(rets, [0, 0, 0, 0, EBUSY], 'a second free of a pending PASID returns quietly');
  assert.equal(s[f.state(0)], PASID_FREE_PENDING);
  assert.equal(s[f.count(1)], 1, 'still counted against the quota');
  const u = run(cfg, [['ioasid_alloc', 1], ['ioasid_bind', -1, 0], ['ioasid_free', 1, 0], ['ioasid_unbind', 0]]);
  assert.equal(u.s[f.state(0)], PASID_FREE);
  assert.equal(u.s[f.count(1)], 0);
});

test('free-refuses-bound: ioasid_free of a bound PASID is -EBUSY until it is unbound', () => {
  const { s, m, rets } = run(vm, [['ioasid_alloc', 1], ['ioasid_bind', -1, 0], ['ioasid_free', 1, 0], ['ioasid_unbind', 0], ['ioasid_free', 1, 0]], { variants: ['free-refuses-bound'] });
  assert.deepEqual(rets, [0, 0, EBUSY, 0, 0]);
  assert.equal(s[m.sys.ias.state(0)], PASID_FREE);
});

test('ioasid_adjust_set refuses a quota below the allocated count (-EBUSY); adjust-ignores-count writes it', () => {
  let r = run(vm, [['ioasid_alloc', 1], ['ioasid_alloc', 1], ['ioasid_adjust_set', 1, 1], ['ioasid_adjust_set', 1, 3]]);
  assert.deepEqual(r.rets, [0, 1, EBUSY, 0]);
  assert.equal(r.s[r.m.sys.ias.quota(1)], 3);
  r = run(vm, [['ioasid_alloc', 1], ['ioasid_alloc', 1], ['ioasid_adjust_set', 1, 1]], { variants: ['adjust-ignores-count'] });
  assert.deepEqual(r.rets, [0, 1, 0]);
  assert.equal(r.m.check(r.s)?.invariant, 'no-ioasid-quota-overrun');
});

test('ioasid_find_sid takes a set reference: a destroying free_set leaves the set DYING until the put', () => {
  const { m, s, rets } = run(vm, [
    ['ioasid_alloc', 1], ['ioasid_alloc', 1], ['ioasid_find_sid', 1], ['ioasid_find_sid', 0], ['ioasid_free_set', 1, 1],
    ['ioasid_alloc', 1], ['ioasid_find_sid', 0],
  ]);
  const f = m.sys.ias;
  assert.deepEqual(rets, [0, 1, 1, EBUSY, 0, EINVAL, ENOENT]);
  assert.equal(s[f.setState(1)], SET_DYING);
  assert.equal(s[f.count(1)], 0);
  assert.equal(s[f.owner(0)] + s[f.owner(1)], 0);
  const p = run(vm, [['ioasid_alloc', 1], ['ioasid_find_sid', -1], ['ioasid_free_set', 1, 1], ['ioasid_put_sid'], ['ioasid_put_sid']]);
  assert.deepEqual(p.rets, [0, 1, 0, 0, EINVAL]);
  assert.equal(p.s[f.setState(1)], SET_DESTROYED);
  const keep = run(vm, [['ioasid_alloc', 1], ['ioasid_free_set', 1, 0], ['ioasid_alloc', 1]]);
  assert.deepEqual(keep.rets, [0, 0, 0], 'without destroy the set stays usable');
  assert.equal(keep.s[f.setState(1)], SET_LIVE);
});

test('a spinlock in an RCU callback is fine; the mutex variant there is caught, and is clean in thread context', () => {
  const cfg = { ...vm, atomic: [0] };
  let r = run(cfg, [['ioasid_alloc', 1], ['ioasid_free', 1, -1]]);
  assert.equal(r.m.check(r.s), null);
  assert.equal(r.s[r.m.sys.ias.preempt(0)], 1, 'the spinlock restored the preempt count');
  r = run(cfg, [['ioasid_alloc', 1]], { variants: ['ioasid-mutex'] });
  assert.equal(r.m.check(r.s)?.invariant, 'no-sleep-in-atomic');
  r = run(vm, [['ioasid_alloc', 1], ['ioasid_free', 1, -1]], { variants: ['ioasid-mutex'] });
  assert.equal(r.m.check(r.s), null);
  const job = runJob({ scenario: findScenario('ioasid-free-racing-bind'), variants: ['ioasid-mutex'] });
  assert.equal(job.verdict, 'clean', 'no atomic thread: the mutex is correct there');
});

test('free-notify-deferred: the PASID is released at once and the workqueue delivers FREE later', () => {
  const m = buildModel(spec(vm, [{ name: 't', ops: [['ioasid_alloc', 1], ['ioasid_bind', -1, 0], ['ioasid_free', 1, -1]] }]), ['free-notify-deferred']);
  assert.equal(m.sys.actors.length, 1);
  let s = m.initial();
  while (!m.finished(s, 0)) s = m.apply(s, 0, 0);
  const f = m.sys.ias;
  assert.equal(s[f.state(0)], PASID_FREE);
  assert.equal(s[f.entry(0)], 2, 'the IOMMU still maps the released PASID');
  const list: number[] = [];
  m.steps(s, list);
  assert.deepEqual(list, [1, 0], 'only the workqueue can move, for PASID 0');
  s = m.apply(s, 1, 0);
  assert.equal(s[f.entry(0)], 0);
  assert.equal(s[f.g2h(1, 0)], 0);
  assert.equal(s[f.freeDone(0)], 1);
  assert.equal(buildModel(spec(vm, [{ name: 't', ops: [] }])).sys.actors.length, 0, 'no workqueue by default');
});

test('the invariants name what is wrong on hand-made states', () => {
  const m: Model = buildModel(spec(vm, [{ name: 't', ops: [] }]));
  const f = m.sys.ias;
  const s = m.initial();
  assert.equal(m.check(s), null);
  s[f.owner(0)] = 2; s[f.state(0)] = PASID_ACTIVE;
  assert.match(m.check(s)!.message, /ioasid_set 1 counts 0 IOASIDs \(nr_ioasids\) but holds 1/);
  s[f.count(1)] = 1;
  assert.match(m.check(s)!.message, /capacity counter says 0/);
  s[f.used] = 1;
  assert.equal(m.check(s), null);
  s[f.entry(0)] = 3;
  assert.deepEqual(m.check(s), { invariant: 'pasid-unique', message: 'PASID 0 is allocated to ioasid_set 1 while the IOMMU PASID entry still maps it for set 2' });
  s[f.entry(0)] = 0; s[f.g2h(2, 0)] = 1;
  assert.match(m.check(s)!.message, /KVM of set 2 still translates guest PASID 0 to it/);
  s[f.g2h(2, 0)] = 0; s[f.owner(0)] = 0; s[f.state(0)] = PASID_FREE; s[f.count(1)] = 0; s[f.used] = 0; s[f.freeDone(0)] = 1; s[f.entry(0)] = 2;
  assert.equal(m.check(s)?.invariant, 'no-stale-pasid-entry');
  s[f.entry(0)] = 0;
  for (const [p, set] of [[0, 1], [1, 1], [2, 1]]) { s[f.owner(p)] = set + 1; s[f.state(p)] = PASID_ACTIVE; }
  s[f.count(1)] = 3; s[f.used] = 3; s[f.freeDone(0)] = 0;
  assert.match(m.check(s)!.message, /ioasid_set 1 holds 3 PASIDs, over its quota of 2/);
  s[f.quota(1)] = 3; s[f.owner(3)] = 3; s[f.state(3)] = PASID_ACTIVE; s[f.count(2)] = 1; s[f.used] = 4;
  assert.match(m.check(s)!.message, /hold 4 PASIDs together, over the system capacity of 3/);
});

test('the ioasid section is validated, each error naming its field', () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ capacity: 0, sets: [{ quota: 0 }] }, /ioasid\.capacity: 0 is out of range 1\.\.8/],
    [{ capacity: 2, pasids: 1, sets: [{ quota: 0 }] }, /ioasid\.pasids: 1 is out of range 2\.\.8/],
    [{ capacity: 2, sets: [] }, /ioasid\.sets: expected a list of 1\.\.4 sets/],
    [{ capacity: 2, sets: [{ quota: 3 }] }, /ioasid\.sets\[0\]\.quota: 3 is out of range 0\.\.2/],
    [{ capacity: 2, sets: [{ quota: 1, owner: 0 }] }, /ioasid\.sets\[0\]\.owner: unknown field/],
    [{ capacity: 2, sets: [{ quota: 1 }], subscribers: ['vfio'] }, /ioasid\.subscribers\[0\]: expected one of iommu, kvm/],
    [{ capacity: 2, sets: [{ quota: 1 }], subscribers: ['kvm', 'kvm'] }, /ioasid\.subscribers\[1\]: kvm is listed twice/],
    [{ capacity: 2, sets: [{ quota: 1 }], atomic: [1] }, /ioasid\.atomic\[0\]: 1 is out of range 0\.\.0/],
    [{ capacity: 2, sets: [{ quota: 1 }], quotas: 1 }, /ioasid\.quotas: unknown field/],
  ];
  for (const [section, re] of bad) assert.throws(() => spec(section, [{ name: 't', ops: [] }]), (e: unknown) => e instanceof ScenarioError && re.test(e.message));
  assert.throws(() => buildModel(spec(vm, [{ name: 't', ops: [['ioasid_alloc', 3]] }])), /ioasid_alloc set must be an integer 0\.\.2/);
  assert.throws(() => buildModel(spec(vm, [{ name: 't', ops: [['ioasid_free', 1, -2]] }])), /pasid must be an integer -1\.\.3/);
  assert.throws(() => buildModel(spec(vm, [{ name: 't', ops: [['ioasid_adjust_set', 1, 4]] }])), /quota must be an integer 0\.\.3/);
  assert.throws(
    () => buildModel(validateScenario({ name: 'x', description: 'x', threads: [{ name: 't', ops: [['ioasid_alloc', 0]] }] })),
    (e: unknown) => e instanceof ScenarioError && /ioasid_alloc belongs to the ioasid subsystem, but this scenario has no 'ioasid' section/.test(e.message),
  );
});

test('scenarios without an ioasid section lay out no ioasid state', () => {
  const m = buildModel(findScenario('unmap-racing-dma-with-sync'));
  assert.equal(m.sys.ias.present, false);
  assert.ok(!m.sys.layout.slotNames.some((n) => /pasid|ioasid|set\./.test(n)));
  assert.ok(!m.invariants.some((i) => i.family === 'ioasid'));
});
