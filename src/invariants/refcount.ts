// Owns refcount sanity: no attach refcount below zero, and each equals its real number of attached
// devices whenever nobody holds the domain lock (and so at quiescence). Atoms: one per domain.
import { atomicInvariant, insideOperation } from './invariant';
import { FREED } from '../model/domains/state';

export const refcountSane = atomicInvariant({
  id: 'refcount-sane',
  family: 'refcount',
  description: 'no attach refcount below zero; whenever the domain lock is free (and at quiescence) it equals the attached devices',
  appliesTo: (sys) => sys.dom.D > 0,
  // interesting: a refcount above zero being dropped (a thread inside detach while some domain counts devices)
  interesting(s, m) {
    const f = m.sys.dom;
    for (let d = 0; d < f.D; d++) if (s[f.refs(d)] > 0) return insideOperation(s, m, 'detach');
    return false;
  },
  atoms: (m) => m.sys.dom.D,
  checkAtom(s, m, d) {
    const f = m.sys.dom;
    const refs = s[f.refs(d)];
    if (refs < 0) return `domain ${d} attach refcount is ${refs}`;
    if (s[f.state(d)] === FREED || (s[f.lock(d)] !== 0 && !m.done(s))) return null;
    let users = 0;
    for (let v = 0; v < f.V; v++) if (s[f.devDomain(v)] === d + 1) users++;
    if (users !== refs) return `domain ${d} attach refcount is ${refs} but ${users} device(s) are attached`;
    return null;
  },
});
