// Owns the invariants of the pKVM-style hypervisor IOMMU and its untrusted host: the hypervisor's own
// bookkeeping stays consistent (no table page leaked or freed twice, no domain freed while referenced,
// no command sent to a powered-off SMMU, DMA shares match the leaf entries), and whatever the host does,
// no io-pgtable maps a page the host does not own.
import type { Invariant } from './invariant';
import type { Model } from '../model/model';
import { DOM_FREE, LEVEL_LEAF, LEVEL_PGD, OWNER_HOST, ownerName } from '../model/hyp/state';

/** Where a leaf table page sits: "domain slot g, block b", or null when no live domain reaches it. */
function whereIs(s: Int32Array, m: Model, k: number): string | null {
  const h = m.sys.hyp;
  for (let g = 0; g < h.G; g++) {
    const pgd = s[h.domPgd(g)] - 1;
    if (pgd < 0) continue;
    for (let b = 0; b < h.B; b++) if (s[h.tpEntry(pgd, b)] === k + 1) return `domain slot ${g} block ${b}`;
  }
  return null;
}

/** Every hypercall is between two operations (nothing in flight). */
function quiescent(s: Int32Array, m: Model): boolean {
  for (let t = 0; t < m.threads; t++) if (!m.finished(s, t) && s[m.sys.stepIndex(t)] !== 0) return false;
  return true;
}

export const hypStateConsistent: Invariant = {
  id: 'hyp-state-consistent',
  family: 'hyp',
  description: 'no table page leaked or freed twice or written after its free, no domain freed while referenced, no command accepted by a powered-off SMMU, DMA shares never negative and (between hypercalls) equal to the leaf entries',
  appliesTo: (sys) => sys.hyp.N > 0,
  // interesting: a powered-on SMMU may still use a cleared STE or an unmapped page's translation, a domain's pgd
  // is dangling (dying), or a hypercall holds a table page privately
  interesting(s, m) {
    const h = m.sys.hyp;
    for (let i = 0; i < h.N; i++) {
      if (!s[h.power(i)]) continue;
      for (let j = 0; j < h.SID; j++) if (s[h.steCache(i, j)] !== 0) return true;
      for (let g = 0; g < h.G; g++) if (s[h.tlbStale(i, g)] !== 0) return true;
    }
    for (let g = 0; g < h.G; g++) if (s[h.domDying(g)]) return true;
    for (let k = 0; k < h.K; k++) if (s[h.tpHeld(k)] !== 0) return true;
    return false;
  },
  check(s, m) {
    const h = m.sys.hyp;
    if (s[h.doubleFree]) return `table page ${s[h.doubleFree] - 1} was freed twice`;
    if (s[h.uaf]) return `a hypercall wrote into table page ${s[h.uaf] - 1} after it was freed`;
    if (s[h.freedInUse]) return `domain slot ${s[h.freedInUse] - 1} was freed with ${s[h.freedRefs]} references (attached or in use)`;
    if (s[h.cmdOff]) return `SMMU ${s[h.cmdOff] - 1} was sent a command while powered off`;
    if (s[h.staleUnshare]) return `page ${s[h.staleUnshare] - 1} was unshared by an unmap before its TLB invalidation completed (an SMMU may still translate to it)`;
    // a domain is freed only once no powered-on SMMU may still walk its tables through a cached STE
    for (let i = 0; i < h.N; i++) {
      if (!s[h.power(i)]) continue;
      for (let j = 0; j < h.SID; j++) {
        const g = s[h.steCache(i, j)] - 1;
        if (g >= 0 && s[h.domState(g)] === DOM_FREE) return `domain slot ${g} was freed while SMMU ${i} may still use a cached STE (sid ${j}) pointing at it (no CFGI_STE + CMD_SYNC completed)`;
      }
    }
    // every allocated table page is reached exactly once: a domain's pgd, a pgd entry, or a hypercall's hands
    for (let k = 0; k < h.K; k++) {
      if (!s[h.tpUsed(k)]) continue;
      let refs = s[h.tpHeld(k)] !== 0 ? 1 : 0;
      for (let g = 0; g < h.G; g++) if (s[h.domState(g)] !== DOM_FREE && !s[h.domDying(g)] && s[h.domPgd(g)] === k + 1) refs++;
      for (let r = 0; r < h.K; r++)
        if (s[h.tpUsed(r)] && s[h.tpLevel(r)] === LEVEL_PGD) for (let b = 0; b < h.B; b++) if (s[h.tpEntry(r, b)] === k + 1) refs++;
      if (refs === 0) return `table page ${k} is allocated but no domain reaches it and no hypercall holds it (leaked)`;
      if (refs > 1) return `table page ${k} is referenced ${refs} times`;
    }
    for (let x = 0; x < h.X; x++)
      if (s[h.pageShares(x)] < 0) return `page ${x} has DMA share count ${s[h.pageShares(x)]} (unshared more often than shared)`;
    if (quiescent(s, m)) {
      // a domain's reference count is its allocation's plus one per stream table entry attached to it
      for (let g = 0; g < h.G; g++) {
        let want = s[h.domState(g)] !== DOM_FREE ? 1 : 0;
        for (let i = 0; i < h.N; i++) for (let j = 0; j < h.SID; j++) if (s[h.ste(i, j)] === g + 1) want++;
        if (s[h.domRefs(g)] !== want) return `domain slot ${g} has ${s[h.domRefs(g)]} reference(s) but ${want} (its allocation and attached STEs) between hypercalls`;
      }
      // one pass over the leaf entries counts the mappings of every page
      const maps = new Array<number>(h.X).fill(0);
      for (let k = 0; k < h.K; k++)
        if (s[h.tpUsed(k)] && s[h.tpLevel(k)] === LEVEL_LEAF) for (let j = 0; j < h.L; j++) if (s[h.tpEntry(k, j)] > 0) maps[s[h.tpEntry(k, j)] - 1]++;
      for (let x = 0; x < h.X; x++)
        if (maps[x] !== s[h.pageShares(x)]) return `page ${x} is shared with DMA ${s[h.pageShares(x)]} time(s) but ${maps[x]} leaf entr${maps[x] === 1 ? 'y maps' : 'ies map'} it`;
    }
    return null;
  },
};

export const hostCannotMapForeign: Invariant = {
  id: 'host-cannot-map-foreign',
  family: 'hyp',
  description: 'no leaf entry of any io-pgtable maps a page that the host does not own (hypervisor or guest memory)',
  appliesTo: (sys) => sys.hyp.N > 0,
  // interesting: a hypercall is in flight while some page is not the host's (a map could target it)
  interesting(s, m) {
    const h = m.sys.hyp;
    if (quiescent(s, m)) return false;
    for (let x = 0; x < h.X; x++) if (s[h.pageOwner(x)] !== OWNER_HOST) return true;
    return false;
  },
  check(s, m) {
    const h = m.sys.hyp;
    for (let k = 0; k < h.K; k++) {
      if (!s[h.tpUsed(k)] || s[h.tpLevel(k)] !== LEVEL_LEAF) continue;
      for (let j = 0; j < h.L; j++) {
        const x = s[h.tpEntry(k, j)] - 1;
        if (x < 0 || s[h.pageOwner(x)] === OWNER_HOST) continue;
        const where = whereIs(s, m, k);
        return `${where ? `${where} (table page ${k})` : `table page ${k}`} entry ${j} maps page ${x}, which the ${ownerName(s[h.pageOwner(x)])} owns`;
      }
    }
    return null;
  },
};

export const hypInvariants: Invariant[] = [hypStateConsistent, hostCannotMapForeign];
