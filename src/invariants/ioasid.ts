// Owns the invariants of the IOASID (PASID) allocator: quotas and capacity never overrun (counted from
// PASID ownership, not trusted from the counters), no sleeping lock taken in atomic context, no PASID
// claimed by two sets at once, and no subscriber still pointing at a PASID whose FREE has completed.
import type { Invariant } from './invariant';

export const noIoasidQuotaOverrun: Invariant = {
  id: 'no-ioasid-quota-overrun',
  family: 'ioasid',
  description: 'every ioasid_set holds at most its quota of PASIDs and all sets together at most the system capacity; set->nr_ioasids and the capacity counter agree with what is held',
  appliesTo: (sys) => sys.ias.present,
  check(s, m) {
    const f = m.sys.ias;
    let total = 0;
    for (let set = 0; set < f.S; set++) {
      let held = 0;
      for (let p = 0; p < f.P; p++) if (s[f.owner(p)] === set + 1) held++;
      total += held;
      const quota = s[f.quota(set)];
      if (held > quota) return `ioasid_set ${set} holds ${held} PASIDs, over its quota of ${quota}`;
      if (s[f.count(set)] !== held) return `ioasid_set ${set} counts ${s[f.count(set)]} IOASIDs (nr_ioasids) but holds ${held}`;
    }
    if (total > f.capacity) return `the sets hold ${total} PASIDs together, over the system capacity of ${f.capacity}`;
    if (s[f.used] !== total) return `the capacity counter says ${s[f.used]} IOASIDs are allocated but the sets hold ${total}`;
    return null;
  },
};

export const noSleepInAtomic: Invariant = {
  id: 'no-sleep-in-atomic',
  family: 'ioasid',
  description: 'no thread takes a sleeping lock (mutex) in atomic context: an RCU callback or under a spinlock',
  appliesTo: (sys) => sys.ias.present,
  check(s, m) {
    const f = m.sys.ias, t = s[f.sleptInAtomic] - 1;
    if (t < 0) return null;
    const lock = s[f.sleptOn] === 0 ? 'the ioasid_allocator_lock mutex' : 'the IOMMU driver\'s device-list mutex';
    return `thread ${m.sys.threadName(t)} took ${lock} in atomic context (sleeping in atomic)`;
  },
};

export const pasidUnique: Invariant = {
  id: 'pasid-unique',
  family: 'ioasid',
  description: 'no PASID has two live owners: the set the allocator gave it to, the set the IOMMU PASID entry was bound for, and every KVM translation to it name the same set',
  appliesTo: (sys) => sys.ias.present,
  check(s, m) {
    const f = m.sys.ias;
    for (let p = 0; p < f.P; p++) {
      const owner = s[f.owner(p)], entry = s[f.entry(p)];
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

export const ioasidInvariants: Invariant[] = [noIoasidQuotaOverrun, noSleepInAtomic, noStalePasidEntry, pasidUnique];
