// Tests of SVA: bind/unbind return values, PASIDs, SVA domain refcounts and lifetimes, mm lifetime,
// the scenario's `sva` section validation, the dying-domain path of a bind racing the final put, and the
// lock-removal checks (bind, and unbind with a plain users count, without iommu_sva_lock are caught).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel, type Model } from '../src/model/model';
import { validateScenario, ScenarioError, type ScenarioSpec } from '../src/model/scenario';
import { EBUSY, EFAULT, ENOENT, ENOMEM, ENOSPC, ESRCH } from '../src/model/errno';
import { SVA_FREED, SVA_LIVE, SVA_UNUSED } from '../src/model/sva/state';
import { runAlone } from './helpers';
import { exploreDfs } from '../src/explorer/dfs';
import { runJob } from '../src/explorer/job';
import { findScenario } from '../src/model/scenarios';
import { variantOf } from '../src/model/api/define';
import type { Item } from '../src/model/api/instr';
import { bindSteps } from '../src/model/sva/bind';
import { unbindSteps } from '../src/model/sva/unbind';

/** An SVA scenario: one instance per entry of `instances`, devices as given, no paging domains. */
function svaScenario(threads: ScenarioSpec['threads'], extra: Partial<ScenarioSpec> = {}): ScenarioSpec {
  return validateScenario({
    name: 'sva-test', description: 'test', instances: [0, 0],
    devices: [{ instance: 0, group: 0 }, { instance: 0, group: 1 }, { instance: 1, group: 2 }],
    domains: [], sva: { mms: 2, domains: 3, pasids: 2 }, threads, ...extra,
  });
}

/** Run thread t alone until its current operation completes; returns the state and the op's return value. */
function finishOp(m: Model, s: Int32Array, t: number): { s: Int32Array; ret: number } {
  const op = s[m.sys.opIndex(t)];
  for (let guard = 0; s[m.sys.opIndex(t)] === op; guard++) {
    assert.ok(guard < 100 && m.isEnabled(s, t, 0), `thread ${t} is blocked`);
    s = m.apply(s, t, 0);
  }
  return { s, ret: s[m.sys.ret(t)] };
}

/** Run thread t alone until its next step has the given label. */
function runUntil(m: Model, s: Int32Array, t: number, label: string): Int32Array {
  for (let guard = 0; m.currentStep(s, t)?.step.label !== label; guard++) {
    assert.ok(guard < 100 && m.isEnabled(s, t, 0), `thread ${t} never reaches '${label}'`);
    s = m.apply(s, t, 0);
  }
  return s;
}

test('bind returns the mm PASID; devices behind one instance share its SVA domain, another instance gets its own', () => {
  const m = buildModel(svaScenario([
    { name: 'a', ops: [['sva_bind', 0, 1]] }, { name: 'b', ops: [['sva_bind', 1, 1]] }, { name: 'c', ops: [['sva_bind', 2, 1]] },
  ]));
  const f = m.sys.sva;
  let s = m.initial();
  const rets: number[] = [];
  for (let t = 0; t < 3; t++) ({ s, ret: rets[t] } = finishOp(m, s, t));
  assert.deepEqual(rets, [0, 0, 0], 'mm 1 got the first free PASID, 0, once');
  assert.equal(s[f.mmPasid(1)], 1);
  assert.equal(s[f.pasidOwner(0)], 2, 'PASID 0 is owned by mm 1');
  assert.equal(s[f.devPasid(0, 1)], 1);
  assert.equal(s[f.devPasid(1, 1)], 1, 'device 1 (same instance) shares SVA domain 0');
  assert.equal(s[f.devPasid(2, 1)], 2, 'device 2 (instance 1) gets SVA domain 1');
  assert.equal(s[f.domUsers(0)], 2);
  assert.equal(s[f.domUsers(1)], 1);
  assert.equal(s[f.domInstance(1)], 2);
  assert.equal(s[f.mmCount(1)], 3, 'mm_count: the users\' reference + one mmgrab per SVA domain');
  assert.equal(s[f.mmUsers(1)], 1, 'bind dropped its temporary mm_users reference');
  assert.equal(s[f.mmCount(0)], 1, 'mm 0 untouched');
  assert.equal(m.check(s), null);
});

test('the last unbind frees and unpublishes the SVA domain and drops its mmgrab; exit then releases the mm and its PASID', () => {
  const m = buildModel(svaScenario([{ name: 'a', ops: [['sva_bind', 0, 0], ['sva_dma', 0, 0], ['sva_unbind', 0, 0], ['sva_dma', 0, 0], ['mm_exit', 0]] }]));
  const f = m.sys.sva;
  let s = m.initial(), r: number;
  ({ s, ret: r } = finishOp(m, s, 0));
  assert.equal(r, 0);
  ({ s, ret: r } = finishOp(m, s, 0));
  assert.equal(r, 0, 'DMA with the PASID reaches the live address space');
  ({ s, ret: r } = finishOp(m, s, 0));
  assert.equal(r, 0);
  assert.equal(s[f.domState(0)], SVA_FREED);
  assert.equal(s[f.domUsers(0)], 0);
  assert.equal(s[f.xa(0, 0)], 0, 'unpublished');
  assert.equal(s[f.devPasid(0, 0)], 0);
  assert.equal(s[f.bondDomain(0)], 0, 'the thread no longer holds a bond');
  assert.equal(s[f.mmCount(0)], 1);
  assert.equal(s[f.mmPasid(0)], 1, 'the PASID stays with the mm until the mm_struct goes');
  ({ s, ret: r } = finishOp(m, s, 0));
  assert.equal(r, EFAULT, 'DMA after unbind faults: no PASID entry');
  ({ s, ret: r } = finishOp(m, s, 0));
  assert.equal(r, 0);
  assert.equal(s[f.mmUsers(0)], 0);
  assert.equal(s[f.mmCount(0)], 0, 'the mm_struct is released');
  assert.equal(s[f.pasidOwner(0)], 0, 'and its PASID freed (mm_pasid_drop)');
  assert.equal(s[f.mmPasid(0)], 1, 'the freed mm_struct\'s iommu_mm is left as it was: nothing reads it any more');
  assert.equal(m.check(s), null);
});

test('process exit while bound: the SVA domain\'s mmgrab keeps the mm_struct and PASID; DMA faults; unbind releases them', () => {
  const m = buildModel(svaScenario([{ name: 'a', ops: [['mm_exit', 0], ['sva_dma', 0, 0], ['sva_unbind', 0, 0], ['mm_exit', 0]] }], {
    setup: [['sva_bind', 0, 0]],
  }));
  const f = m.sys.sva;
  let s = m.initial(), r: number;
  ({ s } = finishOp(m, s, 0));
  assert.equal(s[f.mmUsers(0)], 0);
  assert.equal(s[f.mmCount(0)], 1, 'held by the SVA domain');
  assert.equal(s[f.pasidOwner(0)], 1);
  ({ s, ret: r } = finishOp(m, s, 0));
  assert.equal(r, EFAULT, 'the address space is torn down');
  ({ s, ret: r } = finishOp(m, s, 0));
  assert.equal(r, 0);
  assert.equal(s[f.mmCount(0)], 0, 'the domain free dropped the last mm_count');
  assert.equal(s[f.pasidOwner(0)], 0);
  ({ s, ret: r } = finishOp(m, s, 0));
  assert.equal(r, ESRCH, 'a task exits once');
  assert.equal(m.check(s), null);
});

test('bind after exit is -ESRCH, unbind without a bond is -ENOENT, a second bind of a bound device is -EBUSY with no user taken', () => {
  let m = buildModel(svaScenario([{ name: 'a', ops: [['mm_exit', 0], ['sva_bind', 0, 0]] }]));
  assert.equal(runAlone(m)[m.sys.ret(0)], ESRCH);
  m = buildModel(svaScenario([{ name: 'a', ops: [['sva_unbind', 0, 0]] }]));
  assert.equal(runAlone(m)[m.sys.ret(0)], ENOENT);
  m = buildModel(svaScenario([{ name: 'a', ops: [['sva_bind', 0, 0], ['sva_unbind', 1, 0]] }]));
  let s = runAlone(m);
  assert.equal(s[m.sys.ret(0)], ENOENT, 'the thread\'s bond is for device 0, not device 1');
  assert.equal(s[m.sys.sva.domUsers(0)], 1);
  m = buildModel(svaScenario([{ name: 'a', ops: [] }, { name: 'b', ops: [['sva_bind', 0, 0]] }], { setup: [['sva_bind', 0, 0]] }));
  s = runAlone(m);
  assert.equal(s[m.sys.ret(1)], EBUSY);
  assert.equal(s[m.sys.sva.domUsers(0)], 1, 'the error path put the user back');
  assert.equal(m.check(s), null);
  m = buildModel(svaScenario([{ name: 'a', ops: [] }, { name: 'b', ops: [['sva_bind', 0, 0]] }], { setup: [['sva_bind', 0, 0]] }), ['bind-error-leaks-user']);
  s = runAlone(m);
  assert.equal(s[m.sys.sva.domUsers(0)], 2);
  assert.equal(m.check(s)?.invariant, 'sva-refcount');
});

test('bind fails with -ENOSPC when the PASID space is full and -ENOMEM when the SVA domain slots are used up', () => {
  let m = buildModel(svaScenario([{ name: 'a', ops: [['sva_bind', 0, 0]] }, { name: 'b', ops: [['sva_bind', 1, 1]] }], {
    sva: { mms: 2, domains: 3, pasids: 1 },
  }));
  let s = runAlone(m);
  assert.equal(s[m.sys.ret(0)], 0);
  assert.equal(s[m.sys.ret(1)], ENOSPC);
  assert.equal(s[m.sys.sva.mmPasid(1)], 0);
  m = buildModel(svaScenario([{ name: 'a', ops: [['sva_bind', 0, 0]] }, { name: 'b', ops: [['sva_bind', 2, 0]] }], {
    sva: { mms: 1, domains: 1, pasids: 1 },
  }));
  s = runAlone(m);
  assert.equal(s[m.sys.ret(1)], ENOMEM, 'instance 1 needs a second SVA domain');
  assert.equal(s[m.sys.sva.mmCount(0)], 2, 'no mmgrab for the domain that was not allocated');
});

test('a bind that finds the dying SVA domain allocates a successor, and the final put leaves the successor published', () => {
  const sc = svaScenario([{ name: 'closer', ops: [['sva_unbind', 0, 0]] }, { name: 'opener', ops: [['sva_bind', 1, 0]] }], {
    setup: [['sva_bind', 0, 0]],
  });
  for (const [variants, successor] of [[[], 2], [['get-user-inc-from-zero'], 1]] as const) {
    const m = buildModel(sc, [...variants]);
    const f = m.sys.sva;
    let s = runUntil(m, m.initial(), 0, 'mutex_lock(&iommu_sva_lock)');
    s = m.apply(s, 0, 0); // lock
    s = runUntil(m, s, 0, 'mutex_lock(&iommu_sva_lock)'); // detach, unlock, put_user
    assert.equal(s[f.domUsers(0)], 0, 'domain 0 is dying: no users, still published');
    assert.equal(s[f.xa(0, 0)], 1);
    ({ s } = finishOp(m, s, 1));
    assert.equal(s[f.bondDomain(1)], successor, `${variants.join() || 'default'}: the opener's bond`);
    ({ s } = finishOp(m, s, 0));
    assert.equal(s[f.domState(0)], SVA_FREED);
    if (successor === 2) {
      assert.equal(s[f.domState(1)], SVA_LIVE);
      assert.equal(s[f.xa(0, 0)], 2, 'xa_cmpxchg kept the successor published');
      assert.equal(s[f.mmCount(0)], 2);
      assert.equal(m.check(s), null);
    } else {
      assert.equal(s[f.domState(1)], SVA_UNUSED);
      assert.equal(m.check(s)?.invariant, 'no-use-after-free');
    }
  }
});

test('the sva section is validated field by field, and mm arguments are bounded by it', () => {
  const base = { name: 'x', description: 'x', instances: [0], devices: [{ instance: 0, group: 0 }], threads: [{ name: 't', ops: [] }] };
  assert.throws(() => validateScenario({ ...base, sva: 3 }), (e: Error) => e instanceof ScenarioError && /x\.sva: expected an object/.test(e.message));
  assert.throws(() => validateScenario({ ...base, sva: { mms: 9 } }), (e: Error) => e instanceof ScenarioError && /x\.sva\.mms: 9 is out of range 1\.\.4/.test(e.message));
  assert.throws(() => validateScenario({ ...base, sva: { pasids: 1.5 } }), (e: Error) => e instanceof ScenarioError && /x\.sva\.pasids: expected an integer/.test(e.message));
  assert.throws(() => validateScenario({ ...base, sva: { processes: 1 } }), (e: Error) => e instanceof ScenarioError && /x\.sva\.processes: unknown field/.test(e.message));
  assert.deepEqual(validateScenario({ ...base, sva: { mms: 2 } }).sva, { mms: 2 });
  const bad = validateScenario({ ...base, sva: { mms: 2 }, threads: [{ name: 't', ops: [['sva_bind', 0, 2]] }] });
  assert.throws(() => buildModel(bad), (e: Error) => e instanceof ScenarioError && /sva_bind mm must be an integer 0\.\.1/.test(e.message));
  const none = validateScenario({ ...base, threads: [{ name: 't', ops: [['mm_exit', 0]] }] });
  assert.throws(() => buildModel(none), ScenarioError, 'without an sva section there is no mm');
});

test('a scenario without an sva section adds no SVA state and no SVA invariant', () => {
  const m = buildModel(validateScenario({
    name: 'x', description: 'x', instances: [0], devices: [{ instance: 0, group: 0 }], domains: [{ owner: 0 }],
    threads: [{ name: 't', ops: [['attach', 0, 0]] }],
  }));
  assert.equal(m.sys.sva.M, 0);
  assert.ok(!m.invariants.some((i) => i.family === 'sva'));
  assert.ok(!m.sys.layout.slotNames.some((n) => n.startsWith('sva') || n.startsWith('mm.') || n === 'iommu_sva_lock'));
});

test('a process exits once: a second mm_exit is -ESRCH and drops nothing (fuzzer-found false alarm)', () => {
  const m = buildModel(validateScenario({
    name: 'sva-exit-twice', description: 'test', instances: [0], devices: [{ instance: 0, group: 0 }], domains: [],
    pages: 1, phys: 1, sva: { mms: 1, domains: 2, pasids: 1 },
    threads: [{ name: 't0', ops: [['mm_exit', 0], ['mm_exit', 0]] }, { name: 't1', ops: [['sva_bind', 0, 0]] }],
  }));
  const r = exploreDfs(m);
  assert.equal(r.verdict, 'clean', r.violation?.message);
});

// ---- lock removal: the lock, not the model, makes bind safe ----

/** The steps of `steps` without the lock and unlock instructions of iommu_sva_lock (everything else as it is). */
function withoutSvaLock(items: Item[]): Item[] {
  const kept = items.filter((i) => !(i.kind === 'instr' && i.lockName === 'iommu_sva_lock'));
  assert.ok(kept.length < items.length, 'the op takes iommu_sva_lock');
  return kept;
}

variantOf('sva_bind', 'test-sva-bind-without-lock', {
  faulty: true, description: 'iommu_sva_bind_device with mutex_lock/mutex_unlock(&iommu_sva_lock) left out',
  steps: (b, sys) => withoutSvaLock(bindSteps(b, sys, { get: 'inc-not-zero', leak: false })),
});

variantOf('sva_unbind', 'test-sva-unbind-without-lock', {
  faulty: true, description: 'iommu_sva_unbind_device with mutex_lock/mutex_unlock(&iommu_sva_lock) left out',
  steps: (b, sys) => withoutSvaLock(unbindSteps(b, sys, { eraseAny: false, freeOnDetach: false })),
});

test('sva_bind without iommu_sva_lock is caught in bind-racing-unbind-same-mm (a data race on the mm\'s domain list, and a use-after-free); with the lock it is clean', () => {
  const sc = findScenario('bind-racing-unbind-same-mm');
  const correct = runJob({ scenario: sc, variants: [] }, { reduction: false });
  assert.equal(correct.verdict, 'clean', correct.violation?.message);
  const racy = runJob({ scenario: sc, variants: ['test-sva-bind-without-lock'] }, { reduction: false, shortenBudget: 0 });
  assert.equal(racy.violation?.invariant, 'no-data-race', racy.violation?.message);
  assert.match(racy.violation!.message, /data race on sva\.xa\[0\]\[0\]: .*sva_unbind.*holding iommu_sva_lock.*sva_bind.*holding no lock/);
  // the functional consequence, checked alone: bind takes a user of the domain the final put is freeing
  const uaf = runJob({ scenario: sc, variants: ['test-sva-bind-without-lock'], invariants: ['no-use-after-free'] }, { reduction: false, shortenBudget: 0 });
  assert.equal(uaf.violation?.invariant, 'no-use-after-free', uaf.violation?.message);
  assert.match(uaf.violation!.message, /SVA domain 0 after it was freed/);
});

test('with upstream\'s plain domain->users (sva-put-under-lock), unbind without iommu_sva_lock races on it; with the lock it is clean', () => {
  const sc = findScenario('two-devices-share-sva-domain');
  const correct = runJob({ scenario: sc, variants: ['sva-put-under-lock'] }, { reduction: false });
  assert.equal(correct.verdict, 'clean', correct.violation?.message);
  const racy = runJob({ scenario: sc, variants: ['sva-put-under-lock', 'test-sva-unbind-without-lock'], invariants: ['no-data-race'] },
    { reduction: false, shortenBudget: 0, collectAll: true });
  const races = (racy.violations ?? []).map((v) => v.message);
  assert.ok(races.some((msg) => /^data race on sva\.domain\.users\[0\]: .*--domain->users.*holding no lock.*domain->users.*holding iommu_sva_lock/.test(msg)), races.join('\n'));
});

test('domain->users is a refcount_t (atomic) in the default scheme and a plain int under iommu_sva_lock in sva-put-under-lock', () => {
  const sc = findScenario('two-devices-share-sva-domain');
  for (const [variants, cls] of [[[], 'atomic'], [['sva-put-under-lock'], 'plain']] as const) {
    const m = buildModel(sc, [...variants]);
    assert.equal(m.sys.layout.accessClass(m.sys.sva.domUsers(0)), cls);
  }
});

test('upstream order (sva-put-under-lock): a bound device binding again fails its attach, tries a new domain, frees it and returns -EBUSY', () => {
  const m = buildModel(svaScenario([{ name: 'a', ops: [] }, { name: 'b', ops: [['sva_bind', 0, 0]] }], { setup: [['sva_bind', 0, 0]] }), ['sva-put-under-lock']);
  const f = m.sys.sva;
  const labels: string[] = [];
  let s = m.initial();
  while (s[m.sys.opIndex(1)] === 0) {
    labels.push(m.currentStep(s, 1)!.step.label);
    s = m.apply(s, 1, 0);
  }
  assert.equal(s[m.sys.ret(1)], EBUSY);
  const at = (l: string) => labels.indexOf(l);
  assert.ok(at('ops->domain_alloc_sva: kzalloc the SVA domain') > at('iommu_attach_device_pasid: read the device\'s PASID entry'), 'the attach to the existing domain failed first');
  assert.ok(!labels.includes('domain->users++'), 'no user was taken on the existing domain');
  assert.equal(s[f.domUsers(0)], 1);
  assert.equal(s[f.domState(1)], SVA_FREED, 'the new domain was freed (out_free_domain)');
  assert.equal(s[f.mmCount(0)], 2, 'its mmgrab was dropped: the users\' reference + domain 0\'s');
  assert.equal(s[f.xa(0, 0)], 1, 'domain 0 stays published');
  assert.equal(m.check(s), null);
});
