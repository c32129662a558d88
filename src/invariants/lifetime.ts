// Owns the domain lifetime invariant: a domain is never freed while devices are attached, and no step
// touches a freed domain (use-after-free). Atoms: one per device, then the use-after-free record.
import { atomicInvariant, insideOperation } from './invariant';
import { FREED } from '../model/domains/state';

export const noDomainFreedWhileAttached = atomicInvariant({
  id: 'no-domain-freed-while-attached',
  family: 'lifetime',
  description: 'a free never succeeds on a domain with attached devices, and no step touches a freed domain',
  appliesTo: (sys) => sys.dom.D > 0,
  // interesting: a domain_free is under way while some device is attached, or a domain was freed while a thread
  // other than a freeing one still runs (a later step of it could touch the freed domain)
  interesting(s, m) {
    const f = m.sys.dom;
    let attached = false, freed = false;
    for (let v = 0; v < f.V; v++) if (s[f.devDomain(v)] !== 0) attached = true;
    for (let d = 0; d < f.D; d++) if (s[f.state(d)] === FREED) freed = true;
    if (attached && insideOperation(s, m, 'domain_free')) return true;
    if (!freed) return false;
    for (let t = 0; t < m.sys.threads; t++) {
      const cur = m.currentStep(s, t);
      if (cur && !(s[m.sys.stepIndex(t)] !== 0 && cur.op.text.startsWith('domain_free('))) return true;
    }
    return false;
  },
  atoms: (m) => m.sys.dom.V + 1,
  checkAtom(s, m, k) {
    const f = m.sys.dom;
    if (k < f.V) {
      const d = s[f.devDomain(k)] - 1;
      if (d >= 0 && s[f.state(d)] === FREED) return `domain ${d} was freed while device ${k} is still attached to it`;
      return null;
    }
    const uaf = s[f.uaf];
    if (uaf !== 0) return `a step touched domain ${uaf - 1} after it was freed (use-after-free)`;
    return null;
  },
});
