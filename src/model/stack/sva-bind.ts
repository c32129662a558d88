// Owns SVA binding: sva_bind (one SVA domain per (mm, IOMMU instance), found in the xarray and taken
// with get_user, or allocated with an mmgrab on the mm), sva_unbind (detach the device PASID, put_user,
// and at zero unpublish and free the domain, dropping its mm_count), a device's DMA tagged with the
// mm's PASID, and the variants of these steps.
import type { Ctx, StepDef } from '../program';
import { DONE } from '../program';
import type { System } from '../system';
import { defineOp } from '../ops';
import { defineVariants } from '../variants';
import { lockStep, unlockStep } from '../locks';
import { EBUSY, EFAULT, ENOENT, ENOMEM, ENOSPC, ESRCH } from '../errno';
import {
  SVA_FREED, SVA_LIVE, SVA_UNUSED, mmdrop, mmPasidAlloc, mmput, touchMm, touchSvaDomain,
} from './sva-state';

defineVariants([
  { name: 'get-user-inc-not-zero', slot: 'sva_get_user', subsystem: 'sva', faulty: false, isDefault: true,
    description: 'bind takes the published SVA domain with refcount_inc_not_zero and allocates a new one if it is dying' },
  { name: 'get-user-inc-from-zero', slot: 'sva_get_user', subsystem: 'sva', faulty: true,
    description: 'bind takes the published SVA domain with refcount_inc, resurrecting a domain whose final put_user already ran and that is about to be freed' },
  { name: 'get-user-result-ignored', slot: 'sva_get_user', subsystem: 'sva', faulty: true,
    description: 'bind ignores a failed refcount_inc_not_zero on the published SVA domain and binds the dying domain anyway (RFC v2 iommu_sva_get_domain)' },
  { name: 'sva-domain-per-mm-instance', slot: 'sva_domain_key', subsystem: 'sva', faulty: false, isDefault: true,
    description: 'the SVA domains of an mm are kept per IOMMU instance: a device behind another instance gets its own domain' },
  { name: 'sva-domain-per-pasid', slot: 'sva_domain_key', subsystem: 'sva', faulty: true,
    description: 'the SVA domain is looked up by PASID alone (the RFC xarray), so a device behind another IOMMU instance reuses a domain that instance cannot attach' },
  { name: 'sva-put-refcount', slot: 'sva_put_user', subsystem: 'sva', faulty: false, isDefault: true,
    description: 'unbind drops the user with refcount_dec_and_test outside iommu_sva_lock, then unpublishes (only if still published) and frees the domain under it' },
  { name: 'sva-put-under-lock', slot: 'sva_put_user', subsystem: 'sva', faulty: false,
    description: 'unbind drops the user count and frees the domain at zero all under iommu_sva_lock (the upstream domain->users scheme)' },
  { name: 'unbind-frees-on-detach', slot: 'sva_put_user', subsystem: 'sva', faulty: true,
    description: 'unbind frees the SVA domain when its own device detaches, ignoring the users other devices\' bonds still hold' },
  { name: 'xa-erase-if-published', slot: 'sva_unpublish', subsystem: 'sva', faulty: false, isDefault: true,
    description: 'freeing a dying SVA domain unpublishes it with xa_cmpxchg, keeping a successor that a concurrent bind stored in its place' },
  { name: 'xa-erase-unconditional', slot: 'sva_unpublish', subsystem: 'sva', faulty: true,
    description: 'freeing a dying SVA domain does a plain xa_erase of its key (RFC v2 iommu_sva_free_domain), unpublishing the successor a concurrent bind stored, so the next bind allocates a duplicate' },
  { name: 'sva-domain-mmgrab', slot: 'sva_mm_ref', subsystem: 'sva', faulty: false, isDefault: true,
    description: 'an SVA domain holds mmgrab on its mm from allocation to free, so the mm_struct and its PASID outlive every binding' },
  { name: 'sva-domain-no-mmgrab', slot: 'sva_mm_ref', subsystem: 'sva', faulty: true,
    description: 'the SVA domain keeps a bare mm pointer relying on the binder\'s mm_users, so process exit releases the mm_struct and its PASID while still bound' },
  { name: 'bind-error-puts-user', slot: 'sva_bind_error', subsystem: 'sva', faulty: false, isDefault: true,
    description: 'when attaching the device PASID fails, bind drops the user it took on the existing SVA domain' },
  { name: 'bind-error-leaks-user', slot: 'sva_bind_error', subsystem: 'sva', faulty: true,
    description: 'when attaching the device PASID fails (-EBUSY, already bound), bind returns without dropping the user it took on the existing SVA domain' },
]);

const mmParam = { name: 'mm', kind: 'mm', max: (sys: System) => sys.sva.M - 1 };
const svaLock = (c: Ctx) => c.sys.sva.lock;
const ret = (c: Ctx, v: number) => void c.w.set(c.sys.ret(c.t), v);

/** Record the bond in the calling thread and point the device's PASID entry at the domain. */
function attachBond(c: Ctx, s: number, v: number, m: number): void {
  const f = c.sys.sva;
  c.w.set(f.devPasid(v, m), s + 1);
  c.w.set(f.bondDomain(c.t), s + 1);
  c.w.set(f.bondDevice(c.t), v + 1);
  c.w.set(f.bondMm(c.t), m + 1);
}

/** Forget the calling thread's bond. */
function clearBond(c: Ctx): void {
  const f = c.sys.sva;
  c.w.set(f.bondDomain(c.t), 0);
  c.w.set(f.bondDevice(c.t), 0);
  c.w.set(f.bondMm(c.t), 0);
}

/** The xarray key of an SVA domain: (mm, instance), or (mm's PASID, any instance) in the faulty per-PASID lookup. */
function xaKey(perPasid: boolean, instance: number): number {
  return perPasid ? 0 : instance;
}

/** Unpublish a domain (only if the xarray still holds it: xa_cmpxchg), free it and drop its mm reference. */
function freeSvaDomain(c: Ctx, s: number, o: { perPasid: boolean; mmgrab: boolean; eraseAny: boolean }): void {
  const f = c.sys.sva;
  if (!touchSvaDomain(c, s)) return; // double free
  const m = c.w.get(f.domMm(s)) - 1, key = xaKey(o.perPasid, c.w.get(f.domInstance(s)) - 1);
  if (o.eraseAny || c.w.get(f.xa(m, key)) === s + 1) c.w.set(f.xa(m, key), 0);
  c.w.set(f.domState(s), SVA_FREED);
  if (o.mmgrab) mmdrop(c, m);
}

defineOp({
  name: 'sva_bind', subsystem: 'sva',
  description: 'bind a process address space to a device (iommu_sva_bind_device); returns the mm\'s PASID, the bond stays with the thread',
  params: [{ name: 'device', kind: 'device' }, mmParam],
  build: (sys) => {
    const incFromZero = sys.variants.is('get-user-inc-from-zero');
    const ignoreFailedGet = sys.variants.is('get-user-result-ignored');
    const perPasid = sys.variants.is('sva-domain-per-pasid');
    const mmgrab = sys.variants.is('sva-domain-mmgrab');
    const leak = sys.variants.is('bind-error-leaks-user');
    const UNLOCK = 4;
    const steps: StepDef[] = [
      {
        label: 'mmget_not_zero(mm): the caller\'s mm_users reference',
        run: (c) => {
          const f = c.sys.sva, m = c.args[1];
          // task->mm lookup: an exited task has no mm, the mm_struct itself is not dereferenced
          if (c.w.get(f.mmCount(m)) === 0 || c.w.get(f.mmUsers(m)) === 0) {
            ret(c, ESRCH);
            return DONE;
          }
          c.w.add(f.mmUsers(m), 1);
        },
      },
      lockStep('lock iommu_sva_lock', svaLock),
      {
        label: 'allocate the mm\'s PASID if it has none',
        run: (c) => {
          const f = c.sys.sva, m = c.args[1];
          touchMm(c, m);
          if (c.w.get(f.bondDomain(c.t)) !== 0) { // one bond per thread
            ret(c, EBUSY);
            return UNLOCK;
          }
          if (mmPasidAlloc(c, m) < 0) {
            ret(c, ENOSPC);
            return UNLOCK;
          }
        },
      },
      {
        label: perPasid ? 'xa_load(pasid) + get_user, else allocate SVA domain; attach device PASID'
          : 'xa_load(mm, instance) + get_user, else allocate SVA domain; attach device PASID',
        run: (c) => {
          const f = c.sys.sva, v = c.args[0], m = c.args[1];
          const inst = c.sys.dom.devInstance[v];
          const key = xaKey(perPasid, inst);
          const pasid = c.w.get(f.mmPasid(m)) - 1;
          const found = c.w.get(f.xa(m, key)) - 1;
          if (found >= 0 && touchSvaDomain(c, found)) {
            const users = c.w.get(f.domUsers(found));
            const got = users > 0 || incFromZero; // refcount_inc_not_zero succeeded (or plain refcount_inc)
            if (got || ignoreFailedGet) {
              if (got) c.w.set(f.domUsers(found), users + 1);
              if (c.w.get(f.devPasid(v, m)) !== 0) {
                if (got && !leak) c.w.add(f.domUsers(found), -1); // put_user on the error path
                ret(c, EBUSY);
                return;
              }
              attachBond(c, found, v, m);
              ret(c, pasid);
              return;
            }
          }
          if (c.w.get(f.devPasid(v, m)) !== 0) return void ret(c, EBUSY);
          let s = 0;
          while (s < f.S && c.w.get(f.domState(s)) !== SVA_UNUSED) s++;
          if (s === f.S) return void ret(c, ENOMEM);
          c.w.set(f.domState(s), SVA_LIVE);
          c.w.set(f.domUsers(s), 1);
          c.w.set(f.domMm(s), m + 1);
          c.w.set(f.domInstance(s), inst + 1);
          if (mmgrab) c.w.add(f.mmCount(m), 1);
          c.w.set(f.xa(m, key), s + 1); // xa_store replaces a dying domain's entry
          attachBond(c, s, v, m);
          ret(c, pasid);
        },
      },
      unlockStep('unlock iommu_sva_lock', svaLock),
      { label: 'mmput(mm)', run: (c) => mmput(c, c.args[1]) },
    ];
    return steps;
  },
});

defineOp({
  name: 'sva_unbind', subsystem: 'sva',
  description: 'release the bond this thread got from sva_bind(device, mm) (iommu_sva_unbind_device); -ENOENT if it holds none',
  params: [{ name: 'device', kind: 'device' }, mmParam],
  build: (sys) => {
    const free = {
      perPasid: sys.variants.is('sva-domain-per-pasid'),
      mmgrab: sys.variants.is('sva-domain-mmgrab'),
      eraseAny: sys.variants.is('xa-erase-unconditional'),
    };
    const underLock = sys.variants.is('sva-put-under-lock');
    const freeOnDetach = sys.variants.is('unbind-frees-on-detach');
    /** detach under the lock; the bond (and so its user) stays with the thread until the put */
    const detach = (end: number): StepDef => ({
      label: 'detach device PASID',
      run: (c) => {
        const f = c.sys.sva, v = c.args[0], m = c.args[1];
        const s = c.w.get(f.bondDomain(c.t)) - 1;
        if (s < 0 || c.w.get(f.bondDevice(c.t)) !== v + 1 || c.w.get(f.bondMm(c.t)) !== m + 1) {
          ret(c, ENOENT);
          return end;
        }
        touchSvaDomain(c, s);
        touchMm(c, m); // domain->mm->iommu_mm->pasid
        if (c.w.get(f.devPasid(v, m)) === s + 1) c.w.set(f.devPasid(v, m), 0);
        ret(c, 0);
      },
    });
    /** put_user, dropping the thread's bond with it; true when the domain must be freed */
    const putUser = (c: Ctx): boolean => {
      const f = c.sys.sva, s = c.w.get(f.bondDomain(c.t)) - 1;
      clearBond(c);
      c.w.set(c.sys.local(c.t, 0), s + 1);
      if (!touchSvaDomain(c, s)) return false;
      const left = c.w.add(f.domUsers(s), -1);
      return left === 0 || freeOnDetach;
    };
    const pending = (c: Ctx) => c.w.get(c.sys.local(c.t, 0)) - 1;
    if (underLock) {
      return [
        lockStep('lock iommu_sva_lock', svaLock),
        detach(3),
        { label: 'put_user; at zero xa_erase, free SVA domain, mmdrop', run: (c) => void (putUser(c) && freeSvaDomain(c, pending(c), free)) },
        unlockStep('unlock iommu_sva_lock', svaLock),
      ];
    }
    return [
      lockStep('lock iommu_sva_lock', svaLock),
      detach(6),
      unlockStep('unlock iommu_sva_lock', svaLock),
      {
        label: freeOnDetach ? 'put_user, free the domain regardless' : 'put_user (refcount_dec_and_test)',
        run: (c) => (putUser(c) ? undefined : DONE),
      },
      lockStep('lock iommu_sva_lock', svaLock),
      { label: 'xa_erase if still published, free SVA domain, mmdrop', run: (c) => freeSvaDomain(c, pending(c), free) },
      unlockStep('unlock iommu_sva_lock', svaLock),
    ];
  },
});

defineOp({
  name: 'sva_dma', subsystem: 'sva',
  description: 'a device accesses the process address space with the mm\'s PASID: walks its PASID entry\'s SVA domain and the CPU page tables',
  params: [{ name: 'device', kind: 'device' }, mmParam],
  build: () => [{
    label: 'walk PASID entry -> SVA domain -> CPU page tables',
    run: (c) => {
      const f = c.sys.sva, v = c.args[0];
      const s = c.w.get(f.devPasid(v, c.args[1])) - 1;
      if (s < 0) return ret(c, EFAULT); // no PASID entry: translation fault
      if (!touchSvaDomain(c, s)) return ret(c, EFAULT);
      const m = c.w.get(f.domMm(s)) - 1;
      if (!touchMm(c, m) || c.w.get(f.mmUsers(m)) === 0) return ret(c, EFAULT); // address space torn down
      ret(c, 0);
    },
  }],
});
