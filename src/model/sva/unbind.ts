// Owns sva_unbind, iommu_sva_unbind_device as drivers/iommu/iommu-sva.c orders it, split at its shared
// accesses: domain->mm->iommu_mm, mutex_lock(iommu_sva_lock), iommu_detach_device_pasid, the put of the
// handle's user (refcount_dec_and_test after unlocking, then the free under the lock again; or --users and
// the free all under the lock in sva-put-under-lock), and unbind's faulty variants.
import type { Ctx } from '../program';
import { DONE } from '../program';
import type { System } from '../system';
import type { Builder } from '../api/builder';
import type { Item } from '../api/instr';
import { operation, variantOf } from '../api/define';
import { ENOENT } from '../errno';
import { touchMm, touchSvaDomain } from './state';
import { withEffect } from './effect';
import { bondIs, bondSlot } from './bond';
import { freeDomainSteps, putUserSteps, domainCtx } from './domain';

export interface UnbindOptions {
  /** unpublish with the RFC's xa_erase of the key, whatever it holds */
  readonly eraseAny: boolean;
  /** free the domain when this device detaches, whatever users are left */
  readonly freeOnDetach: boolean;
}

export function unbindSteps(b: Builder, sys: System, o: UnbindOptions): Item[] {
  const d = domainCtx(b, sys), { dev, mm } = d;
  const f = (c: Ctx) => c.sys.sva;
  const lock = (c: Ctx) => f(c).lock;
  const unpublish = o.eraseAny ? 'xa_erase' : 'list_del';
  const put = putUserSteps(d, 'put the handle\'s user', d.underLock ? 'unlock' : 'done', o.freeOnDetach);
  return [
    b.compute('handle->domain', (c) => {
      if (!bondIs(c, dev(c), mm(c))) return (c.w.set(c.sys.ret(c.t), ENOENT), DONE);
      d.dom.set(c, bondSlot(c) + 1);
    }),
    withEffect(b.load('iommu_mm = domain->mm->iommu_mm', d.val, (c) => f(c).mmPasid(mm(c))), {
      before: (c) => void (touchSvaDomain(c, d.dom.get(c) - 1) && touchMm(c, mm(c))),
    }),
    b.mutexLock('mutex_lock(&iommu_sva_lock)', lock, 'iommu_sva_lock'),
    withEffect(b.store('iommu_detach_device_pasid: clear the PASID entry', (c) => f(c).devPasid(dev(c), mm(c)), 0),
      { before: (c) => void touchSvaDomain(c, d.dom.get(c) - 1) }),
    b.ret(0),
    ...(d.underLock
      ? [
        // upstream: if (--domain->users == 0) { list_del; iommu_domain_free } under the lock
        ...put,
        ...freeDomainSteps(d, 'free', unpublish),
        b.label('unlock'),
        b.mutexUnlock('mutex_unlock(&iommu_sva_lock)', lock, 'iommu_sva_lock'),
      ]
      : [
        b.mutexUnlock('mutex_unlock(&iommu_sva_lock)', lock, 'iommu_sva_lock'),
        ...put,
        b.mutexLock('mutex_lock(&iommu_sva_lock)', lock, 'iommu_sva_lock'),
        ...freeDomainSteps(d, 'free', unpublish),
        b.mutexUnlock('mutex_unlock(&iommu_sva_lock)', lock, 'iommu_sva_lock'),
        b.label('done'),
        b.done(),
      ]),
  ];
}

operation({
  name: 'sva_unbind', subsystem: 'sva',
  description: 'release the bond this thread got from sva_bind(device, mm) (iommu_sva_unbind_device); -ENOENT if it holds none',
  params: [{ name: 'device', kind: 'device' }, { name: 'mm', kind: 'mm', max: (sys: System) => sys.sva.M - 1 }],
  variant: {
    name: 'xa-erase-if-published',
    description: 'unbind detaches the device PASID and drops its user; the free at the last user unpublishes the domain only if it is still the published one (list_del of itself, xa_cmpxchg in the RFC), keeping a successor a concurrent bind stored in its place',
  },
  steps: (b, sys) => unbindSteps(b, sys, { eraseAny: false, freeOnDetach: false }),
});

variantOf('sva_unbind', 'xa-erase-unconditional', {
  faulty: true,
  description: 'freeing a dying SVA domain does a plain xa_erase of its key (RFC v2 iommu_sva_free_domain), unpublishing the successor a concurrent bind stored, so the next bind allocates a duplicate',
  steps: (b, sys) => unbindSteps(b, sys, { eraseAny: true, freeOnDetach: false }),
});

variantOf('sva_unbind', 'unbind-frees-on-detach', {
  faulty: true,
  description: 'unbind frees the SVA domain when its own device detaches, ignoring the users other devices\' bonds still hold',
  steps: (b, sys) => unbindSteps(b, sys, { eraseAny: false, freeOnDetach: true }),
});
