// Owns the invariants of SVA: process address spaces (mm) bound to devices through SVA domains —
// the user refcount matches the bonds, one SVA domain per (mm, instance) serving only that instance,
// the mm_struct outlives every domain wrapping it, and nothing uses a freed domain or a released mm.
import type { Invariant } from './invariant';
import { atomicInvariant, insideOperation } from './invariant';
import type { System } from '../model/system';
import type { Model } from '../model/model';
import { SVA_FREED, SVA_LIVE, SVA_UNUSED } from '../model/sva/state';

const appliesTo = (sys: System) => sys.sva.M > 0;

/** Threads whose bond uses SVA domain slot s. */
function bondsOf(s: Int32Array, sys: System, slot: number): number {
  let n = 0;
  for (let t = 0; t < sys.threads; t++) if (s[sys.sva.bondDomain(t)] === slot + 1) n++;
  return n;
}

export const svaRefcount = atomicInvariant({
  id: 'sva-refcount',
  family: 'sva',
  description: 'no SVA domain user count below zero, and each live SVA domain counts exactly the bonds that use it',
  appliesTo,
  // interesting: a live SVA domain with users while an operation is in flight (a bind or unbind changes the count)
  interesting(s, m) {
    const f = m.sys.sva;
    if (quiescent(s, m)) return false;
    for (let d = 0; d < f.S; d++) if (s[f.domState(d)] === SVA_LIVE && s[f.domUsers(d)] > 0) return true;
    return false;
  },
  // one atom per SVA domain slot
  atoms: (m) => m.sys.sva.S,
  checkAtom(s, m, d) {
    const f = m.sys.sva;
    const users = s[f.domUsers(d)];
    if (users < 0) return `SVA domain ${d} user count is ${users}`;
    if (s[f.domState(d)] !== SVA_LIVE) return null;
    const bonds = bondsOf(s, m.sys, d);
    if (users !== bonds) return `SVA domain ${d} (mm ${s[f.domMm(d)] - 1}) counts ${users} user(s) but ${bonds} bond(s) use it`;
    return null;
  },
});

/** Whether SVA domain slot d is what the xarray publishes for mm (under any instance key). */
function publishedAnywhere(s: Int32Array, sys: System, mm: number, d: number): boolean {
  for (let i = 0; i < sys.dom.I; i++) if (s[sys.sva.xa(mm, i)] === d + 1) return true;
  return false;
}

export const svaDomainPerInstance: Invariant = {
  id: 'sva-domain-per-instance',
  family: 'sva',
  description: 'a device\'s PASID entry only holds an SVA domain of its own IOMMU instance; each (mm, instance) has at most one SVA domain in use, and it is the one published',
  appliesTo,
  // interesting: an SVA domain in use while a thread is inside sva_bind or sva_unbind (a bind could allocate a
  // duplicate or pick another instance's domain, an unbind unpublish one still in use)
  interesting(s, m) {
    const f = m.sys.sva;
    if (!insideOperation(s, m, 'sva_bind') && !insideOperation(s, m, 'sva_unbind')) return false;
    for (let d = 0; d < f.S; d++) if (s[f.domState(d)] === SVA_LIVE && s[f.domUsers(d)] > 0) return true;
    return false;
  },
  check(s, m) {
    const f = m.sys.sva, inst = m.sys.dom.devInstance;
    for (let v = 0; v < m.sys.dom.V; v++) {
      for (let mm = 0; mm < f.M; mm++) {
        const d = s[f.devPasid(v, mm)] - 1;
        if (d < 0) continue;
        const di = s[f.domInstance(d)] - 1;
        if (di !== inst[v])
          return `device ${v} behind instance ${inst[v]} uses SVA domain ${d} of instance ${di} for mm ${mm}`;
      }
    }
    for (let a = 0; a < f.S; a++) {
      if (s[f.domState(a)] !== SVA_LIVE || s[f.domUsers(a)] <= 0) continue;
      const mm = s[f.domMm(a)] - 1, inst = s[f.domInstance(a)] - 1;
      if (!publishedAnywhere(s, m.sys, mm, a))
        return `SVA domain ${a} of mm ${mm} on instance ${inst} has ${s[f.domUsers(a)]} user(s) but is no longer published, so the next bind allocates a duplicate`;
      for (let b = a + 1; b < f.S; b++) {
        if (s[f.domState(b)] !== SVA_LIVE || s[f.domUsers(b)] <= 0) continue;
        if (s[f.domMm(a)] === s[f.domMm(b)] && s[f.domInstance(a)] === s[f.domInstance(b)])
          return `mm ${s[f.domMm(a)] - 1} has two SVA domains in use on instance ${s[f.domInstance(a)] - 1}: ${a} and ${b}`;
      }
    }
    return null;
  },
};

/**
 * Whether SVA domain slot d is in use: some handle holds a user of it, the mm's list publishes it, or a device's
 * PASID entry points at it. A domain on its way to kfree is none of these (iommu_domain_free drops its mmgrab
 * first, then frees it).
 */
function inUse(s: Int32Array, sys: System, d: number): boolean {
  const f = sys.sva, mm = s[f.domMm(d)] - 1;
  if (s[f.domUsers(d)] > 0 || bondsOf(s, sys, d) > 0) return true;
  if (mm < 0) return false; // just allocated: bind has not set domain->mm yet, so nothing reaches it
  if (publishedAnywhere(s, sys, mm, d)) return true;
  for (let v = 0; v < sys.dom.V; v++) if (s[f.devPasid(v, mm)] === d + 1) return true;
  return false;
}

export const mmOutlivesBinding: Invariant = {
  id: 'mm-outlives-binding',
  family: 'sva',
  description: 'the mm_struct (and with it the PASID) is not released while an SVA domain wrapping it is still in use (counted, published, bound or in a PASID entry)',
  appliesTo,
  // interesting: an SVA domain still in use wraps an mm whose process exited (mm_users 0 or exit begun)
  interesting(s, m) {
    const f = m.sys.sva;
    for (let d = 0; d < f.S; d++) {
      const mm = s[f.domMm(d)] - 1;
      if (s[f.domState(d)] === SVA_LIVE && mm >= 0 && (s[f.mmExited(mm)] !== 0 || s[f.mmUsers(mm)] === 0) && inUse(s, m.sys, d)) return true;
    }
    return false;
  },
  check(s, m) {
    const f = m.sys.sva;
    for (let d = 0; d < f.S; d++) {
      const mm = s[f.domMm(d)] - 1;
      if (s[f.domState(d)] !== SVA_LIVE || mm < 0 || !inUse(s, m.sys, d)) continue;
      if (s[f.mmCount(mm)] === 0)
        return `mm ${mm} was released (mm_count 0, PASID freed) while SVA domain ${d} with ${s[f.domUsers(d)]} user(s) still wraps it`;
    }
    return null;
  },
};

export const svaNoUseAfterFree: Invariant = {
  id: 'no-use-after-free',
  family: 'sva',
  description: 'no step touches a freed SVA domain or a released mm, and no bond or device PASID entry points at a freed SVA domain',
  appliesTo,
  // interesting: an SVA domain was freed or an mm_struct released while some thread still runs
  interesting(s, m) {
    const f = m.sys.sva;
    if (m.done(s)) return false;
    for (let d = 0; d < f.S; d++) if (s[f.domState(d)] === SVA_FREED) return true;
    for (let mm = 0; mm < f.M; mm++) if (s[f.mmCount(mm)] === 0) return true;
    return false;
  },
  check(s, m) {
    const f = m.sys.sva;
    const d = s[f.domainUaf] - 1;
    if (d >= 0) return `a step touched SVA domain ${d} after it was freed (use-after-free)`;
    const mm = s[f.mmUaf] - 1;
    if (mm >= 0) return `a step dereferenced mm ${mm} after its mm_struct was released (use-after-free)`;
    for (let t = 0; t < m.sys.threads; t++) {
      const b = s[f.bondDomain(t)] - 1;
      if (b >= 0 && s[f.domState(b)] === SVA_FREED)
        return `thread ${m.sys.threadName(t)} holds a bond of device ${s[f.bondDevice(t)] - 1} on SVA domain ${b}, which was freed`;
    }
    for (let v = 0; v < m.sys.dom.V; v++) {
      for (let x = 0; x < f.M; x++) {
        const e = s[f.devPasid(v, x)] - 1;
        if (e >= 0 && s[f.domState(e)] === SVA_FREED)
          return `device ${v}'s PASID entry for mm ${x} points at SVA domain ${e}, which was freed`;
      }
    }
    return null;
  },
};

/** No operation is in flight: every thread is between two operations or finished. */
function quiescent(s: Int32Array, m: Model): boolean {
  for (let t = 0; t < m.threads; t++) if (!m.finished(s, t) && s[m.sys.stepIndex(t)] !== 0) return false;
  return true;
}

export const svaReferencesBalanced: Invariant = {
  id: 'sva-references-balanced',
  family: 'sva',
  description: 'an mm owns at most one PASID; with no operation in flight, mm_users and mm_count count exactly their holders (the process, the live SVA domains\' mmgrab), every PASID owned belongs to a live mm_struct, every live SVA domain has a user, and the handles and the device PASID entries match one to one',
  appliesTo,
  // interesting: no operation in flight (the counts are compared) after some thread completed an operation, with
  // some SVA domain allocated or some process exited
  interesting(s, m) {
    const f = m.sys.sva;
    if (!quiescent(s, m)) return false;
    let ran = false;
    for (let t = 0; t < m.sys.threads; t++) if (s[m.sys.opIndex(t)] > 0) ran = true;
    if (!ran) return false;
    for (let d = 0; d < f.S; d++) if (s[f.domState(d)] !== SVA_UNUSED) return true;
    for (let mm = 0; mm < f.M; mm++) if (s[f.mmExited(mm)] !== 0) return true;
    return false;
  },
  check(s, m) {
    const f = m.sys.sva, sys = m.sys;
    for (let mm = 0; mm < f.M; mm++) {
      let n = 0;
      for (let p = 0; p < f.P; p++) if (s[f.pasidOwner(p)] === mm + 1) n++;
      if (n > 1) return `mm ${mm} owns ${n} PASIDs`;
    }
    if (!quiescent(s, m)) return null;
    const mmgrab = sys.variants.is('sva-domain-mmgrab');
    for (let mm = 0; mm < f.M; mm++) {
      const users = s[f.mmUsers(mm)], want = s[f.mmExited(mm)] ? 0 : 1;
      if (users !== want)
        return `mm ${mm} has mm_users ${users} with no operation in flight, but ${want} holder(s) (${want ? 'its process' : 'none: the process exited'}): a reference was leaked or dropped twice`;
      let doms = 0;
      if (mmgrab) for (let d = 0; d < f.S; d++) if (s[f.domState(d)] === SVA_LIVE && s[f.domMm(d)] === mm + 1) doms++;
      const count = s[f.mmCount(mm)], wantCount = (users > 0 ? 1 : 0) + doms;
      if (count !== wantCount)
        return `mm ${mm} has mm_count ${count} with no operation in flight, but ${wantCount} holder(s) (${users > 0 ? 'its users, ' : ''}${doms} live SVA domain(s)): a reference was leaked or dropped twice`;
      const p = s[f.mmPasid(mm)] - 1;
      if (count > 0 && p >= 0 && s[f.pasidOwner(p)] !== mm + 1) return `mm ${mm} uses PASID ${p}, which the allocator does not give it`;
    }
    for (let p = 0; p < f.P; p++) {
      const mm = s[f.pasidOwner(p)] - 1;
      if (mm < 0) continue;
      if (s[f.mmCount(mm)] === 0) return `PASID ${p} is still allocated to mm ${mm}, whose mm_struct was released (leaked)`;
      if (s[f.mmPasid(mm)] !== p + 1) return `PASID ${p} is allocated to mm ${mm}, which uses PASID ${s[f.mmPasid(mm)] - 1} (leaked)`;
    }
    for (let d = 0; d < f.S; d++)
      if (s[f.domState(d)] === SVA_LIVE && s[f.domUsers(d)] === 0) return `SVA domain ${d} is live with no user and no operation in flight (leaked)`;
    for (let t = 0; t < sys.threads; t++) {
      const d = s[f.bondDomain(t)] - 1;
      if (d < 0) continue;
      const v = s[f.bondDevice(t)] - 1, mm = s[f.bondMm(t)] - 1;
      if (s[f.devPasid(v, mm)] !== d + 1)
        return `thread ${sys.threadName(t)} holds a handle of device ${v} on SVA domain ${d} for mm ${mm}, but the device's PASID entry holds ${s[f.devPasid(v, mm)] - 1}`;
    }
    for (let v = 0; v < sys.dom.V; v++)
      for (let mm = 0; mm < f.M; mm++) {
        const d = s[f.devPasid(v, mm)] - 1;
        if (d < 0) continue;
        let held = false;
        for (let t = 0; t < sys.threads; t++)
          if (s[f.bondDomain(t)] === d + 1 && s[f.bondDevice(t)] === v + 1 && s[f.bondMm(t)] === mm + 1) held = true;
        if (!held) return `device ${v}'s PASID entry for mm ${mm} points at SVA domain ${d}, but no handle holds it (never detached)`;
      }
    return null;
  },
};

export const svaInvariants: Invariant[] = [svaRefcount, svaDomainPerInstance, mmOutlivesBinding, svaNoUseAfterFree, svaReferencesBalanced];
