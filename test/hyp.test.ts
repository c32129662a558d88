// Tests of the pKVM-style hypervisor IOMMU: hypercall return values, DMA shares, table-page accounting,
// power handling, the `hyp` scenario section's validation, the hyp invariants on crafted states, and a
// user's patch of hyp_map that drops the global hypervisor lock (caught by exploring a built-in scenario).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel, type Model } from '../src/model/model';
import { validateScenario, ScenarioError, type ScenarioSpec } from '../src/model/scenario';
import { EBUSY, EEXIST, EINVAL, ENOENT, ENOMEM, EPERM } from '../src/model/errno';
import { DOM_FREE, DOM_LIVE, OWNER_GUEST } from '../src/model/hyp/state';
import { hostCannotMapForeign, hypStateConsistent } from '../src/invariants/hyp';
import { variantOf } from '../src/model/api/define';
import { findScenario } from '../src/model/scenarios';
import { runJob } from '../src/explorer/job';
import { hostUnuseDma, hostUseDma } from '../src/model/hyp/memory';
import { mapLocals, walkToLeafTable, writeLeaf } from '../src/model/hyp/map';
import { slotOf } from '../src/model/hyp/mode';
import { granularityError } from '../src/model/granularity';
import { traverse } from './helpers';

function hypScenario(ops: ScenarioSpec['threads'][number]['ops'], hyp: Record<string, unknown> = {}, setup: unknown[] = []): ScenarioSpec {
  return validateScenario({
    name: 'hyp-tiny', description: 'test', instances: [], devices: [], domains: [], pages: 1, phys: 1,
    hyp: { memory: ['host', 'guest', 'hyp'], ...hyp }, setup, threads: [{ name: 'host', ops }],
  });
}

/** Run a one-thread program, recording the return value of each operation in order. */
function returns(m: Model): { rets: number[]; s: Int32Array } {
  let s = m.initial();
  const rets: number[] = [];
  for (let guard = 0; guard < 10_000; guard++) {
    const list: number[] = [];
    m.steps(s, list);
    if (list.length === 0) return { rets, s };
    const before = s;
    s = m.apply(s, list[0], list[1]);
    if (list[0] === 0 && s[m.sys.opIndex(0)] !== before[m.sys.opIndex(0)]) rets.push(s[m.sys.ret(0)]);
  }
  throw new Error('did not finish');
}

const LOCK_MODES = ['hyp-lock-global', 'hyp-lock-per-iommu', 'hyp-lockless-refcount'];

test('map refuses pages the host does not own (-EPERM) and takes one DMA share of a host page', () => {
  for (const mode of LOCK_MODES) {
    const m = buildModel(hypScenario([['hyp_map', 0, 0, 0, 1], ['hyp_map', 0, 0, 0, 2], ['hyp_map', 0, 0, 0, 0]], {}, [['hyp_alloc_domain', 0, 0]]), [mode]);
    const { rets, s } = returns(m);
    assert.deepEqual(rets, [EPERM, EPERM, 0], mode);
    const h = m.sys.hyp;
    assert.deepEqual([s[h.pageShares(0)], s[h.pageShares(1)], s[h.pageShares(2)]], [1, 0, 0], mode);
    assert.equal(s[h.domRefs(0)], 1, `${mode}: map drops the reference it took`);
    assert.equal(hypStateConsistent.check(s, m), null);
    assert.equal(hostCannotMapForeign.check(s, m), null);
  }
});

test('mapping a mapped IOVA is -EEXIST and gives its DMA share back; unmap returns the pages it unmapped', () => {
  for (const mode of LOCK_MODES) {
    const m = buildModel(hypScenario([['hyp_map', 0, 0, 1, 0], ['hyp_map', 0, 0, 1, 0], ['hyp_unmap', 0, 0, 0, 2], ['hyp_unmap', 0, 0, 0, 2]],
      { blocks: 1, blockPages: 2, memory: ['host'] }, [['hyp_alloc_domain', 0, 0]]), [mode]);
    const { rets, s } = returns(m);
    assert.deepEqual(rets, [0, EEXIST, 1, 0], mode);
    assert.equal(s[m.sys.hyp.pageShares(0)], 0, mode);
    assert.equal(hypStateConsistent.check(s, m), null, mode);
  }
});

test('io-pgtable-arm under a lock frees the table of a fully unmapped block; the lockless io-pgtable keeps it until free_domain', () => {
  const ops: ScenarioSpec['threads'][number]['ops'] = [['hyp_map', 0, 0, 0, 0], ['hyp_unmap', 0, 0, 0, 1]];
  const used = (m: Model, s: Int32Array) => Array.from({ length: m.sys.hyp.K }, (_, k) => s[m.sys.hyp.tpUsed(k)]);
  let m = buildModel(hypScenario(ops, { memory: ['host'] }, [['hyp_alloc_domain', 0, 0]]));
  assert.deepEqual(used(m, returns(m).s), [1, 0, 0], 'pgd only');
  m = buildModel(hypScenario([...ops, ['hyp_free_domain', 0, 0]], { memory: ['host'] }, [['hyp_alloc_domain', 0, 0]]), ['hyp-lockless-refcount']);
  const { rets, s } = returns(m);
  assert.deepEqual(rets, [0, 1, 0]);
  assert.deepEqual(used(m, s), [0, 0, 0], 'free_domain reclaims pgd and leaf table');
  assert.equal(s[m.sys.hyp.domState(0)], DOM_FREE);
});

test('free_domain is -EBUSY while attached, succeeds after detach, and -ENOENT after; calls on a freed domain are -ENOENT', () => {
  for (const mode of LOCK_MODES) {
    const m = buildModel(hypScenario([
      ['hyp_map', 0, 0, 0, 0], ['hyp_free_domain', 0, 0], ['hyp_detach', 0, 0], ['hyp_detach', 0, 0], ['hyp_free_domain', 0, 0],
      ['hyp_free_domain', 0, 0], ['hyp_map', 0, 0, 0, 0], ['hyp_unmap', 0, 0, 0, 1], ['hyp_attach', 0, 0, 0],
    ], { memory: ['host'], poweredOff: [0] }, [['hyp_alloc_domain', 0, 0], ['hyp_attach', 0, 0, 0], ['hyp_power_on', 0]]), [mode]);
    const { rets, s } = returns(m);
    assert.deepEqual(rets, [0, EBUSY, 0, ENOENT, 0, ENOENT, ENOENT, ENOENT, ENOENT], mode);
    const h = m.sys.hyp;
    assert.equal(s[h.pageShares(0)], 0, `${mode}: freeing the io-pgtable unshares what it mapped`);
    for (let k = 0; k < h.K; k++) assert.equal(s[h.tpUsed(k)], 0, `${mode}: table page ${k} back in the pool`);
  }
});

test('alloc_domain of a live domain is -EEXIST; with the pool empty it is -ENOMEM and leaves the slot free', () => {
  for (const mode of LOCK_MODES) {
    const m = buildModel(hypScenario([['hyp_alloc_domain', 0, 0], ['hyp_alloc_domain', 0, 0], ['hyp_alloc_domain', 0, 1], ['hyp_map', 0, 0, 0, 0]],
      { domains: 2, tablePages: 1, memory: ['host'] }), [mode]);
    const { rets, s } = returns(m);
    assert.deepEqual(rets, [0, EEXIST, ENOMEM, ENOMEM], mode);
    assert.equal(s[m.sys.hyp.domState(0)], DOM_LIVE);
    assert.equal(s[m.sys.hyp.domState(1)], DOM_FREE);
    assert.equal(s[m.sys.hyp.pageShares(0)], 0, `${mode}: a failed map gives its share back`);
  }
});

test('unmap past the IOVA space is -EINVAL; detach of an unset stream is -ENOENT; hypercall arguments are bounded by the hyp section', () => {
  const m = buildModel(hypScenario([['hyp_unmap', 0, 0, 1, 2], ['hyp_detach', 0, 0]], { blockPages: 2 }, [['hyp_alloc_domain', 0, 0]]));
  assert.deepEqual(returns(m).rets, [EINVAL, ENOENT]);
  assert.throws(() => buildModel(hypScenario([['hyp_map', 1, 0, 0, 0]])), (e: Error) => e instanceof ScenarioError && /hyp_map smmu must be an integer 0\.\.0/.test(e.message));
  assert.throws(() => buildModel(hypScenario([['hyp_map', 0, 0, 0, 3]])), /hyp_map page must be an integer 0\.\.2/);
});

test('invalidation sends TLBI, then CMD_SYNC, and waits for the SMMU; a powered-off SMMU gets no command, and power-on resets its queue', () => {
  const m = buildModel(hypScenario([['hyp_iotlb_inv', 0, 0]], {}, [['hyp_alloc_domain', 0, 0]]));
  const h = m.sys.hyp;
  let s = m.initial();
  const step = () => { const l: number[] = []; m.steps(s, l); return l; };
  const at = () => m.currentStep(s, 0)!.step.label;
  assert.equal(at(), 'hyp_spin_lock(&iommu_lock)');
  s = m.apply(s, 0, 0);
  assert.equal(at(), 'read smmu->iommu.power_is_off', 'power_is_off is read under the lock, one access');
  s = m.apply(s, 0, 0);
  s = m.apply(s, 0, 0); // TLBI
  assert.deepEqual([s[h.prod(0)], s[h.cons(0)]], [1, 0]);
  assert.deepEqual(step(), [0, 0, 1, 0], 'the SMMU may execute the TLBI before the CMD_SYNC is queued');
  s = m.apply(s, 0, 0); // CMD_SYNC
  assert.equal(s[h.prod(0)], 2);
  assert.deepEqual(step(), [1, 0], 'only the SMMU consumer can move: the caller waits for CMD_SYNC');
  s = m.apply(s, 1, 0); // TLBI
  assert.equal(s[h.cons(0)], 1);
  s = m.apply(s, 1, 0); // CMD_SYNC
  assert.deepEqual([s[h.prod(0)], s[h.cons(0)]], [0, 0], 'the drained queue starts over');
  assert.deepEqual(step(), [0, 0], 'the caller may go on');
  const off = buildModel(hypScenario([['hyp_power_off', 0], ['hyp_iotlb_inv', 0, 0], ['hyp_attach', 0, 0, 0], ['hyp_power_on', 0]], {}, [['hyp_alloc_domain', 0, 0]]));
  const r = returns(off);
  assert.deepEqual(r.rets, [0, 0, 0, 0]);
  assert.equal(r.s[off.sys.hyp.power(0)], 1);
  assert.equal(r.s[off.sys.hyp.prod(0)], 0, 'nothing queued while off');
  assert.equal(r.s[off.sys.hyp.cmdOff], 0);
  assert.equal(r.s[off.sys.hyp.ste(0, 0)], 1, 'the stream table is still written (it is in memory)');
  const on = buildModel(hypScenario([['hyp_power_on', 0]], { poweredOff: [0] }));
  let t = on.initial();
  t[on.sys.hyp.cmdq(0, 0)] = 5; t[on.sys.hyp.cmdq(0, 1)] = 3; t[on.sys.hyp.prod(0)] = 2; // left over from before power-off
  const labels: string[] = [];
  for (let k = 0; k < 4; k++) {
    labels.push(on.currentStep(t, 0)!.step.label);
    t = on.apply(t, 0, 0);
  }
  assert.deepEqual(labels, ['hyp_spin_lock(&iommu_lock)', 'iommu->power_is_off = false', 'smmu_reset_device() (resume)', 'hyp_spin_unlock(&iommu_lock)']);
  assert.ok(on.finished(t, 0));
  assert.deepEqual([t[on.sys.hyp.prod(0)], t[on.sys.hyp.cmdq(0, 0)], t[on.sys.hyp.power(0)]], [0, 0, 1], 'power-on resets the queue');
});

test('the host can donate a page to a guest only while it owns it and no device may reach it', () => {
  const m = buildModel(hypScenario([['hyp_map', 0, 0, 0, 0], ['host_donate_guest', 0], ['hyp_unmap', 0, 0, 0, 1], ['host_donate_guest', 0],
    ['host_donate_guest', 0], ['hyp_map', 0, 0, 0, 0]], { memory: ['host'] }, [['hyp_alloc_domain', 0, 0]]));
  const { rets, s } = returns(m);
  assert.deepEqual(rets, [0, EBUSY, 1, 0, EPERM, EPERM]);
  assert.equal(s[m.sys.hyp.pageOwner(0)], OWNER_GUEST);
});

test('the hyp section is validated field by field', () => {
  const bad = (hyp: unknown, field: RegExp) => assert.throws(() => validateScenario({
    name: 'x', description: 'x', threads: [{ name: 't', ops: [] }], hyp,
  }), (e: Error) => e instanceof ScenarioError && field.test(e.message), JSON.stringify(hyp));
  bad({ smmus: 4 }, /x\.hyp\.smmus: 4 is out of range 1\.\.3/);
  bad({ smmu: 1 }, /x\.hyp\.smmu: unknown field/);
  bad({ memory: ['host', 'vm'] }, /x\.hyp\.memory\[1\]: expected "host", "hyp" or "guest"/);
  bad({ memory: [] }, /x\.hyp\.memory: expected a list/);
  bad({ sharedDomains: 1 }, /x\.hyp\.sharedDomains: expected true or false/);
  bad({ smmus: 2, poweredOff: [2] }, /x\.hyp\.poweredOff\[0\]: 2 is out of range 0\.\.1/);
  bad({ smmus: 3, domains: 3 }, /x\.hyp\.domains: 9 domain slots/);
  bad([], /x\.hyp: expected an object/);
});

test('hyp-state-consistent and host-cannot-map-foreign judge crafted states', () => {
  const m = buildModel(hypScenario([['hyp_map', 0, 0, 0, 0]], { memory: ['host'] }, [['hyp_alloc_domain', 0, 0]]));
  const h = m.sys.hyp;
  const s = returns(m).s;
  assert.equal(hypStateConsistent.check(s, m), null);
  const leaked = s.slice();
  leaked[h.tpUsed(2)] = 1;
  assert.match(hypStateConsistent.check(leaked, m)!, /table page 2 is allocated but no domain reaches it/);
  const twice = s.slice();
  twice[h.domPgd(0)] = 2; // the leaf table is now reached from the domain and from the pgd entry
  twice[h.tpUsed(0)] = 1;
  assert.match(hypStateConsistent.check(twice, m)!, /referenced 2 times|table page 0 is allocated/);
  const lost = s.slice();
  lost[h.pageShares(0)] = 2;
  assert.match(hypStateConsistent.check(lost, m)!, /page 0 is shared with DMA 2 time\(s\) but 1 leaf entry maps it/);
  const foreign = s.slice();
  foreign[h.pageOwner(0)] = OWNER_GUEST;
  assert.match(hostCannotMapForeign.check(foreign, m)!, /domain slot 0 block 0 \(table page 1\) entry 0 maps page 0, which the guest owns/);
  const off = s.slice();
  off[h.cmdOff] = 1;
  assert.match(hypStateConsistent.check(off, m)!, /SMMU 0 was sent a command while powered off/);
});

test('attach and detach through two SMMUs sharing a domain, racing its free, keep one shared access per step and are race-free in every lock mode', () => {
  const sc = validateScenario({
    name: 'hyp-attach-race', description: 'test', instances: [], devices: [], domains: [], pages: 1, phys: 1,
    hyp: { smmus: 2, domains: 1, sharedDomains: true, memory: ['host'] },
    setup: [['hyp_alloc_domain', 0, 0]],
    threads: [
      { name: 'cpu0', ops: [['hyp_attach', 0, 0, 0], ['hyp_detach', 0, 0]] },
      { name: 'cpu1', ops: [['hyp_attach', 1, 0, 0], ['hyp_free_domain', 1, 0], ['hyp_detach', 1, 0]] },
    ],
  });
  for (const mode of LOCK_MODES) {
    const m = buildModel(sc, [mode]);
    const errs = new Set<string>();
    traverse(m, { edge: (st, actor, choice) => { const e = granularityError(m, st, actor, choice); if (e) errs.add(e); } });
    assert.deepEqual([...errs], [], mode);
    const r = runJob({ scenario: sc, variants: [mode] });
    assert.equal(r.violation, undefined, `${mode}: ${r.violation?.invariant}: ${r.violation?.message}`);
    assert.equal(r.verdict, 'clean', mode);
  }
});

// A user's patch: kvm_iommu_map_pages as the global-lock hypervisor has it, with hyp_spin_lock(&iommu_lock) and
// hyp_spin_unlock(&iommu_lock) taken out; everything else as hyp_map does it in the default mode.
variantOf('hyp_map', 'hyp-map-without-iommu-lock', {
  faulty: true,
  description: 'kvm_iommu_map_pages without hyp_spin_lock(&iommu_lock): the io-pgtable walk trusts a lock nobody takes',
  steps: (b, sys) => {
    const g = slotOf(b), page = b.arg('page'), l = mapLocals(b);
    return [
      // hyp_spin_lock(&iommu_lock);  -- removed
      b.load('handle_to_domain: read domain state', l.v, (c) => c.sys.hyp.domState(g(c))),
      b.jumpIf((c) => l.v.get(c) !== DOM_LIVE, 'enoent'),
      b.load('read domain->pgd', l.pgd, (c) => c.sys.hyp.domPgd(g(c))),
      ...hostUseDma(b, 'use', page, l.v, 'out'),
      ...walkToLeafTable(b, sys, l, false, 'enomem'),
      ...writeLeaf(b, sys, l, true, 'eexist'),
      b.retDone(0),
      b.label('eexist'), b.ret(EEXIST), b.goto('unuse'),
      b.label('enomem'), b.ret(ENOMEM),
      b.label('unuse'),
      ...hostUnuseDma(b, page, () => 1, l.v),
      b.done(),
      b.label('enoent'), b.ret(ENOENT),
      b.label('out'),
      // hyp_spin_unlock(&iommu_lock);  -- removed
      b.done(),
    ];
  },
});

test('hyp_map without the global hypervisor lock is caught in hyp-host-races-one-iova; hyp_map with it is clean', () => {
  const sc = findScenario('hyp-host-races-one-iova');
  const good = runJob({ scenario: sc, variants: [] });
  assert.equal(good.violation, undefined, good.violation?.message);
  assert.equal(good.verdict, 'clean');
  const bad = runJob({ scenario: sc, variants: ['hyp-map-without-iommu-lock'] });
  assert.equal(bad.violation?.invariant, 'hyp-state-consistent', bad.violation?.message ?? 'no violation');
  // the two maps of one IOVA both find the leaf empty and both write it: one DMA share outlives its mapping
  assert.match(bad.violation!.message, /page \d is shared with DMA 1 time\(s\) but 0 leaf entries map it/);
});
