// Owns collecting every distinct violation of a run (--all): one entry per (invariant, message), with the
// first schedule that reached it. The reduction-soundness tests compare these sets with and without reduction.
// An invariant split into atoms reports every false atom (each with its own message), not only its first:
// the reduction keeps each atom visible on its own, not every combination of atoms.
import type { Model, Violation } from '../model/model';
import type { Schedule } from './result';

export type { FoundViolation } from '../result/format';
import type { FoundViolation } from '../result/format';

export class Collector {
  readonly list: FoundViolation[] = [];
  private readonly seen = new Set<string>();

  add(v: Violation, schedule: Schedule): void {
    const k = `${v.invariant}\u0000${v.message}`;
    if (this.seen.has(k)) return;
    this.seen.add(k);
    this.list.push({ ...v, schedule });
  }
}

/** Every invariant (every atom of an atomic one) that fails in s, for collecting runs; returns what check(s) would. */
export function checkEach(m: Model, s: Int32Array, out: (v: Violation) => void): Violation | null {
  let first: Violation | null = null;
  for (const inv of m.invariants) {
    if (inv.atoms && inv.checkAtom) {
      const n = inv.atoms(m);
      for (let k = 0; k < n; k++) {
        const msg = inv.checkAtom(s, m, k);
        if (msg === null) continue;
        const v = { invariant: inv.id, message: msg };
        first ??= v;
        out(v);
      }
      continue;
    }
    const msg = inv.check(s, m);
    if (msg !== null) {
      const v = { invariant: inv.id, message: msg };
      first ??= v;
      out(v);
    }
  }
  return first;
}
