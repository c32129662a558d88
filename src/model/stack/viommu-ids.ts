// Owns the vIOMMU's virtual device ids (iommufd IOMMU_VIOMMU_SET_VDEV_ID / UNSET / vdevice destroy):
// set_dev_id binds a device behind one of the spanned physical IOMMUs to a free vdev id; unset_dev_id and
// device unbind mark the id dying, drain the device's physical command queue (CMD_SYNC: every command
// dispatched to it before the unset has executed) and only then release the id and the device.
import type { Ctx, ParamSpec, StepDef } from '../program';
import type { System } from '../system';
import { DONE } from '../program';
import { defineOp } from '../ops';
import { defineVariants } from '../variants';
import { isFree } from '../locks';
import { EBUSY, EINVAL, ENOENT } from '../errno';
import { CMD_SYNC, completed, insert, hasSpace } from '../cmdq/state';
import { bindingOf } from './viommu-state';

export const vmParam: ParamSpec = { name: 'vm', kind: 'vm', max: (sys) => sys.vi.M - 1 };
export const vdevParam: ParamSpec = { name: 'vdev', kind: 'vdev', max: (sys) => sys.vi.N - 1 };
export const asidParam: ParamSpec = { name: 'asid', kind: 'asid', max: (sys) => sys.vi.A - 1 };

defineVariants([
  { name: 'unset-reserves-id-until-drained', slot: 'viommu_unset', subsystem: 'viommu', faulty: false, isDefault: true,
    description: 'unset_dev_id keeps the vdev id reserved (dying) until the device\'s CMD_SYNC drained, then frees id and device together' },
  { name: 'unset-frees-id-early', slot: 'viommu_unset', subsystem: 'viommu', faulty: true,
    description: 'unset_dev_id erases the vdev id from the table first and tears the old device down after, so set_dev_id can reuse the id meanwhile' },
  { name: 'unset-drain-before-erase', slot: 'viommu_unset', subsystem: 'viommu', faulty: true,
    description: 'unset_dev_id drains the device\'s queue while its vdev id still resolves, so a guest command dispatched after the drain lands once the device moved on' },
]);

function ret(c: Ctx, v: number): number {
  c.w.set(c.sys.ret(c.t), v);
  return DONE;
}

defineOp({
  name: 'set_dev_id', subsystem: 'viommu',
  description: 'bind a device to a free vdev id of a VM\'s vIOMMU: -EINVAL behind an instance it does not span, -EBUSY if id or device is taken',
  params: [vmParam, vdevParam, { name: 'device', kind: 'device' }],
  build: () => [{
    // lock, xa_cmpxchg-style check and store, unlock: nothing else touches this state in between
    label: 'under vIOMMU lock: claim vdev id',
    enabled: (c) => isFree(c, c.sys.vi.lock(c.args[0])),
    run: (c) => {
      const f = c.sys.vi, [vm, n, v] = c.args;
      if ((f.span[vm] & (1 << c.sys.dom.devInstance[v])) === 0) return ret(c, EINVAL);
      if (c.w.get(f.bound(v)) !== 0 || c.w.get(f.vdev(vm, n)) !== 0) return ret(c, EBUSY);
      c.w.set(f.vdev(vm, n), v + 1);
      c.w.set(f.bound(v), vm * f.N + n + 1);
      return ret(c, 0);
    },
  }],
});

/** Locals of an unset: 0 = (vm * N + id) + 1 being unset, 1 = device + 1 (unbind presets the device it read), 3 = CMD_SYNC position. */
const BIND = 0, DEV = 1, TARGET = 3;

type UnsetMode = 'reserve' | 'early' | 'late';

function unsetMode(sys: System): UnsetMode {
  return sys.variants.is('unset-frees-id-early') ? 'early' : sys.variants.is('unset-drain-before-erase') ? 'late' : 'reserve';
}

/** The steps after the id is known (local BIND): mark dying, drain the device's queue, release. */
function unsetSteps(mode: UnsetMode): StepDef[] {
  const early = mode === 'early', late = mode === 'late';
  // unbind has read the binding into local BIND; unset_dev_id names it by its arguments (vm, vdev)
  const bindOf = (c: Ctx) => c.w.get(c.sys.local(c.t, BIND)) || c.args[0] * c.sys.vi.N + c.args[1] + 1;
  const vmOf = (c: Ctx) => Math.floor((bindOf(c) - 1) / c.sys.vi.N);
  const inst = (c: Ctx) => c.sys.dom.devInstance[c.w.get(c.sys.local(c.t, DEV)) - 1];
  return [
    {
      label: early ? 'under vIOMMU lock: erase vdev id' : late ? 'under vIOMMU lock: look up vdev id' : 'under vIOMMU lock: mark vdev id dying',
      enabled: (c) => isFree(c, c.sys.vi.lock(vmOf(c))),
      run: (c) => {
        const f = c.sys.vi, b = bindOf(c) - 1;
        const at = f.vdev(Math.floor(b / f.N), b % f.N), e = c.w.get(at);
        c.w.set(c.sys.local(c.t, BIND), b + 1);
        const want = c.w.get(c.sys.local(c.t, DEV)); // unbind: the device it read
        if (e <= 0 || (want !== 0 && e !== want)) return ret(c, ENOENT); // free, dying, or rebound meanwhile
        c.w.set(c.sys.local(c.t, DEV), e);
        if (!late) c.w.set(at, early ? 0 : -e);
      },
    },
    {
      label: 'queue CMD_SYNC on the device\'s pSMMU',
      enabled: (c) => isFree(c, c.sys.cq.lock(inst(c))) && hasSpace(c, inst(c), 1),
      run: (c) => void c.w.set(c.sys.local(c.t, TARGET), insert(c, inst(c), CMD_SYNC)),
    },
    {
      label: 'wait for CMD_SYNC',
      enabled: (c) => completed(c, inst(c), c.w.get(c.sys.local(c.t, TARGET))),
      run: () => undefined,
    },
    {
      label: 'under vIOMMU lock: release vdev id and device',
      enabled: (c) => isFree(c, c.sys.vi.lock(vmOf(c))),
      run: (c) => {
        const f = c.sys.vi, b = c.w.get(c.sys.local(c.t, BIND)) - 1, e = c.w.get(c.sys.local(c.t, DEV));
        const at = f.vdev(Math.floor(b / f.N), b % f.N);
        if (c.w.get(at) === -e || (late && c.w.get(at) === e)) c.w.set(at, 0);
        c.w.set(f.bound(e - 1), 0);
        return ret(c, 0);
      },
    },
  ];
}

defineOp({
  name: 'unset_dev_id', subsystem: 'viommu',
  description: 'unbind a vdev id of a VM\'s vIOMMU from its device (-ENOENT if free); returns once the device is released',
  params: [vmParam, vdevParam],
  build: (sys) => unsetSteps(unsetMode(sys)),
});

defineOp({
  name: 'unbind', subsystem: 'viommu',
  description: 'the VFIO device is unbound from iommufd: its vdev id (if any) is unset first; -ENOENT if it has none',
  params: [{ name: 'device', kind: 'device' }],
  build: (sys) => [
    {
      label: 'read the device\'s vdev id',
      run: (c) => {
        const b = bindingOf(c, c.args[0]);
        if (!b) return ret(c, ENOENT);
        c.w.set(c.sys.local(c.t, BIND), b.vm * c.sys.vi.N + b.id + 1);
        c.w.set(c.sys.local(c.t, DEV), c.args[0] + 1);
      },
    },
    ...unsetSteps(unsetMode(sys)),
  ],
});
