// Owns the domain lifetime invariant: a domain is never freed while devices are attached, and no step
// touches a freed domain (use-after-free). Atoms: one per device, then the use-after-free record.
import { atomicInvariant } from './invariant';
import { FREED } from '../model/domains/state';

export const noDomainFreedWhileAttached = atomicInvariant({
  id: 'no-domain-freed-while-attached',
  family: 'lifetime',
  description: 'a free never succeeds on a domain with attached devices, and no step touches a freed domain',
  appliesTo: (sys) => sys.dom.D > 0,
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
