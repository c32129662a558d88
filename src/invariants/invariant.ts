// Owns the Invariant type: a named predicate over one state, with the description a report prints.
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
  /** checked by the explorer on the state graph (deadlock), not on single states */
  readonly progress?: boolean;
}

/** Instances through which some device is attached to domain d, read from a raw state. */
export function servingMask(s: Int32Array, sys: System, d: number): number {
  let mask = 0;
  for (let v = 0; v < sys.dom.V; v++) if (s[sys.dom.devDomain(v)] === d + 1) mask |= 1 << sys.dom.devInstance[v];
  return mask;
}
