// Owns the IOTLB invariants: once a sync covering an unmap returned, no serving IOTLB still translates the
// page and no DMA reaches the old physical page. Atoms: one per (domain, page), then one per device.
import { atomicInvariant } from './invariant';
import { servingMask } from './invariant';

export const noStaleTlbAfterSync = atomicInvariant({
  id: 'no-stale-tlb-after-sync',
  family: 'tlb',
  description: 'once a sync covering an unmapped page returned, no IOTLB of an instance serving the domain translates it, and no DMA reaches the old page',
  appliesTo: (sys) => sys.dom.D > 0 && sys.dom.I > 0,
  // interesting: a page of a domain some instance serves is unmapped and its sync returned, or a device's last DMA
  // used a page since unmapped and synced: a stale IOTLB entry or DMA would now be a violation
  interesting(s, m) {
    const sys = m.sys, pt = sys.pt, t = sys.tlb;
    for (let d = 0; d < sys.dom.D; d++) {
      if (servingMask(s, sys, d) === 0) continue;
      for (let p = 0; p < pt.P; p++) if (s[pt.promised(d, p)] === 1 && s[pt.pte(d, p)] === 0) return true;
    }
    for (let v = 0; v < sys.dom.V; v++) if (s[t.dmaPromised(v)] === 1 && s[t.dmaPte(v)] === 0) return true;
    return false;
  },
  atoms: (m) => m.sys.dom.D * m.sys.pt.P + m.sys.dom.V,
  checkAtom(s, m, k) {
    const sys = m.sys, pt = sys.pt, DP = sys.dom.D * pt.P;
    if (k < DP) {
      const d = Math.floor(k / pt.P), p = k % pt.P;
      if (s[pt.promised(d, p)] !== 1 || s[pt.pte(d, p)] !== 0) return null;
      const mask = servingMask(s, sys, d);
      for (let i = 0; i < sys.dom.I; i++) {
        const e = s[sys.tlb.tlb(i, d, p)];
        if (mask & (1 << i) && e !== 0)
          return `IOTLB of instance ${i} still maps domain ${d} page ${p} to phys ${e - 1} after the sync covering its unmap returned`;
      }
      return null;
    }
    const v = k - DP, t = sys.tlb;
    if (s[t.dmaPromised(v)] === 1 && s[t.dmaPte(v)] === 0 && s[t.dmaPhys(v)] !== 0)
      return `device ${v} reached phys ${s[t.dmaPhys(v)] - 1} through domain ${s[t.dmaDomain(v)] - 1} page ${s[t.dmaPage(v)]} after the sync covering its unmap returned`;
    return null;
  },
});
