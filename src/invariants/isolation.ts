// Owns device isolation: a device's DMA reaches only the page its domain maps at that IOVA, or the old
// page of an unmapped IOVA inside the window before the sync that covers the unmap. Atoms: one per device.
import { atomicInvariant } from './invariant';

export const isolation = atomicInvariant({
  id: 'isolation',
  family: 'isolation',
  description: 'a DMA reaches only the page mapped at its IOVA in its domain, or the old page in the window between unmap and its sync',
  appliesTo: (sys) => sys.dom.V > 0,
  // interesting: a device's last DMA landed on a page its IOVA no longer maps (unmapped or remapped since):
  // only the window before the covering sync allows that
  interesting(s, m) {
    const t = m.sys.tlb;
    for (let v = 0; v < m.sys.dom.V; v++) {
      const phys = s[t.dmaPhys(v)];
      if (phys !== 0 && s[t.dmaPte(v)] !== phys) return true;
    }
    return false;
  },
  atoms: (m) => m.sys.dom.V,
  checkAtom(s, m, v) {
    const t = m.sys.tlb;
    const phys = s[t.dmaPhys(v)];
    if (phys === 0) return null;
    const pte = s[t.dmaPte(v)], win = s[t.dmaWindow(v)];
    if (pte === phys || (pte === 0 && win === phys)) return null;
    const where = `domain ${s[t.dmaDomain(v)] - 1} page ${s[t.dmaPage(v)]}`;
    const now = pte !== 0 ? `maps phys ${pte - 1}` : win !== 0 ? `is unmapped (window: phys ${win - 1})` : 'is unmapped and synced';
    return `device ${v} reached phys ${phys - 1} through ${where}, which ${now}`;
  },
});
