// Owns collecting every distinct violation of a run (--all): one entry per (invariant, message), with the
// first schedule that reached it. The reduction-soundness tests compare these sets with and without reduction.
import type { Model, Violation } from '../model/model';
import type { Schedule } from './result';

export interface FoundViolation extends Violation {
  schedule: Schedule;
}

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

/** Every invariant that fails in s (not only the first), for collecting runs. */
export function checkEach(m: Model, s: Int32Array, out: (v: Violation) => void): Violation | null {
  let first: Violation | null = null;
  for (const inv of m.invariants) {
    const msg = inv.check(s, m);
    if (msg !== null) {
      const v = { invariant: inv.id, message: msg };
      first ??= v;
      out(v);
    }
  }
  return first;
}
