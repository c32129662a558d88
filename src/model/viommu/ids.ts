// Owns the vIOMMU's virtual device ids (iommufd IOMMU_VIOMMU_SET_VDEV_ID / UNSET / device unbind), split at
// each shared access. set_dev_id takes viommu->vdev_ids_rwsem for writing and the device's igroup->lock,
// checks idev->vdev_id and the id's xarray slot, records the binding and claims the slot (a load and a store
// of the slot, both under the rwsem). unset_dev_id and device unbind mark the id dying under the rwsem, drain
// the device's physical command queue (a CMD_SYNC: every command dispatched to it before the mark has
// executed), then, under the rwsem and the group mutex, erase the id and clear the device's binding. The
// unset policy (reserve the id until drained, or the faulty orders) is a slot shared by both operations.
import type { Ctx } from '../program';
import type { System } from '../system';
import type { Builder } from '../api/builder';
import type { Item, Local } from '../api/instr';
import { operation } from '../api/define';
import { policyVariants } from '../api/define';
import { EBUSY, EINVAL, ENOENT } from '../errno';
import { CMD_SYNC } from '../cmdq/state';
import { issueCommands, waitForSync } from '../cmdq/issue';
import { vdevParam, vmParam } from './state';

policyVariants([
  { name: 'unset-reserves-id-until-drained', slot: 'viommu_unset', subsystem: 'viommu', faulty: false, isDefault: true,
    description: 'unset_dev_id keeps the vdev id reserved (dying) until the device\'s CMD_SYNC drained, then frees id and device together' },
  { name: 'unset-frees-id-early', slot: 'viommu_unset', subsystem: 'viommu', faulty: true,
    description: 'unset_dev_id erases the vdev id from the table first and tears the old device down after, so set_dev_id can reuse the id meanwhile' },
  { name: 'unset-drain-before-erase', slot: 'viommu_unset', subsystem: 'viommu', faulty: true,
    description: 'unset_dev_id drains the device\'s queue while its vdev id still resolves, so a guest command dispatched after the drain lands once the device moved on' },
]);

const rwsem = (vm: (c: Ctx) => number) => (c: Ctx) => c.sys.vi.lock(vm(c));
const igroup = (dev: (c: Ctx) => number) => (c: Ctx) => c.sys.vi.igroup(c.sys.dom.devGroup[dev(c)]);

/** set_dev_id's steps (iommufd_viommu_set_vdev_id). */
function setDevIdSteps(b: Builder): Item[] {
  const vm = b.arg('vm'), n = b.arg('vdev'), dev = b.arg('device');
  const val = b.local('val');
  const f = (c: Ctx) => c.sys.vi;
  return [
    // the device must sit behind a pSMMU this vIOMMU spans (static: checked before any lock)
    b.jumpIf((c) => (f(c).span[vm(c)] & (1 << c.sys.dom.devInstance[dev(c)])) === 0, 'einval'),
    b.downWrite('down_write(&viommu->vdev_ids_rwsem)', rwsem(vm), 'viommu->vdev_ids_rwsem'),
    b.mutexLock('mutex_lock(&idev->igroup->lock)', igroup(dev), 'igroup->lock'),
    b.load('read idev->vdev_id', val, (c) => f(c).bound(dev(c))),
    b.jumpIf((c) => val.get(c) !== 0, 'ebusy'),
    b.load('xa_load(vdev id): is it free', val, (c) => f(c).vdev(vm(c), n(c))),
    b.jumpIf((c) => val.get(c) !== 0, 'ebusy'), // taken, or dying
    // as iommufd_vdevice_alloc_ioctl: the device points at its vdev id before the xarray names the device
    b.store('idev->vdev_id = vdev_id', (c) => f(c).bound(dev(c)), (c) => vm(c) * f(c).N + n(c) + 1),
    b.store('xa_cmpxchg(vdev id, NULL, vdev_id)', (c) => f(c).vdev(vm(c), n(c)), (c) => dev(c) + 1),
    b.ret(0),
    b.goto('unlock'),
    b.label('ebusy'), b.ret(EBUSY),
    b.label('unlock'),
    b.mutexUnlock('mutex_unlock(&idev->igroup->lock)', igroup(dev), 'igroup->lock'),
    b.upWrite('up_write(&viommu->vdev_ids_rwsem)', rwsem(vm), 'viommu->vdev_ids_rwsem'),
    b.done(),
    b.label('einval'), b.retDone(EINVAL),
  ];
}

operation({
  name: 'set_dev_id', subsystem: 'viommu',
  description: 'bind a device to a free vdev id of a VM\'s vIOMMU: -EINVAL behind an instance it does not span, -EBUSY if id or device is taken',
  params: [vmParam, vdevParam, { name: 'device', kind: 'device' }],
  steps: (b) => setDevIdSteps(b),
});

type UnsetMode = 'reserve' | 'early' | 'late';

function unsetMode(sys: System): UnsetMode {
  return sys.variants.is('unset-frees-id-early') ? 'early' : sys.variants.is('unset-drain-before-erase') ? 'late' : 'reserve';
}

/**
 * The steps after the id is known: `bind` holds (vm * N + id) + 1, `want` the device + 1 the caller read
 * (unbind) or 0 (unset_dev_id: whichever device holds the id). Mark the id dying, drain the device's queue,
 * release the id and the device's binding.
 */
function unsetSteps(b: Builder, mode: UnsetMode, bind: Local, want: Local): Item[] {
  const early = mode === 'early', late = mode === 'late';
  const dev = b.local('dev'), val = b.local('val'), prod = b.local('prod');
  const f = (c: Ctx) => c.sys.vi;
  const vmOf = (c: Ctx) => Math.floor((bind.get(c) - 1) / f(c).N);
  const slot = (c: Ctx) => f(c).vdev(vmOf(c), (bind.get(c) - 1) % f(c).N);
  const device = (c: Ctx) => dev.get(c) - 1;
  const inst = (c: Ctx) => c.sys.dom.devInstance[device(c)];
  const lock = rwsem(vmOf), name = 'viommu->vdev_ids_rwsem';
  return [
    b.downWrite('down_write(&viommu->vdev_ids_rwsem)', lock, name),
    b.load('xa_load(vdev id)', val, slot),
    // free, dying, or (unbind) rebound to another device meanwhile
    b.jumpIf((c) => val.get(c) <= 0 || (want.get(c) !== 0 && val.get(c) !== want.get(c)), 'enoent'),
    b.compute('note the device', (c) => void dev.set(c, val.get(c))),
    ...(late ? [] : [b.store(early ? 'xa_erase(vdev id)' : 'mark vdev id dying', slot, (c) => (early ? 0 : -dev.get(c)))]),
    b.upWrite('up_write(&viommu->vdev_ids_rwsem)', lock, name),
    ...issueCommands(b, { instance: inst, prod, what: 'CMD_SYNC', count: () => 1, commands: (_c, put) => put(CMD_SYNC), invalidates: false }),
    waitForSync(b, inst, prod),
    // as iommufd_viommu_unset_vdev_id: both locks, the xarray slot erased, then the device's pointer cleared
    b.downWrite('down_write(&viommu->vdev_ids_rwsem)', lock, name),
    b.mutexLock('mutex_lock(&idev->igroup->lock)', igroup(device), 'igroup->lock'),
    b.load('xa_load(vdev id)', val, slot),
    b.jumpIf((c) => !(val.get(c) === -dev.get(c) || (late && val.get(c) === dev.get(c))), 'unbound'),
    b.store('xa_erase(vdev id)', slot, 0),
    b.label('unbound'),
    b.store('idev->vdev_id = NULL', (c) => f(c).bound(device(c)), 0),
    b.mutexUnlock('mutex_unlock(&idev->igroup->lock)', igroup(device), 'igroup->lock'),
    b.ret(0),
    b.goto('up'),
    b.label('enoent'), b.ret(ENOENT),
    b.label('up'),
    b.upWrite('up_write(&viommu->vdev_ids_rwsem)', lock, name),
    b.done(),
  ];
}

operation({
  name: 'unset_dev_id', subsystem: 'viommu',
  description: 'unbind a vdev id of a VM\'s vIOMMU from its device (-ENOENT if free); returns once the device is released',
  params: [vmParam, vdevParam],
  steps: (b, sys) => {
    const vm = b.arg('vm'), n = b.arg('vdev');
    const bind = b.local('bind'), want = b.local('want');
    return [
      b.compute('the vdev id', (c) => void bind.set(c, vm(c) * c.sys.vi.N + n(c) + 1)),
      ...unsetSteps(b, unsetMode(sys), bind, want),
    ];
  },
});

operation({
  name: 'unbind', subsystem: 'viommu',
  description: 'the VFIO device is unbound from iommufd: its vdev id (if any) is unset first; -ENOENT if it has none',
  params: [{ name: 'device', kind: 'device' }],
  steps: (b, sys) => {
    const dev = b.arg('device');
    const bind = b.local('bind'), want = b.local('want');
    return [
      // iommufd_device_remove_vdev: read idev->vdev_id under the group mutex
      b.mutexLock('mutex_lock(&idev->igroup->lock)', igroup(dev), 'igroup->lock'),
      b.load('read idev->vdev_id', bind, (c) => c.sys.vi.bound(dev(c))),
      b.mutexUnlock('mutex_unlock(&idev->igroup->lock)', igroup(dev), 'igroup->lock'),
      b.jumpIf((c) => bind.get(c) === 0, 'none'),
      b.compute('the device it names', (c) => void want.set(c, dev(c) + 1)),
      ...unsetSteps(b, unsetMode(sys), bind, want),
      b.label('none'), b.retDone(ENOENT),
    ];
  },
});
