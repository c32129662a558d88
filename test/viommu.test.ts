// Tests of the iommufd-style vIOMMU: vdev id set/unset/unbind semantics and error codes, nested DMA and its
// VMID+ASID-tagged IOTLB entries, the guest batch's dispatch, the scenario section, the cmdq command kinds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel, type Model } from '../src/model/model';
import { validateScenario, ScenarioError, type ScenarioSpec } from '../src/model/scenario';
import { EBUSY, EEXIST, EFAULT, EINVAL, ENODEV, ENOENT } from '../src/model/errno';
import { CMD_SYNC, defineCommandKind, describeCmd, extraCmd, tlbiAsid, tlbiVa } from '../src/model/cmdq/state';
import { CMD_INV_DEV, CMD_TLBI_NH_ASID } from '../src/model/stack/viommu-guest';
import { runAlone } from './helpers';
import { exploreDfs } from '../src/explorer/dfs';

/** Two pSMMUs, three devices (0, 1 behind pSMMU 0; 2 behind pSMMU 1); VM 0 spans both, VM 1 only pSMMU 0. */
function scenario(ops: ScenarioSpec['threads'][0]['ops'], extra: Record<string, unknown> = {}): ScenarioSpec {
  return validateScenario({
    name: 'vi', description: 'test', instances: [0, 0],
    devices: [{ instance: 0, group: 0 }, { instance: 0, group: 1 }, { instance: 1, group: 2 }],
    domains: [], pages: 2, phys: 2,
    viommu: { vms: [{ instances: [0, 1] }, { instances: [0] }], vdevIds: 2, asids: 2 },
    threads: [{ name: 't', ops }], ...extra,
  });
}

/** Run thread 0's ops one at a time alone (hardware consumers included), collecting each return value. */
function returns(m: Model): number[] {
  const out: number[] = [];
  let s = m.initial();
  for (let guard = 0; guard < 10_000; guard++) {
    const list: number[] = [];
    m.steps(s, list);
    if (list.length === 0) return out;
    const before = s[m.sys.opIndex(0)];
    s = m.apply(s, list[0], list[1]);
    if (s[m.sys.opIndex(0)] !== before) out.push(s[m.sys.ret(0)]);
  }
  throw new Error('did not finish');
}

test('set_dev_id: -EINVAL behind an unspanned pSMMU, -EBUSY for a taken id or an already bound device', () => {
  const m = buildModel(scenario([
    ['set_dev_id', 1, 0, 2], // device 2 sits behind pSMMU 1, which VM 1 does not span
    ['set_dev_id', 0, 0, 0],
    ['set_dev_id', 0, 0, 1], // id taken
    ['set_dev_id', 1, 0, 0], // device already bound (to VM 0)
    ['set_dev_id', 1, 0, 1], // the same id number in another VM is independent
  ]));
  assert.deepEqual(returns(m), [EINVAL, 0, EBUSY, EBUSY, 0]);
  const s = runAlone(m), f = m.sys.vi;
  assert.equal(s[f.vdev(0, 0)], 1);
  assert.equal(s[f.vdev(1, 0)], 2);
  assert.equal(s[f.bound(0)], 0 * f.N + 0 + 1);
  assert.equal(s[f.bound(1)], 1 * f.N + 0 + 1);
});

test('unset_dev_id and unbind: -ENOENT when nothing is bound; afterwards the id and the device are free again', () => {
  const m = buildModel(scenario([
    ['unset_dev_id', 0, 1], ['unbind', 0],
    ['set_dev_id', 0, 1, 0], ['unset_dev_id', 0, 1], ['set_dev_id', 0, 1, 1], ['unbind', 1], ['set_dev_id', 1, 1, 1],
  ]));
  assert.deepEqual(returns(m), [ENOENT, ENOENT, 0, 0, 0, 0, 0]);
  const s = runAlone(m), f = m.sys.vi;
  assert.equal(s[f.vdev(0, 1)], 0);
  assert.equal(s[f.vdev(1, 1)], 2);
  assert.equal(s[f.bound(0)], 0);
});

test('unset drains the device\'s pSMMU: the id stays reserved (dying) until the hardware consumed its CMD_SYNC', () => {
  const m = buildModel(scenario([['unset_dev_id', 0, 0]], { setup: [['set_dev_id', 0, 0, 0]] }));
  let s = m.initial();
  for (;;) {
    const list: number[] = [];
    m.steps(s, list);
    if (!list.some((v, i) => i % 2 === 0 && v === 0)) break;
    s = m.apply(s, 0, 0);
  }
  assert.equal(m.label(s, 0, 0).step, 'wait for CMD_SYNC');
  assert.equal(s[m.sys.vi.vdev(0, 0)], -1, 'dying, not free');
  assert.equal(s[m.sys.vi.bound(0)], 1, 'the device is still bound');
  s = m.apply(s, m.threads, 0); // cmdq-consumer[0] executes the CMD_SYNC
  s = m.apply(s, 0, 0);
  s = m.apply(s, 0, 0);
  assert.ok(m.finished(s, 0));
  assert.equal(s[m.sys.vi.vdev(0, 0)], 0);
  assert.equal(s[m.sys.vi.bound(0)], 0);
});

test('nested DMA: aborts without a binding or a vSTE, then fills an IOTLB entry tagged by (VMID, ASID) on its pSMMU', () => {
  const m = buildModel(scenario([
    ['nested_dma', 2, 0], ['set_dev_id', 0, 0, 2], ['nested_dma', 2, 0], ['guest_set_ste', 0, 0, 1],
    ['nested_dma', 2, 0], ['guest_map', 0, 1, 0, 1], ['nested_dma', 2, 0], ['guest_map', 0, 1, 0, 0],
  ]));
  assert.deepEqual(returns(m), [EFAULT, 0, EFAULT, 0, EFAULT, 0, 1, EEXIST]);
  const s = runAlone(m), f = m.sys.vi;
  assert.equal(s[f.tlb(1, 0, 1, 0)], 2, 'pSMMU 1 caches VM 0 ASID 1 page 0 -> phys 1');
  assert.equal(s[f.tlb(0, 0, 1, 0)], 0, 'not on pSMMU 0');
  assert.equal(s[f.tlb(1, 0, 0, 0)], 0, 'not under another ASID');
});

test('two VMs with the same vdev id and ASID translate through separate tables and separate IOTLB entries', () => {
  const m = buildModel(scenario([
    ['set_dev_id', 0, 0, 0], ['set_dev_id', 1, 0, 1], ['guest_set_ste', 0, 0, 0], ['guest_set_ste', 1, 0, 0],
    ['guest_map', 0, 0, 0, 0], ['guest_map', 1, 0, 0, 1], ['nested_dma', 0, 0], ['nested_dma', 1, 0],
  ]));
  assert.deepEqual(returns(m).slice(-2), [0, 1]);
  const s = runAlone(m), f = m.sys.vi;
  assert.equal(s[f.tlb(0, 0, 0, 0)], 1);
  assert.equal(s[f.tlb(0, 1, 0, 0)], 2);
});

test('a guest batch reaches every spanned pSMMU, returns -ENODEV for an unbound vdev id, and promises the unmapped pages', () => {
  const m = buildModel(scenario([['unset_dev_id', 0, 1], ['guest_unmap', 0, 0, 0], ['guest_unmap', 0, 0, 0], ['guest_invalidate', 0, 0, 1]], {
    setup: [
      ['set_dev_id', 0, 0, 0], ['set_dev_id', 0, 1, 2], ['guest_set_ste', 0, 0, 0], ['guest_set_ste', 0, 1, 0],
      ['guest_map', 0, 0, 0, 0], ['guest_map', 0, 0, 1, 1], ['nested_dma', 0, 0], ['nested_dma', 2, 0], ['nested_dma', 2, 1],
    ],
  }));
  assert.deepEqual(returns(m), [0, 0, ENOENT, ENODEV]);
  const s = runAlone(m), f = m.sys.vi;
  for (const i of [0, 1]) assert.equal(s[f.tlb(i, 0, 0, 0)], 0, `pSMMU ${i} flushed page 0`);
  assert.equal(s[f.tlb(1, 0, 0, 1)], 0, 'a TLBI by ASID drops the whole context, mapped pages too');
  assert.equal(s[f.promised(0, 0, 0)], 1);
  assert.equal(s[f.promised(0, 0, 1)], 0, 'page 1 is still mapped: nothing promised');
  for (let t = 0; t < m.threads; t++) for (const i of [0, 1]) assert.equal(s[f.syncAt(t, i)], 0, 'sync positions are zeroed');
});

test('the by-vdev command is queued on the pSMMU of the device the id resolves to, with the issuing VM', () => {
  const m = buildModel(scenario([['guest_invalidate', 0, 1, 1]], { setup: [['set_dev_id', 0, 1, 2]] }));
  let s = m.initial();
  for (let k = 0; k < 4; k++) s = m.apply(s, 0, 0); // take, lock, resolve, queue on pSMMU 0
  const cq = m.sys.cq;
  assert.deepEqual([s[cq.slot(0, 0)], s[cq.slot(0, 1)]], [extraCmd(CMD_TLBI_NH_ASID, 0 | (1 << 4)), CMD_SYNC]);
  s = m.apply(s, 0, 0); // queue on pSMMU 1
  assert.deepEqual([s[cq.slot(1, 0)], s[cq.slot(1, 1)], s[cq.slot(1, 2)]],
    [extraCmd(CMD_TLBI_NH_ASID, 0 | (1 << 4)), extraCmd(CMD_INV_DEV, 2 | (0 << 4)), CMD_SYNC]);
  assert.equal(describeCmd(s[cq.slot(1, 1)]), 'INV_DEV(device 2, from vm 0)');
  assert.equal(describeCmd(s[cq.slot(1, 0)]), 'TLBI_NH_ASID(vmid 0, asid 1)');
});

test('the viommu section is validated, and errors name the field', () => {
  const bad = (viommu: unknown, re: RegExp) =>
    assert.throws(() => scenario([], { viommu }), (e: Error) => e instanceof ScenarioError && re.test(e.message), String(re));
  bad([], /vi\.viommu: expected an object/);
  bad({ vms: [] }, /vi\.viommu\.vms: expected a list of 1\.\.4 VMs/);
  bad({ vms: [{ instances: [0, 2] }] }, /vi\.viommu\.vms\[0\]\.instances\[1\]: 2 is out of range 0\.\.1/);
  bad({ vms: [{ instances: [1, 1] }] }, /vi\.viommu\.vms\[0\]\.instances\[1\]: instance 1 listed twice/);
  bad({ vms: [{ instances: [0], color: 1 }] }, /vi\.viommu\.vms\[0\]\.color: unknown field/);
  bad({ vms: [{ instances: [0] }], vdevIds: 9 }, /vi\.viommu\.vdevIds: 9 is out of range 1\.\.4/);
  bad({ vms: [{ instances: [0] }], asids: 'x' }, /vi\.viommu\.asids: expected an integer/);
  bad({ vms: [{ instances: [0] }], vmid: 1 }, /vi\.viommu\.vmid: unknown field/);
});

test('vIOMMU arguments are bounded by the section: vm, vdev and asid', () => {
  const bad = (ops: unknown[], re: RegExp) =>
    assert.throws(() => buildModel(scenario([ops as never])), (e: Error) => e instanceof ScenarioError && re.test(e.message));
  bad(['set_dev_id', 2, 0, 0], /set_dev_id vm must be an integer 0\.\.1/);
  bad(['set_dev_id', 0, 2, 0], /set_dev_id vdev must be an integer 0\.\.1/);
  bad(['guest_map', 0, 2, 0, 0], /guest_map asid must be an integer 0\.\.1/);
  assert.throws(() => buildModel(validateScenario({ name: 'x', description: 'd', instances: [0], devices: [{ instance: 0, group: 0 }],
    threads: [{ name: 't', ops: [['set_dev_id', 0, 0, 0]] }] })), /set_dev_id belongs to the viommu subsystem, but this scenario has no 'viommu' section/, 'no viommu section');
});

test('cmdq command kinds: the core encodings are unchanged; extra codes are checked', () => {
  assert.equal(tlbiVa(1, 2), 1 | (1 << 2) | (2 << 5));
  assert.equal(tlbiAsid(3), 2 | (3 << 2));
  assert.equal(describeCmd(tlbiVa(1, 2)), 'TLBI_VA(domain 1, page 2)');
  assert.equal(describeCmd(CMD_SYNC), 'CMD_SYNC');
  assert.throws(() => defineCommandKind({ code: CMD_TLBI_NH_ASID, execute: () => undefined, describe: () => '' }), /defined twice/);
  assert.throws(() => defineCommandKind({ code: 16, execute: () => undefined, describe: () => '' }), /out of range/);
});

test('a guest batch promises nothing about a page mapped, cached and unmapped again while it ran (fuzzer-found false alarm)', () => {
  const m = buildModel(scenario([['guest_invalidate', 0, 0, 0]], {
    setup: [['set_dev_id', 0, 0, 0], ['guest_set_ste', 0, 0, 0]],
    threads: [
      { name: 'batch', ops: [['guest_invalidate', 0, 0, 0]] },
      { name: 'guest', ops: [['guest_map', 0, 0, 0, 0], ['nested_dma', 0, 0], ['guest_unmap', 0, 0, 0]] },
    ],
  }));
  const r = exploreDfs(m);
  assert.equal(r.verdict, 'clean', r.violation?.message);
});

test('a guest batch of three commands fits the smallest command queue', () => {
  const m = buildModel(scenario([['guest_invalidate', 0, 0, 0]], { cmdqDepth: 2, setup: [['set_dev_id', 0, 0, 0]] }));
  assert.ok(m.sys.cq.Q >= 3);
  assert.equal(exploreDfs(m).verdict, 'clean');
});
