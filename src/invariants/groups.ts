// Owns group-in-one-domain: the devices of one IOMMU group are the unit of isolation, so no two of them are
// ever attached to different domains (attach refuses a device whose group mates sit in another domain, under
// the group's mutex). Atoms: one per group.
import { atomicInvariant, insideOperation } from './invariant';

export const groupInOneDomain = atomicInvariant({
  id: 'group-in-one-domain',
  family: 'isolation',
  description: 'no two devices of one IOMMU group are attached to different domains',
  appliesTo: (sys) => sys.dom.V > 1 && sys.dom.G < sys.dom.V,
  // interesting: a thread is inside attach while a device is attached and a group mate of it is not attached to
  // the same domain (an attach of the mate elsewhere would split the group)
  interesting(s, m) {
    const f = m.sys.dom;
    if (!insideOperation(s, m, 'attach')) return false;
    for (let v = 0; v < f.V; v++) {
      const d = s[f.devDomain(v)];
      if (d === 0) continue;
      for (let u = 0; u < f.V; u++) if (u !== v && f.devGroup[u] === f.devGroup[v] && s[f.devDomain(u)] !== d) return true;
    }
    return false;
  },
  atoms: (m) => m.sys.dom.G,
  checkAtom(s, m, g) {
    const f = m.sys.dom;
    let first = -1, dom = 0;
    for (let v = 0; v < f.V; v++) {
      if (f.devGroup[v] !== g) continue;
      const d = s[f.devDomain(v)];
      if (d === 0) continue;
      if (dom === 0) {
        first = v;
        dom = d;
      } else if (d !== dom) return `devices ${first} and ${v} of group ${g} are attached to different domains (${dom - 1} and ${d - 1})`;
    }
    return null;
  },
});
