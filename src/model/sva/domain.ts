// Owns the SVA domain's life: iommu_sva_domain_alloc (kzalloc, mmgrab, domain->mm), publishing it in the mm's
// list of SVA domains (domain->users = 1, list_add), taking and dropping its users (refcount_t in the default
// scheme, a plain int under iommu_sva_lock in sva-put-under-lock), and the free at the last user (unpublish,
// iommu_domain_free: mmdrop(domain->mm), kfree) — instruction sequences that sva_bind and sva_unbind splice in.
import type { Ctx } from '../program';
import type { System } from '../system';
import { domainKey } from './policy';
import type { Builder } from '../api/builder';
import type { Item, Local } from '../api/instr';
import { SVA_FREED, SVA_LIVE, SVA_UNUSED, touchSvaDomain, touchMm } from './state';
import { withEffect } from './effect';
import { mmdropSteps } from './mm';
import { clearBond, recordBond } from './bond';

type Of = (c: Ctx) => number;

/** What the SVA domain steps of one operation share: its arguments and scratch locals, and the run's policies. */
export interface DomainCtx {
  readonly b: Builder;
  readonly dev: Of;
  readonly mm: Of;
  /** the domain slot + 1 the operation works on */
  readonly dom: Local;
  /** scratch */
  readonly old: Local;
  readonly val: Local;
  readonly p: Local;
  /** the mm's list position of the domain for this device (its instance, or 0 looked up by PASID) */
  readonly key: Of;
  /** sva-domain-mmgrab: the domain pins its mm */
  readonly mmgrab: boolean;
  /** sva-put-under-lock: users is a plain int under iommu_sva_lock */
  readonly underLock: boolean;
}

/** The context an SVA operation on (device, mm) works in: its arguments, its locals, and the run's variants. */
export function domainCtx(b: Builder, sys: System): DomainCtx {
  const dev = b.arg('device'), mm = b.arg('mm');
  return {
    b, dev, mm,
    dom: b.local('domain'), old: b.local('old'), val: b.local('val'), p: b.local('p'),
    key: (c) => domainKey(sys.variants.is('sva-domain-per-pasid'), c.sys.dom.devInstance[dev(c)]),
    mmgrab: sys.variants.is('sva-domain-mmgrab'),
    underLock: sys.variants.is('sva-put-under-lock'),
  };
}

const slot = (d: DomainCtx) => (c: Ctx) => d.dom.get(c) - 1;
const users = (d: DomainCtx) => (c: Ctx) => c.sys.sva.domUsers(d.dom.get(c) - 1);
const touch = (d: DomainCtx) => (c: Ctx) => void touchSvaDomain(c, d.dom.get(c) - 1);

/** iommu_sva_domain_alloc: a new SVA domain for (mm, the device's instance) into `dom` (0 when the slots are used up), pinning the mm with mmgrab. */
export function allocDomainSteps(d: DomainCtx, enomem: string): Item[] {
  const { b } = d;
  const f = (c: Ctx) => c.sys.sva;
  return [
    b.atomic('ops->domain_alloc_sva: kzalloc the SVA domain', 'the slab allocator finds and hands out a free object in one step (its own locking)', (c) => {
      let s = 0;
      while (s < f(c).S && c.w.get(f(c).domState(s)) !== SVA_UNUSED) s++;
      if (s === f(c).S) return void d.dom.set(c, 0);
      c.w.set(f(c).domState(s), SVA_LIVE);
      d.dom.set(c, s + 1);
    }),
    b.jumpIf((c) => d.dom.get(c) === 0, enomem),
    // the driver ties the domain to its IOMMU instance (smmu_domain->smmu), on a domain only this thread reaches
    b.store('ops->domain_alloc_sva: the domain\'s IOMMU instance', (c) => f(c).domInstance(slot(d)(c)), (c) => c.sys.dom.devInstance[d.dev(c)] + 1),
    ...(d.mmgrab
      ? [withEffect(b.atomicInc('mmgrab(mm): atomic_inc(&mm->mm_count)', (c) => f(c).mmCount(d.mm(c))), { before: (c) => void touchMm(c, d.mm(c)) })]
      : []),
    b.store('domain->mm = mm', (c) => f(c).domMm(slot(d)(c)), (c) => d.mm(c) + 1),
  ];
}

/** domain->users = 1; list_add: the new domain becomes the mm's SVA domain for the instance, and the thread's handle holds its user. */
export function publishDomainSteps(d: DomainCtx): Item[] {
  const f = (c: Ctx) => c.sys.sva;
  return [
    d.b.atomic('domain->users = 1; list_add(&domain->next, &iommu_mm->sva_domains)',
      'domain->users is written on a domain no other CPU reaches before this list_add publishes it', (c) => {
        const s = slot(d)(c);
        c.w.set(f(c).domUsers(s), 1);
        c.w.set(f(c).xa(d.mm(c), d.key(c)), s + 1);
        recordBond(c, s, d.dev(c), d.mm(c));
      }),
  ];
}

/** How bind takes a user of a domain it found published (with a refcount_t users; see getUserSteps). */
export type GetUser = 'inc-not-zero' | 'inc-from-zero' | 'ignore-result';

/**
 * Take a user of the published domain `dom`, the thread's handle recording it in the same step. With a
 * refcount_t (the default scheme) the domain may be dying (its final put ran outside the lock): `how` says
 * what bind does then — inc-not-zero fails and goes to `dying` (bind allocates a successor), inc-from-zero
 * resurrects it, ignore-result binds it without a user. `old` keeps the count seen. With the plain int under
 * iommu_sva_lock (sva-put-under-lock) a published domain is never dying: domain->users++, a load and a store.
 */
export function getUserSteps(d: DomainCtx, how: GetUser, dying: string): Item[] {
  const { b } = d;
  const bond = (c: Ctx) => recordBond(c, slot(d)(c), d.dev(c), d.mm(c));
  if (d.underLock)
    return [
      withEffect(b.load('read domain->users', d.old, users(d)), { before: touch(d) }),
      withEffect(b.store('domain->users++', users(d), (c) => d.old.get(c) + 1, 'get'), { before: touch(d), after: bond }),
    ];
  const rmw = how === 'inc-from-zero'
    ? b.atomicInc('refcount_inc(&domain->users)', users(d), d.old)
    : b.incNotZero('refcount_inc_not_zero(&domain->users)', users(d), d.old);
  return [
    withEffect(rmw, { before: touch(d), after: (c) => void ((how !== 'inc-not-zero' || d.old.get(c) > 0) && bond(c)) }),
    ...(how === 'inc-not-zero' ? [b.jumpIf((c) => d.old.get(c) === 0, dying)] : []),
  ];
}

/**
 * Drop the user of `dom` that the thread's handle holds, forgetting the handle in the same step; goes to
 * `notLast` unless it was the last user (or always frees, with `always`). `old` keeps the count before.
 */
export function putUserSteps(d: DomainCtx, label: string, notLast: string, always = false): Item[] {
  const { b } = d;
  const test = always ? [] : [b.jumpIf((c) => d.old.get(c) !== 1, notLast)];
  if (d.underLock)
    return [
      withEffect(b.load('read domain->users', d.old, users(d)), { before: touch(d) }),
      withEffect(b.store(`--domain->users (${label})`, users(d), (c) => d.old.get(c) - 1, 'put'), { before: touch(d), after: clearBond }),
      ...test,
    ];
  return [
    withEffect(b.atomicDec(`refcount_dec_and_test(&domain->users) (${label})`, users(d), d.old), { before: touch(d), after: clearBond }),
    ...test,
  ];
}

/**
 * The free at the last user, under iommu_sva_lock: unpublish (list_del, which unlinks this domain only; or
 * the RFC's xa_erase of the key, whatever it holds; nothing for a domain bind never published), then iommu_domain_free: mmdrop(domain->mm)
 * and kfree. Labels start with `pre`.
 */
export function freeDomainSteps(d: DomainCtx, pre: string, unpublish: 'list_del' | 'xa_erase' | 'never published'): Item[] {
  const { b } = d;
  const f = (c: Ctx) => c.sys.sva;
  const entry = (c: Ctx) => f(c).xa(d.mm(c), d.key(c));
  const unlink = unpublish === 'never published' ? [] : unpublish === 'xa_erase'
    ? [b.store('xa_erase(mm, key): clear the entry, whatever it holds', entry, 0)]
    : [
      withEffect(b.load('list_del(&domain->next): read the mm\'s entry for the instance', d.val, entry), { before: touch(d) }),
      b.jumpIf((c) => d.val.get(c) !== d.dom.get(c), `${pre}.unlinked`), // a successor was published in its place
      withEffect(b.store('list_del(&domain->next): unlink the domain', entry, 0), { before: touch(d) }),
      b.label(`${pre}.unlinked`),
    ];
  return [
    ...unlink,
    ...(d.mmgrab ? mmdropSteps(b, d.mm, 'iommu_domain_free: mmdrop(domain->mm)', `${pre}.mmdrop`, d.old, d.p) : []),
    withEffect(b.store('iommu_domain_free: kfree the SVA domain', (c) => f(c).domState(slot(d)(c)), SVA_FREED), { before: touch(d) }),
  ];
}
