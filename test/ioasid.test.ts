// Tests of the IOASID (PASID) allocator model: return values and error codes of each operation, quotas
// and capacity, references and the FREE notification, the scenario section's validation, and the
// invariants on hand-made states.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel, type Model } from '../src/model/model';
import { validateScenario, ScenarioError, type ScenarioSpec } from '../src/model/scenario';
import { EACCES, EBUSY, EINVAL, ENOENT, ENOSPC } from '../src/model/errno';
import { PASID_ACTIVE, PASID_FREE_PENDING, SET_DESTROYED, SET_DYING, SET_LIVE, ias } from '../src/model/ioasid/state';
import { variantOf } from '../src/model/api/define';
import { xaAlloc } from '../src/model/ioasid/xarray';
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
  assert.equal(r.s[r.m.sys.ias.xa(3)], 0, 'PASID value 3 exists but is beyond the capacity');
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
  assert.equal(s[f.xa(0)], 0, 'erased from the allocator\'s xarray');
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
  assert.equal(u.s[f.xa(0)], 0);
  assert.equal(u.s[f.count(1)], 0);
});

test('free-refuses-bound: ioasid_free of a bound PASID is -EBUSY until it is unbound', () => {
  const { s, m, rets } = run(vm, [['ioasid_alloc', 1], ['ioasid_bind', -1, 0], ['ioasid_free', 1, 0], ['ioasid_unbind', 0], ['ioasid_free', 1, 0]], { variants: ['free-refuses-bound'] });
  assert.deepEqual(rets, [0, 0, EBUSY, 0, 0]);
  assert.equal(s[m.sys.ias.xa(0)], 0);
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
  assert.equal(s[f.xa(0)] + s[f.xa(1)], 0, 'both PASIDs erased from the xarray');
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
  assert.equal(r.s[r.m.sys.preempt(0)], 1, 'the spinlock restored the preempt count');
  r = run(cfg, [['ioasid_alloc', 1]], { variants: ['ioasid-mutex'] });
  assert.equal(r.m.check(r.s)?.invariant, 'no-sleep-in-atomic');
  r = run(vm, [['ioasid_alloc', 1], ['ioasid_free', 1, -1]], { variants: ['ioasid-mutex'] });
  assert.equal(r.m.check(r.s), null);
  const job = runJob({ scenario: findScenario('ioasid-free-racing-bind'), variants: ['ioasid-mutex'] });
  assert.equal(job.verdict, 'clean', 'no atomic thread: the mutex is correct there');
});

test('free-notify-deferred: the PASID is released at once and the workqueue delivers FREE later, one access per step', () => {
  const m = buildModel(spec(vm, [{ name: 't', ops: [['ioasid_alloc', 1], ['ioasid_bind', -1, 0], ['ioasid_free', 1, -1]] }]), ['free-notify-deferred']);
  assert.equal(m.sys.actors.length, 1);
  let s = m.initial();
  while (!m.finished(s, 0)) s = m.apply(s, 0, 0);
  const f = m.sys.ias;
  assert.equal(s[f.xa(0)], 0, 'released');
  assert.equal(s[f.entry(0)], 2, 'the IOMMU still maps the released PASID');
  const list: number[] = [];
  m.steps(s, list);
  assert.deepEqual(list, [1, 0], 'only the workqueue can move, for PASID 0');
  const seen: string[] = [];
  for (let guard = 0; guard < 20; guard++) {
    list.length = 0;
    m.steps(s, list);
    if (list.length === 0) break;
    seen.push(m.label(s, 1, 0).step || m.sys.actors[0].describe(m.sys, 0, s));
    const before = s;
    s = m.apply(s, 1, 0);
    if (before[f.entry(0)] !== 0) assert.equal(s[f.g2h(1, 0)], 1, 'the PASID entry goes before KVM\'s translation, in a step of its own');
  }
  assert.equal(seen.length, 6, `clear PENDING, read the set, read and clear the entry, read and drop KVM's translation: ${seen.join(' / ')}`);
  assert.equal(s[f.entry(0)], 0);
  assert.equal(s[f.g2h(1, 0)], 0);
  assert.equal(s[f.freeDone(0)], 1);
  assert.equal(s[f.pending(0)], 0);
  assert.equal(buildModel(spec(vm, [{ name: 't', ops: [] }])).sys.actors.length, 0, 'no workqueue by default');
});

test('the invariants name what is wrong on hand-made states', () => {
  const m: Model = buildModel(spec(vm, [{ name: 't', ops: [['ioasid_alloc', 1]] }]));
  const f = m.sys.ias;
  const s = m.initial();
  assert.equal(m.check(s), null);
  s[f.xa(0)] = 1; s[f.owner(0)] = 2; s[f.state(0)] = PASID_ACTIVE;
  assert.match(m.check(s)!.message, /ioasid_set 1 counts 0 IOASIDs \(nr_ioasids\) but holds 1/);
  s[m.sys.stepIndex(0)] = 6;
  assert.equal(m.check(s), null, 'inside an operation the counters may lag the xarray');
  s[m.sys.stepIndex(0)] = 0;
  s[f.count(1)] = 1;
  assert.match(m.check(s)!.message, /capacity counter says 0/);
  s[f.used] = 1;
  assert.equal(m.check(s), null);
  s[f.entry(0)] = 3;
  assert.deepEqual(m.check(s), { invariant: 'pasid-unique', message: 'PASID 0 is allocated to ioasid_set 1 while the IOMMU PASID entry still maps it for set 2' });
  s[f.entry(0)] = 0; s[f.g2h(2, 0)] = 1;
  assert.match(m.check(s)!.message, /KVM of set 2 still translates guest PASID 0 to it/);
  s[f.g2h(2, 0)] = 0; s[f.xa(0)] = 0; s[f.count(1)] = 0; s[f.used] = 0; s[f.freeDone(0)] = 1; s[f.entry(0)] = 2;
  assert.equal(m.check(s)?.invariant, 'no-stale-pasid-entry', 'a freed PASID\'s stale ioasid_data->set counts for nothing');
  s[f.entry(0)] = 0;
  for (const [p, set] of [[0, 1], [1, 1], [2, 1]]) { s[f.xa(p)] = 1; s[f.owner(p)] = set + 1; s[f.state(p)] = PASID_ACTIVE; }
  s[f.count(1)] = 3; s[f.used] = 3; s[f.freeDone(0)] = 0;
  assert.match(m.check(s)!.message, /ioasid_set 1 holds 3 PASIDs, over its quota of 2/);
  s[f.quota(1)] = 3; s[f.xa(3)] = 1; s[f.owner(3)] = 3; s[f.state(3)] = PASID_ACTIVE; s[f.count(2)] = 1; s[f.used] = 4;
  assert.match(m.check(s)!.message, /hold 4 PASIDs together, over the system capacity of 3/);
  s[f.quota(1)] = 2; s[f.xa(3)] = 0; s[f.xa(2)] = 0; s[f.count(1)] = 2; s[f.count(2)] = 0; s[f.used] = 2;
  assert.equal(m.check(s), null);
  s[m.sys.sleptInAtomic] = 1; s[m.sys.sleptOn] = f.devListMutex + 1;
  assert.deepEqual(m.check(s), { invariant: 'no-sleep-in-atomic', message: 'thread t took the sleeping lock iommu.dev_list_mutex in atomic context (might_sleep)' });
});

test('ioasid-set-refs-held: a set reference counted is one a thread keeps, and no thread keeps a destroyed set', () => {
  const m: Model = buildModel(spec(vm, [{ name: 't', ops: [['ioasid_put_sid']] }]));
  const f = m.sys.ias;
  const s = m.initial();
  s[f.threadSid(0)] = 2;
  assert.deepEqual(m.check(s), { invariant: 'ioasid-set-refs-held', message: 'ioasid_set 1 counts 0 references (set->refs) but threads hold 1' });
  s[m.sys.stepIndex(0)] = 2;
  assert.equal(m.check(s), null, 'inside an operation the refcount may lag what the thread keeps');
  s[m.sys.stepIndex(0)] = 0; s[f.setRefs(1)] = 1;
  assert.equal(m.check(s), null);
  s[f.setState(1)] = SET_DESTROYED;
  assert.deepEqual(m.check(s), { invariant: 'ioasid-set-refs-held', message: 'thread t still holds ioasid_set 1 (ioasid_find_sid) after the set was destroyed' });
  s[f.threadSid(0)] = 0;
  assert.match(m.check(s)!.message, /ioasid_set 1 counts 1 references \(set->refs\) but threads hold 0/);
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

test('ioasid_alloc is split at its shared accesses: lock, four checks, xa_alloc (under xa_lock, one load per index), the state, two read-modify-writes, unlock', () => {
  const m = buildModel(spec(vm, [{ name: 't', ops: [['ioasid_alloc', 1]] }], [['ioasid_alloc', 2]]));
  const labels: string[] = [];
  let s = m.initial();
  while (!m.finished(s, 0)) {
    labels.push(m.label(s, 0, 0).step);
    s = m.apply(s, 0, 0);
  }
  assert.deepEqual(labels, [
    'spin_lock(&ioasid_allocator_lock)', 'read set state', 'read set->quota', 'read set->nr_ioasids', 'read ioasid_capacity_avail',
    'xa_alloc: xa_lock(&xa)', 'xa_alloc: is index free?', 'xa_alloc: is index free?', 'data->set = set', 'refcount_set(&data->refs, 1)',
    'xa_alloc: store the entry (rcu_assign_pointer)', 'xa_alloc: xa_unlock(&xa)', 'data->state = IOASID_STATE_ACTIVE',
    'read set->nr_ioasids', 'set->nr_ioasids++', 'read ioasid_capacity_avail', 'ioasid_capacity_avail--',
    'spin_unlock(&ioasid_allocator_lock)',
  ]);
});

// Lock removal, as a user would write it: ioasid_alloc exactly as drivers/iommu/ioasid.c has it, each shared
// access its own line, but with spin_lock/spin_unlock(&ioasid_allocator_lock) taken out.
variantOf('ioasid_alloc', 'alloc-without-allocator-lock', {
  faulty: true,
  description: 'ioasid_alloc without ioasid_allocator_lock: the quota check and the nr_ioasids bump race',
  steps: (b) => {
    const set = b.arg('set');
    const v = b.local('val'), quota = b.local('quota'), p = b.local('pasid');
    return [
      b.load('read set state', v, (c) => ias(c).setState(set(c))),
      b.jumpIf((c) => v.get(c) !== SET_LIVE, 'einval'),
      b.load('read set->quota', quota, (c) => ias(c).quota(set(c))),
      b.load('read set->nr_ioasids', v, (c) => ias(c).count(set(c))),
      b.jumpIf((c) => quota.get(c) <= v.get(c), 'enospc'),
      b.load('read ioasid_capacity_avail', v, (c) => ias(c).used),
      b.jumpIf((c) => v.get(c) >= ias(c).capacity, 'enospc'),
      ...xaAlloc(b, set, p, v), // the xarray keeps its own xa_lock
      b.jumpIf((c) => p.get(c) < 0, 'enospc'),
      b.store('data->state = IOASID_STATE_ACTIVE', (c) => ias(c).state(p.get(c)), PASID_ACTIVE),
      b.load('read set->nr_ioasids', v, (c) => ias(c).count(set(c))),
      b.store('set->nr_ioasids++', (c) => ias(c).count(set(c)), (c) => v.get(c) + 1),
      b.load('read ioasid_capacity_avail', v, (c) => ias(c).used),
      b.store('ioasid_capacity_avail--', (c) => ias(c).used, (c) => v.get(c) + 1),
      b.compute('keep the PASID', (c) => void c.w.set(ias(c).threadPasid(c.t), p.get(c) + 1)),
      b.retDone((c) => p.get(c)),
      b.label('einval'), b.retDone(EINVAL),
      b.label('enospc'), b.retDone(ENOSPC),
    ];
  },
});

test('lock removal: ioasid_alloc without ioasid_allocator_lock is caught in ioasid-two-vms-race-for-capacity; with the lock it is clean', (t) => {
  const sc = findScenario('ioasid-two-vms-race-for-capacity');
  const unlocked = ['alloc-without-allocator-lock'];
  const quota = runJob({ scenario: sc, variants: unlocked, invariants: ['no-ioasid-quota-overrun'] });
  assert.equal(quota.violation?.invariant, 'no-ioasid-quota-overrun');
  assert.match(quota.violation!.message, /ioasid_set 1 holds 2 PASIDs, over its quota of 1/, 'both vCPUs of VM 1 passed the quota check');
  const race = runJob({ scenario: sc, variants: unlocked, invariants: ['no-data-race'] });
  assert.equal(race.violation?.invariant, 'no-data-race');
  assert.match(race.violation!.message, /data race on (set\.nr_ioasids|ioasid\.used)/);
  t.diagnostic(`${quota.violation!.message} / ${race.violation!.message}`);
  const all = runJob({ scenario: sc, variants: unlocked });
  assert.equal(all.verdict, 'violation');
  for (const job of [{ scenario: sc, variants: [] }, { scenario: sc, variants: ['alloc-check-and-bump-locked'] }]) {
    const r = runJob(job, { reduction: false });
    assert.equal(r.violation, undefined, r.violation && `${r.violation.invariant}: ${r.violation.message}`);
    assert.equal(r.verdict, 'clean');
  }
});
