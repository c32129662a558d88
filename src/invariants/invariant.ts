// Owns the Invariant type: a named predicate over one state, with the description a report prints, and
// optionally its split into local atoms (the conjuncts the partial-order reduction keeps visible one by one).
import type { Model } from '../model/model';
import type { System } from '../model/system';

export interface Invariant {
  /** kebab-case id used on the command line and in reports */
  readonly id: string;
  /** the family (file) it belongs to */
  readonly family: string;
  readonly description: string;
  /** false when the scenario has none of what the invariant speaks about */
  appliesTo(sys: System): boolean;
  /** null when the state is fine; else one sentence saying what is wrong, naming objects and values */
  check(s: Int32Array, m: Model): string | null;
  /**
   * Optional split into local atoms: the invariant holds iff every atom k < atoms(m) holds, and check(s, m)
   * returns the message of the first false atom (in k order). The reduced search keeps each atom visible
   * on its own (a transition is made dependent only with transitions writing what the same atom reads).
   */
  atoms?(m: Model): number;
  checkAtom?(s: Int32Array, m: Model, k: number): string | null;
  /**
   * Whether s is one of the invariant's interesting states: its premise holds, so a bug could show here (e.g. a
   * page was unmapped and its sync returned). The fuzzer counts the distinct states where it holds (coverage.ts);
   * never true in a scenario's initial state.
   */
  interesting?(s: Int32Array, m: Model): boolean;
  /** checked by the explorer on the state graph (deadlock), not on single states */
  readonly progress?: boolean;
}

type AtomicSpec = Omit<Invariant, 'check' | 'atoms' | 'checkAtom'> & {
  atoms(m: Model): number;
  checkAtom(s: Int32Array, m: Model, k: number): string | null;
};

/** An invariant given as atoms; its check is the conjunction, reporting the first false atom. */
export function atomicInvariant(spec: AtomicSpec): Invariant {
  return {
    ...spec,
    check(s, m) {
      const n = spec.atoms(m);
      for (let k = 0; k < n; k++) {
        const msg = spec.checkAtom(s, m, k);
        if (msg !== null) return msg;
      }
      return null;
    },
  };
}

/** Some thread is inside an operation named `name`: it took the operation's first step and not yet its last. */
export function insideOperation(s: Int32Array, m: Model, name: string): boolean {
  for (let t = 0; t < m.sys.threads; t++) {
    if (s[m.sys.stepIndex(t)] === 0) continue;
    const cur = m.currentStep(s, t);
    if (cur && cur.op.text.replace(/\(.*$/, '') === name) return true;
  }
  return false;
}

/** Instances through which some device is attached to domain d, read from a raw state. */
export function servingMask(s: Int32Array, sys: System, d: number): number {
  let mask = 0;
  for (let v = 0; v < sys.dom.V; v++) if (s[sys.dom.devDomain(v)] === d + 1) mask |= 1 << sys.dom.devInstance[v];
  return mask;
}
