// Owns finding selected variants that change nothing in a scenario: a variant's slot that the model never
// consults, neither while it is built nor in the steps it takes from the states a bounded walk reaches.
import { buildModel } from './model';
import { findVariant } from './variants';
import type { ScenarioSpec } from './scenario';

export interface UnusedVariant {
  variant: string;
  slot: string;
  /** the walk reached every state: the run is certainly the default run */
  complete: boolean;
}

/** The selected variants whose slot the scenario never consults in its first `limit` states. */
export function unusedVariants(sc: ScenarioSpec, variants: readonly string[], limit = 5000): UnusedVariant[] {
  const m = buildModel(sc, variants);
  const wanted = () => variants.filter((v) => !m.variants.consulted.has(findVariant(v)!.slot));
  const seen = new Set<string>(), todo = [m.initial()];
  while (todo.length > 0 && seen.size < limit && wanted().length > 0) {
    const s = todo.pop()!, k = s.join(',');
    if (seen.has(k)) continue;
    seen.add(k);
    const l: number[] = [];
    m.steps(s, l);
    for (let j = 0; j < l.length; j += 2) todo.push(m.apply(s, l[j], l[j + 1]));
  }
  const complete = todo.every((s) => seen.has(s.join(',')));
  return wanted().map((variant) => ({ variant, slot: findVariant(variant)!.slot, complete }));
}
