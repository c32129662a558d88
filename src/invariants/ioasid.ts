// Owns the invariants of the IOASID (PASID) allocator: quotas and capacity never overrun (counted from what
// the allocator's xarray holds, not trusted from the counters), no sleeping lock taken in atomic context (read
// from the core might_sleep bookkeeping), no PASID claimed by two sets at once, and no subscriber still
// pointing at a PASID whose FREE has completed; and every set reference counted is one a thread holds (no
// set used after its destruction, no set reference leaked or missing).
import type { Invariant } from './invariant';
import type { Model } from '../model/model';
import { SET_DESTROYED, SET_LIVE, heldBy } from '../model/ioasid/state';

/**
 * No thread is inside an operation (each is before its next one, or finished): set->nr_ioasids and the
 * capacity counter, which an operation updates a few steps after the xarray, must agree with it then.
 */
function betweenOperations(s: Int32Array, m: Model): boolean {
  for (let t = 0; t < m.sys.threads; t++) if (s[m.sys.stepIndex(t)] !== 0) return false;
  return true;
}

export const noIoasidQuotaOverrun: Invariant = {
  id: 'no-ioasid-quota-overrun',
  family: 'ioasid',
  description: 'every ioasid_set holds at most its quota of PASIDs and all sets together at most the system capacity; between operations, set->nr_ioasids and the capacity counter agree with what is held',
  appliesTo: (sys) => sys.ias.present,
  // interesting: an operation is in flight while some set holds PASIDs up to its quota, or the sets together up
  // to the capacity (one more allocation must fail)
  interesting(s, m) {
    const f = m.sys.ias;
    if (betweenOperations(s, m)) return false;
    let total = 0;
    for (let set = 0; set < f.S; set++) {
      let held = 0;
      for (let p = 0; p < f.P; p++) if (heldBy(s, f, p, set)) held++;
      if (held > 0 && held >= s[f.quota(set)]) return true;
      total += held;
    }
    return total > 0 && total >= f.capacity;
  },
  check(s, m) {
    const f = m.sys.ias;
    const quiet = betweenOperations(s, m);
    let total = 0;
    for (let set = 0; set < f.S; set++) {
      let held = 0;
      for (let p = 0; p < f.P; p++) if (heldBy(s, f, p, set)) held++;
      total += held;
      const quota = s[f.quota(set)];
      if (held > quota) return `ioasid_set ${set} holds ${held} PASIDs, over its quota of ${quota}`;
      if (quiet && s[f.count(set)] !== held) return `ioasid_set ${set} counts ${s[f.count(set)]} IOASIDs (nr_ioasids) but holds ${held}`;
    }
    if (total > f.capacity) return `the sets hold ${total} PASIDs together, over the system capacity of ${f.capacity}`;
    if (quiet && s[f.used] !== total) return `the capacity counter says ${s[f.used]} IOASIDs are allocated but the sets hold ${total}`;
    return null;
  },
};

export const pasidUnique: Invariant = {
  id: 'pasid-unique',
  family: 'ioasid',
  description: 'no PASID has two live owners: the set the allocator holds it for, the set the IOMMU PASID entry was bound for, and every KVM translation to it name the same set',
  appliesTo: (sys) => sys.ias.present,
  // interesting: an operation is in flight while two PASIDs are allocated at once, or one PASID has two claims to
  // compare (allocated and in the IOMMU PASID table or a KVM translation)
  interesting(s, m) {
    const f = m.sys.ias;
    if (betweenOperations(s, m)) return false;
    let allocated = 0;
    for (let p = 0; p < f.P; p++) {
      let claims = (s[f.xa(p)] !== 0 ? 1 : 0) + (s[f.entry(p)] !== 0 ? 1 : 0);
      for (let set = 0; set < f.S; set++) for (let g = 0; g < f.G; g++) if (s[f.g2h(set, g)] === p + 1) claims++;
      if (claims >= 2) return true;
      if (s[f.xa(p)] !== 0) allocated++;
    }
    return allocated >= 2;
  },
  check(s, m) {
    const f = m.sys.ias;
    for (let p = 0; p < f.P; p++) {
      const owner = s[f.xa(p)] !== 0 ? s[f.owner(p)] : 0, entry = s[f.entry(p)];
      if (owner && entry && owner !== entry)
        return `PASID ${p} is allocated to ioasid_set ${owner - 1} while the IOMMU PASID entry still maps it for set ${entry - 1}`;
      let claim = owner || entry;
      let claimBy = owner ? 'allocated to' : 'in the IOMMU PASID table for';
      for (let set = 0; set < f.S; set++)
        for (let g = 0; g < f.G; g++) {
          if (s[f.g2h(set, g)] !== p + 1) continue;
          if (claim && claim !== set + 1)
            return `PASID ${p} is ${claimBy} ioasid_set ${claim - 1} while KVM of set ${set} still translates guest PASID ${g} to it`;
          claim = set + 1;
          claimBy = 'translated by KVM for';
        }
    }
    return null;
  },
};

export const noStalePasidEntry: Invariant = {
  id: 'no-stale-pasid-entry',
  family: 'ioasid',
  description: 'once a PASID is released and its FREE notification delivered, no IOMMU PASID-table entry and no KVM translation points at it',
  appliesTo: (sys) => sys.ias.present,
  // interesting: some PASID was released and its FREE notification delivered
  interesting(s, m) {
    const f = m.sys.ias;
    for (let p = 0; p < f.P; p++) if (s[f.freeDone(p)] === 1) return true;
    return false;
  },
  check(s, m) {
    const f = m.sys.ias;
    for (let p = 0; p < f.P; p++) {
      if (s[f.freeDone(p)] !== 1) continue;
      if (s[f.entry(p)] !== 0)
        return `the IOMMU PASID entry of PASID ${p} still points at it (bound for set ${s[f.entry(p)] - 1}) after it was freed`;
      for (let set = 0; set < f.S; set++)
        for (let g = 0; g < f.G; g++)
          if (s[f.g2h(set, g)] === p + 1)
            return `KVM of set ${set} still translates guest PASID ${g} to PASID ${p} after it was freed`;
    }
    return null;
  },
};

export const ioasidSetRefsHeld: Invariant = {
  id: 'ioasid-set-refs-held',
  family: 'ioasid',
  description: 'no thread keeps the ioasid_set its ioasid_find_sid returned once that set is destroyed (use after free); between operations, each set\'s refcount counts exactly the find_sid references threads keep',
  appliesTo: (sys) => sys.ias.present,
  // interesting: a thread holds an ioasid_find_sid reference while some set is dying or destroyed
  interesting(s, m) {
    const sys = m.sys, f = sys.ias;
    let held = false, gone = false;
    for (let t = 0; t < sys.threads; t++) if (s[f.threadSid(t)] !== 0) held = true;
    for (let set = 0; set < f.S; set++) if (s[f.setState(set)] !== SET_LIVE) gone = true;
    return held && gone;
  },
  check(s, m) {
    const sys = m.sys, f = sys.ias;
    const holders = new Array<number>(f.S).fill(0);
    for (let t = 0; t < sys.threads; t++) {
      const set = s[f.threadSid(t)] - 1;
      if (set < 0) continue;
      holders[set]++;
      if (s[f.setState(set)] === SET_DESTROYED)
        return `thread ${sys.threadName(t)} still holds ioasid_set ${set} (ioasid_find_sid) after the set was destroyed`;
    }
    if (!betweenOperations(s, m)) return null;
    for (let set = 0; set < f.S; set++)
      if (s[f.setRefs(set)] !== holders[set])
        return `ioasid_set ${set} counts ${s[f.setRefs(set)]} references (set->refs) but threads hold ${holders[set]}`;
    return null;
  },
};

export const ioasidInvariants: Invariant[] = [noIoasidQuotaOverrun, noStalePasidEntry, pasidUnique, ioasidSetRefsHeld];
