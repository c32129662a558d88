// Owns sva_bind, iommu_sva_bind_device as drivers/iommu/iommu-sva.c orders it, split at its shared accesses:
// the caller's mm reference (get_task_mm), mutex_lock(iommu_sva_lock), iommu_alloc_mm_data (the mm's PASID),
// the mm's SVA domain for the device's instance taken with a user (or, when there is none or it is dying,
// iommu_sva_domain_alloc with mmgrab), iommu_attach_device_pasid, the publish (users = 1, list_add), unlock,
// mmput; and bind's faulty variants (how it takes the user, what its error path drops).
import type { Ctx } from '../program';
import { DONE } from '../program';
import type { System } from '../system';
import type { Builder } from '../api/builder';
import type { Item } from '../api/instr';
import { operation, variantOf } from '../api/define';
import { EBUSY, ENOMEM, ENOSPC, ESRCH } from '../errno';
import { touchSvaDomain } from './state';
import { withEffect } from './effect';
import { bondSlot, clearBond } from './bond';
import { getTaskMmSteps, mmputSteps } from './mm';
import { allocMmDataSteps } from './pasid';
import { allocDomainSteps, freeDomainSteps, getUserSteps, publishDomainSteps, putUserSteps, domainCtx, type GetUser } from './domain';

export interface BindOptions {
  /** how the user of a published domain is taken */
  readonly get: GetUser;
  /** the error path returns without dropping the user it took */
  readonly leak: boolean;
}

/** sva_bind's steps; the default is { get: 'inc-not-zero', leak: false }. */
export function bindSteps(b: Builder, sys: System, o: BindOptions): Item[] {
  const d = domainCtx(b, sys), { dev, mm } = d;
  const pasid = b.local('pasid');
  const f = (c: Ctx) => c.sys.sva;
  const lock = (c: Ctx) => f(c).lock;
  const entry = (c: Ctx) => f(c).devPasid(dev(c), mm(c));
  /** the user the error path took (a failed refcount_inc_not_zero took none) */
  const took = (c: Ctx) => o.get === 'inc-from-zero' || d.old.get(c) > 0;
  const ret = (v: number) => (c: Ctx) => void c.w.set(c.sys.ret(c.t), v);
  return [
    // the model's thread keeps one handle (the bond) at a time
    b.compute('one handle per thread', (c) => (bondSlot(c) >= 0 ? (ret(EBUSY)(c), DONE) : undefined)),
    // the caller's mm_users reference ("caller must hold a reference to mm_users")
    ...getTaskMmSteps(b, mm, d.old, 'esrch'),
    b.mutexLock('mutex_lock(&iommu_sva_lock)', lock, 'iommu_sva_lock'),
    ...allocMmDataSteps(b, mm, pasid, 'enospc'),
    // search for an existing domain: the mm's SVA domain for the device's instance
    b.load('find the mm\'s SVA domain for the instance', d.dom, (c) => f(c).xa(mm(c), d.key(c))),
    b.jumpIf((c) => d.dom.get(c) === 0, 'alloc'),
    ...(d.underLock
      ? [
        // upstream: iommu_attach_device_pasid on the domain, and users++ only once it succeeded; a device that
        // already has the PASID fails it, and then fails the new domain's attach the same way (-EBUSY)
        b.load('iommu_attach_device_pasid: read the device\'s PASID entry', d.val, entry),
        b.jumpIf((c) => d.val.get(c) !== 0, 'alloc'),
        withEffect(b.store('iommu_attach_device_pasid: set the PASID entry to the domain', entry, (c) => d.dom.get(c)),
          { before: (c) => void touchSvaDomain(c, d.dom.get(c) - 1) }),
        ...getUserSteps(d, o.get, 'alloc'),
      ]
      : [
        // the RFC: take a user of the published domain (it may be dying), then attach, dropping the user if that fails
        ...getUserSteps(d, o.get, 'alloc'),
        b.load('iommu_attach_device_pasid: read the device\'s PASID entry', d.val, entry),
        b.jumpIf((c) => d.val.get(c) !== 0, 'found_busy'),
        withEffect(b.store('iommu_attach_device_pasid: set the PASID entry to the domain', entry, (c) => d.dom.get(c)),
          { before: (c) => void touchSvaDomain(c, d.dom.get(c) - 1) }),
        b.goto('out'),
        // the device already has this PASID: drop the user taken for it
        b.label('found_busy'),
        ...(o.leak
          ? [b.compute('kfree(handle): the user it took is not dropped', (c) => void clearBond(c))]
          : [
            b.jumpIf((c) => !took(c), 'found_busy.no_user'),
            ...putUserSteps(d, 'the error path', 'ebusy'),
            ...freeDomainSteps(d, 'found_busy.free', 'list_del'),
            b.goto('ebusy'),
            b.label('found_busy.no_user'),
            b.compute('kfree(handle)', (c) => void clearBond(c)),
          ]),
      ]),
    b.goto(d.underLock ? 'out' : 'ebusy'),
    // allocate a new domain and set it on the device PASID
    b.label('alloc'),
    ...allocDomainSteps(d, 'enomem'),
    b.load('iommu_attach_device_pasid: read the device\'s PASID entry', d.val, entry),
    b.jumpIf((c) => d.val.get(c) !== 0, 'out_free_domain'),
    b.store('iommu_attach_device_pasid: set the PASID entry to the domain', entry, (c) => d.dom.get(c)),
    ...publishDomainSteps(d),
    b.label('out'),
    b.ret((c) => pasid.get(c) - 1),
    b.goto('unlock'),
    b.label('out_free_domain'),
    ...freeDomainSteps(d, 'out_free_domain', 'never published'),
    ...b.errorReturns([['ebusy', EBUSY], ['enomem', ENOMEM], ['enospc', ENOSPC]], 'unlock'),
    b.mutexUnlock('mutex_unlock(&iommu_sva_lock)', lock, 'iommu_sva_lock'),
    ...mmputSteps(b, mm, d.old, d.p),
    b.done(),
    b.label('esrch'),
    b.retDone(ESRCH),
  ];
}

const mmParam = { name: 'mm', kind: 'mm', max: (sys: System) => sys.sva.M - 1 };

operation({
  name: 'sva_bind', subsystem: 'sva',
  description: 'bind a process address space to a device (iommu_sva_bind_device); returns the mm\'s PASID, the bond stays with the thread',
  params: [{ name: 'device', kind: 'device' }, mmParam],
  variant: {
    name: 'get-user-inc-not-zero',
    description: 'bind takes the published SVA domain with refcount_inc_not_zero and allocates a new one if it is dying; when attaching the device PASID fails it drops the user it took',
  },
  steps: (b, sys) => bindSteps(b, sys, { get: 'inc-not-zero', leak: false }),
});

variantOf('sva_bind', 'get-user-inc-from-zero', {
  faulty: true,
  description: 'bind takes the published SVA domain with refcount_inc, resurrecting a domain whose final put_user already ran and that is about to be freed',
  steps: (b, sys) => bindSteps(b, sys, { get: 'inc-from-zero', leak: false }),
});

variantOf('sva_bind', 'get-user-result-ignored', {
  faulty: true,
  description: 'bind ignores a failed refcount_inc_not_zero on the published SVA domain and binds the dying domain anyway (RFC v2 iommu_sva_get_domain)',
  steps: (b, sys) => bindSteps(b, sys, { get: 'ignore-result', leak: false }),
});

variantOf('sva_bind', 'bind-error-leaks-user', {
  faulty: true,
  description: 'when attaching the device PASID fails (-EBUSY, already bound), bind returns without dropping the user it took on the existing SVA domain',
  steps: (b, sys) => bindSteps(b, sys, { get: 'inc-not-zero', leak: true }),
});
