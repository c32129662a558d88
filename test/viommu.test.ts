// Tests of the iommufd-style vIOMMU: vdev id set/unset/unbind semantics and error codes, nested DMA and its
// VMID+ASID-tagged IOTLB entries, the guest batch's dispatch, the scenario section, the cmdq command kinds,
// and the vIOMMU's rwsem: set_dev_id or the guest invalidation written without it is caught.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel, type Model } from '../src/model/model';
import { validateScenario, ScenarioError, type ScenarioSpec } from '../src/model/scenario';
import { EBUSY, EEXIST, EFAULT, EINVAL, ENODEV, ENOENT } from '../src/model/errno';
import { CMD_SYNC, defineCommandKind, describeCmd, extraCmd, tlbiAsid, tlbiVa } from '../src/model/cmdq/state';
import { CMD_INV_DEV, CMD_TLBI_NH_ASID } from '../src/model/viommu/commands';
import { runAlone } from './helpers';
import { exploreDfs } from '../src/explorer/dfs';
import type { Ctx } from '../src/model/program';
import { variantOf } from '../src/model/api/define';
import { issueCommands } from '../src/model/cmdq/issue';
import { lowestBit } from '../src/model/bits';
import { findScenario } from '../src/model/scenarios';
import { runJob } from '../src/explorer/job';

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
  assert.equal(m.label(s, 0, 0).step, 'wait for CMD_SYNC (poll CONS)');
  assert.equal(s[m.sys.vi.vdev(0, 0)], -1, 'dying, not free');
  assert.equal(s[m.sys.vi.bound(0)], 1, 'the device is still bound');
  assert.equal(s[m.sys.vi.lock(0)], 0, 'the drain does not hold the vIOMMU rwsem');
  assert.equal(m.evalEnabled(s, 0), false, 'the CMD_SYNC has not executed yet');
  s = m.apply(s, m.threads, 0); // cmdq-consumer[0] executes the CMD_SYNC
  const release: string[] = [];
  while (!m.finished(s, 0)) {
    const step = m.label(s, 0, 0).step;
    release.push(step);
    if (step === 'idev->vdev_id = NULL') {
      assert.equal(s[m.sys.vi.vdev(0, 0)], 0, 'the id is erased first');
      assert.equal(s[m.sys.vi.bound(0)], 1, 'then the device lets go of it');
      assert.notEqual(s[m.sys.vi.lock(0)], 0, 'both under the rwsem');
      assert.notEqual(s[m.sys.vi.igroup(0)], 0, 'and the group mutex');
    }
    s = m.apply(s, 0, 0);
  }
  assert.deepEqual(release, [
    'wait for CMD_SYNC (poll CONS)', 'down_write(&viommu->vdev_ids_rwsem)', 'mutex_lock(&idev->igroup->lock)', 'xa_load(vdev id)',
    'xa_erase(vdev id)', 'idev->vdev_id = NULL', 'mutex_unlock(&idev->igroup->lock)', 'up_write(&viommu->vdev_ids_rwsem)',
  ]);
  assert.equal(s[m.sys.vi.vdev(0, 0)], 0);
  assert.equal(s[m.sys.vi.bound(0)], 0);
  assert.equal(s[m.sys.ret(0)], 0);
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
  // run the batch up to the end of its insertion into a pSMMU's queue (the queue lock still held)
  const toInsertion = () => {
    do s = m.apply(s, 0, 0);
    while (m.label(s, 0, 0).step !== 'spin_unlock(cmdq->lock)');
  };
  toInsertion(); // pSMMU 0
  const cq = m.sys.cq;
  assert.deepEqual([s[cq.slot(0, 0)], s[cq.slot(0, 1)]], [extraCmd(CMD_TLBI_NH_ASID, 0 | (1 << 4)), CMD_SYNC]);
  assert.equal(s[cq.slot(1, 0)], 0, 'pSMMU 1 not yet');
  assert.notEqual(s[m.sys.vi.lock(0)], 0, 'the vdev id lookup is still held');
  toInsertion(); // pSMMU 1
  assert.deepEqual([s[cq.slot(1, 0)], s[cq.slot(1, 1)], s[cq.slot(1, 2)]],
    [extraCmd(CMD_TLBI_NH_ASID, 0 | (1 << 4)), extraCmd(CMD_INV_DEV, 2 | (0 << 4)), CMD_SYNC]);
  assert.notEqual(s[m.sys.vi.lock(0)], 0, 'held until the last queue has the commands');
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

// The vIOMMU's rwsem (viommu->vdev_ids_rwsem) matters: each op below is the model's, written out as a user's
// patch would be, minus its down_write/up_write (set_dev_id) or down_read/up_read (the guest invalidation).

variantOf('set_dev_id', 'user-set-dev-id-without-viommu-lock', {
  faulty: true, description: 'set_dev_id checks and claims the vdev id under the device\'s group mutex only, without the vIOMMU rwsem',
  steps: (b) => {
    const vm = b.arg('vm'), n = b.arg('vdev'), dev = b.arg('device'), val = b.local('val');
    const f = (c: Ctx) => c.sys.vi;
    const group = (c: Ctx) => f(c).igroup(c.sys.dom.devGroup[dev(c)]);
    return [
      b.jumpIf((c) => (f(c).span[vm(c)] & (1 << c.sys.dom.devInstance[dev(c)])) === 0, 'einval'),
      b.mutexLock('mutex_lock(&idev->igroup->lock)', group, 'igroup->lock'),
      b.load('read idev->vdev_id', val, (c) => f(c).bound(dev(c))),
      b.jumpIf((c) => val.get(c) !== 0, 'ebusy'),
      b.load('xa_load(vdev id): is it free', val, (c) => f(c).vdev(vm(c), n(c))),
      b.jumpIf((c) => val.get(c) !== 0, 'ebusy'),
      b.store('idev->vdev_id = vdev_id', (c) => f(c).bound(dev(c)), (c) => vm(c) * f(c).N + n(c) + 1),
      b.store('xa_cmpxchg(vdev id, NULL, vdev_id)', (c) => f(c).vdev(vm(c), n(c)), (c) => dev(c) + 1),
      b.ret(0), b.goto('unlock'),
      b.label('ebusy'), b.ret(EBUSY),
      b.label('unlock'),
      b.mutexUnlock('mutex_unlock(&idev->igroup->lock)', group, 'igroup->lock'),
      b.done(),
      b.label('einval'), b.retDone(EINVAL),
    ];
  },
});

variantOf('guest_invalidate', 'user-invalidate-without-viommu-lock', {
  faulty: true, description: 'the guest batch looks its vdev id up and queues its commands without the vIOMMU rwsem',
  steps: (b) => {
    const vm = b.arg('vm'), a = b.arg('asid'), n = b.arg('vdev');
    const pages = b.local('pages'), dev = b.local('dev'), todo = b.local('todo'), wait = b.local('wait');
    const val = b.local('val'), prod = b.local('prod');
    const f = (c: Ctx) => c.sys.vi;
    const qinst = (c: Ctx) => lowestBit(todo.get(c)), winst = (c: Ctx) => lowestBit(wait.get(c));
    const devOn = (c: Ctx, i: number) => dev.get(c) !== 0 && c.sys.dom.devInstance[dev.get(c) - 1] === i;
    return [
      b.compute('ghost: note the unmapped pages', (c) => {
        let mask = 0;
        for (let p = 0; p < f(c).P; p++) {
          if (c.w.peek(f(c).s1(vm(c), a(c), p)) !== 0) continue;
          mask |= 1 << p;
          c.w.set(f(c).watch(vm(c), a(c), p), c.w.get(f(c).watch(vm(c), a(c), p)) | (1 << c.t));
        }
        pages.set(c, mask);
        todo.set(c, f(c).span[vm(c)]);
      }),
      b.load('xa_load(vdev id) (arm_vsmmu_vsid_to_sid)', val, (c) => f(c).vdev(vm(c), n(c))),
      b.compute('the device\'s pSMMU gets the by-vdev command', (c) => {
        if (val.get(c) <= 0) return;
        dev.set(c, val.get(c));
        todo.set(c, todo.get(c) | (1 << c.sys.dom.devInstance[val.get(c) - 1]));
      }),
      b.label('queue'),
      ...issueCommands(b, {
        instance: qinst, prod, what: 'TLBI_NH_ASID [+ INV_DEV] + CMD_SYNC',
        count: (c) => (devOn(c, qinst(c)) ? 3 : 2),
        commands: (c, put) => {
          put(extraCmd(CMD_TLBI_NH_ASID, vm(c) | (a(c) << 4)));
          if (devOn(c, qinst(c))) put(extraCmd(CMD_INV_DEV, (dev.get(c) - 1) | (vm(c) << 4)));
          put(CMD_SYNC);
        },
      }),
      b.compute('next pSMMU', (c) => {
        c.w.set(f(c).syncAt(c.t, qinst(c)), prod.get(c));
        wait.set(c, wait.get(c) | (1 << qinst(c)));
        todo.set(c, todo.get(c) & ~(1 << qinst(c)));
        return todo.get(c) !== 0 ? 'queue' : undefined;
      }),
      b.label('wait'),
      b.waitUntil('wait for CMD_SYNC (poll CONS)', (c) => c.w.atLeast(c.sys.cq.cons(winst(c)), c.w.get(f(c).syncAt(c.t, winst(c))))),
      b.compute('next CMD_SYNC', (c) => {
        c.w.set(f(c).syncAt(c.t, winst(c)), 0);
        wait.set(c, wait.get(c) & ~(1 << winst(c)));
        if (wait.get(c) !== 0) return 'wait';
        for (let p = 0; p < f(c).P; p++) {
          if ((pages.get(c) & (1 << p)) === 0) continue;
          const at = f(c).watch(vm(c), a(c), p), w = c.w.get(at);
          c.w.set(at, w & ~(1 << c.t));
          if (w & (1 << c.t) && c.w.peek(f(c).s1(vm(c), a(c), p)) === 0) c.w.set(f(c).promised(vm(c), a(c), p), 1);
        }
      }),
      b.retDone((c) => (dev.get(c) === 0 ? ENODEV : 0)),
    ];
  },
});

const functional = ['vdev-id-unique', 'guest-sync-complete', 'viommu-isolation'];

for (const { scenario: name, variant, symptom } of [
  { scenario: 'vdev-id-reuse-racing-unbind', variant: 'user-set-dev-id-without-viommu-lock', symptom: 'vdev-id-unique' },
  { scenario: 'two-vms-overlapping-vdev-ids', variant: 'user-invalidate-without-viommu-lock', symptom: 'viommu-isolation' },
]) {
  test(`${name}: ${variant} is caught (a data race on the vdev id slot, and ${symptom}); the model's op is clean`, (t) => {
    const sc = findScenario(name);
    const race = runJob({ scenario: sc, variants: [variant] }, { minimize: false, invariants: ['no-data-race'] });
    assert.equal(race.violation?.invariant, 'no-data-race');
    assert.match(race.violation!.message, /^data race on viommu\.vdev\[0\]\[0\]/);
    t.diagnostic(race.violation!.message);
    const symptomOnly = runJob({ scenario: sc, variants: [variant] }, { minimize: false, invariants: functional });
    assert.equal(symptomOnly.violation?.invariant, symptom);
    t.diagnostic(`${symptom}: ${symptomOnly.violation!.message}`);
    const all = runJob({ scenario: sc, variants: [variant] }, { minimize: false });
    assert.equal(all.verdict, 'violation');
    const upstream = runJob({ scenario: sc, variants: [] }, { reduction: false });
    assert.equal(upstream.verdict, 'clean', upstream.violation?.message);
  });
}
