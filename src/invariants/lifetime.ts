// Owns the domain lifetime invariant: a domain is never freed while devices are attached, and no step
// touches a freed domain (use-after-free).
import type { Invariant } from './invariant';
import { FREED } from '../model/stack/domains';

export const noDomainFreedWhileAttached: Invariant = {
  id: 'no-domain-freed-while-attached',
  family: 'lifetime',
  description: 'a free never succeeds on a domain with attached devices, and no step touches a freed domain',
  appliesTo: (sys) => sys.dom.D > 0,
  check(s, m) {
    const f = m.sys.dom;
    for (let v = 0; v < f.V; v++) {
      const d = s[f.devDomain(v)] - 1;
      if (d >= 0 && s[f.state(d)] === FREED) return `domain ${d} was freed while device ${v} is still attached to it`;
    }
    const uaf = s[f.uaf];
    if (uaf !== 0) return `a step touched domain ${uaf - 1} after it was freed (use-after-free)`;
    return null;
  },
};
