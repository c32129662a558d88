// Owns the guest's invalidation batch as the kernel dispatches it (iommufd_viommu_invalidate ->
// cache_invalidate, after __arm_smmu_cache_invalidate_user / arm_vsmmu_cache_invalidate): TLBI_NH_ASID(asid)
// + invalidate-by-vdev(vdev) + CMD_SYNC. Under viommu->vdev_ids_rwsem held for reading
// (iommufd_viommu_lock_vdev_id) the vdev id is looked up in the xarray (arm_vsmmu_vsid_to_sid), then the
// converted commands are issued to each physical SMMU the vIOMMU spans (the by-vdev one only to the pSMMU of
// the device it resolved to), each through the queue's lock; the rwsem is dropped and the batch waits for
// every CMD_SYNC. Its variants: the TLBI sent to the first pSMMU only, and the lookup's lock dropped before
// the commands are queued.
import type { Ctx } from '../program';
import type { Builder } from '../api/builder';
import type { Item } from '../api/instr';
import { operation, variantOf } from '../api/define';
import { ENODEV } from '../errno';
import { CMD_SYNC, extraCmd } from '../cmdq/state';
import { issueCommands } from '../cmdq/issue';
import { lowestBit } from '../bits';
import { CMD_INV_DEV, CMD_TLBI_NH_ASID } from './commands';
import { asidParam, vdevParam, vmParam } from './state';

interface InvalidateShape {
  /** send the TLBI by ASID to every spanned pSMMU (false: the first only, plus the targeted device's) */
  allSpanned: boolean;
  /** keep the rwsem until the commands are queued (false: drop it right after the lookup) */
  holdUntilQueued: boolean;
}

/** guest_invalidate's steps. */
function invalidateSteps(b: Builder, shape: InvalidateShape): Item[] {
  const vm = b.arg('vm'), a = b.arg('asid'), n = b.arg('vdev');
  const pages = b.local('pages'), dev = b.local('dev'), todo = b.local('todo'), wait = b.local('wait');
  const val = b.local('val'), prod = b.local('prod');
  const f = (c: Ctx) => c.sys.vi;
  const rwsem = (c: Ctx) => f(c).lock(vm(c)), name = 'viommu->vdev_ids_rwsem';
  const qinst = (c: Ctx) => lowestBit(todo.get(c));
  const winst = (c: Ctx) => lowestBit(wait.get(c));
  const devOn = (c: Ctx, i: number) => dev.get(c) !== 0 && c.sys.dom.devInstance[dev.get(c) - 1] === i;
  const unlock = b.upRead('iommufd_viommu_unlock_vdev_id: up_read(&viommu->vdev_ids_rwsem)', rwsem, name);
  return [
    b.downRead('iommufd_viommu_lock_vdev_id: down_read(&viommu->vdev_ids_rwsem)', rwsem, name),
    // ghosts, not the guest's accesses: the pages of this ASID unmapped when the batch starts, which its
    // CMD_SYNC will promise clean unless a guest_map touches them meanwhile
    b.compute('ghost: note the unmapped pages', (c) => {
      let mask = 0;
      for (let p = 0; p < f(c).P; p++) {
        if (c.w.peek(f(c).s1(vm(c), a(c), p)) !== 0) continue;
        mask |= 1 << p;
        const w = f(c).watch(vm(c), a(c), p);
        c.w.set(w, c.w.get(w) | (1 << c.t));
      }
      pages.set(c, mask);
      const span = f(c).span[vm(c)];
      todo.set(c, shape.allSpanned ? span : span & -span);
    }),
    b.load('xa_load(vdev id) (arm_vsmmu_vsid_to_sid)', val, (c) => f(c).vdev(vm(c), n(c))),
    b.compute('the device\'s pSMMU gets the by-vdev command', (c) => {
      if (val.get(c) <= 0) return; // free or dying: no device
      dev.set(c, val.get(c));
      todo.set(c, todo.get(c) | (1 << c.sys.dom.devInstance[val.get(c) - 1]));
    }),
    ...(shape.holdUntilQueued ? [] : [unlock]),
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
      const i = qinst(c);
      c.w.set(f(c).syncAt(c.t, i), prod.get(c));
      wait.set(c, wait.get(c) | (1 << i));
      todo.set(c, todo.get(c) & ~(1 << i));
      return todo.get(c) !== 0 ? 'queue' : undefined;
    }),
    ...(shape.holdUntilQueued ? [unlock] : []),
    b.label('wait'),
    b.waitUntil('wait for CMD_SYNC (poll CONS)', (c) => c.w.atLeast(c.sys.cq.cons(winst(c)), c.w.get(f(c).syncAt(c.t, winst(c))))),
    b.compute('next CMD_SYNC', (c) => {
      const i = winst(c);
      c.w.set(f(c).syncAt(c.t, i), 0);
      wait.set(c, wait.get(c) & ~(1 << i));
      if (wait.get(c) !== 0) return 'wait';
      // ghost: promised only if the page stayed unmapped for the whole batch (no guest_map meanwhile)
      for (let p = 0; p < f(c).P; p++) {
        if ((pages.get(c) & (1 << p)) === 0) continue;
        const at = f(c).watch(vm(c), a(c), p), w = c.w.get(at);
        c.w.set(at, w & ~(1 << c.t));
        if (w & (1 << c.t) && c.w.peek(f(c).s1(vm(c), a(c), p)) === 0) c.w.set(f(c).promised(vm(c), a(c), p), 1);
      }
      c.w.set(c.sys.ret(c.t), dev.get(c) === 0 ? ENODEV : 0);
      return 'end';
    }),
    b.label('end'),
    b.done(),
  ];
}

operation({
  name: 'guest_invalidate', subsystem: 'viommu',
  description: 'a guest batch TLBI_NH_ASID(asid) + invalidate-by-vdev(vdev) + CMD_SYNC, dispatched to the pSMMUs; returns after every CMD_SYNC (-ENODEV if the vdev id is not bound)',
  params: [vmParam, asidParam, vdevParam],
  variant: {
    name: 'vinv-lookup-held-until-queued',
    description: 'the vdev id is resolved under the vIOMMU rwsem, held until the commands are in the queues; a TLBI by ASID goes to every pSMMU the vIOMMU spans (the ASID is private to the VM)',
  },
  steps: (b) => invalidateSteps(b, { allSpanned: true, holdUntilQueued: true }),
});

variantOf('guest_invalidate', 'vinv-first-iommu-only', {
  faulty: true,
  description: 'a guest TLBI by ASID is sent only to the vIOMMU\'s first physical IOMMU (plus the targeted device\'s)',
  steps: (b) => invalidateSteps(b, { allSpanned: false, holdUntilQueued: true }),
});

variantOf('guest_invalidate', 'vinv-stale-vdev-lookup', {
  faulty: true,
  description: 'the vdev id is resolved under the rwsem but it is dropped before queuing, so a concurrent unset/set makes the target stale',
  steps: (b) => invalidateSteps(b, { allSpanned: true, holdUntilQueued: false }),
});
