// Owns the IOTLB invariants: once a sync covering an unmap returned, no serving IOTLB still translates the
// page and no DMA reaches the old physical page.
import type { Invariant } from './invariant';
import { servingMask } from './invariant';

export const noStaleTlbAfterSync: Invariant = {
  id: 'no-stale-tlb-after-sync',
  family: 'tlb',
  description: 'once a sync covering an unmapped page returned, no IOTLB of an instance serving the domain translates it, and no DMA reaches the old page',
  appliesTo: (sys) => sys.dom.D > 0 && sys.dom.I > 0,
  check(s, m) {
    const sys = m.sys, pt = sys.pt;
    for (let d = 0; d < sys.dom.D; d++) {
      for (let p = 0; p < pt.P; p++) {
        if (s[pt.promised(d, p)] !== 1 || s[pt.pte(d, p)] !== 0) continue;
        const mask = servingMask(s, sys, d);
        for (let i = 0; i < sys.dom.I; i++) {
          const e = s[sys.tlb.tlb(i, d, p)];
          if (mask & (1 << i) && e !== 0)
            return `IOTLB of instance ${i} still maps domain ${d} page ${p} to phys ${e - 1} after the sync covering its unmap returned`;
        }
      }
    }
    for (let v = 0; v < sys.dom.V; v++) {
      const t = sys.tlb;
      if (s[t.dmaPromised(v)] === 1 && s[t.dmaPte(v)] === 0 && s[t.dmaPhys(v)] !== 0)
        return `device ${v} reached phys ${s[t.dmaPhys(v)] - 1} through domain ${s[t.dmaDomain(v)] - 1} page ${s[t.dmaPage(v)]} after the sync covering its unmap returned`;
    }
    return null;
  },
};
