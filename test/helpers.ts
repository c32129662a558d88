// Owns small helpers shared by the tests: building models and running jobs quietly.
import { buildModel, type Model } from '../src/model/model';
import { findScenario } from '../src/model/scenarios';
import type { ScenarioSpec } from '../src/model/scenario';
import { validateScenario } from '../src/model/scenario';

export function model(name: string, variants: string[] = []): Model {
  return buildModel(findScenario(name), variants);
}

/** A one-instance, one-device, one-domain scenario with the given threads, for focused tests. */
export function tiny(threads: ScenarioSpec['threads'], extra: Partial<ScenarioSpec> = {}): ScenarioSpec {
  return validateScenario({
    name: 'tiny', description: 'test', instances: [0], devices: [{ instance: 0, group: 0 }],
    domains: [{ owner: 0 }], pages: 2, phys: 2, threads, ...extra,
  });
}

/** Run one thread's program alone to the end, returning the final state. */
export function runAlone(m: Model): Int32Array {
  let s = m.initial();
  for (let guard = 0; guard < 10_000; guard++) {
    const list: number[] = [];
    m.steps(s, list);
    if (list.length === 0) return s;
    s = m.apply(s, list[0], list[1]);
  }
  throw new Error('did not finish');
}

/**
 * A plain traversal of the whole state graph (no explorer code): `state` sees each state once (at most `limit`
 * of them, depth-first), `edge` each transition out of those states.
 */
export function traverse(m: Model, on: { limit?: number; state?: (s: Int32Array) => void; edge?: (s: Int32Array, actor: number, choice: number, next: Int32Array) => void }): void {
  const seen = new Set<string>(), todo = [m.initial()];
  while (todo.length > 0 && seen.size < (on.limit ?? Infinity)) {
    const s = todo.pop()!, k = s.join(',');
    if (seen.has(k)) continue;
    seen.add(k);
    on.state?.(s);
    const l: number[] = [];
    m.steps(s, l);
    for (let j = 0; j < l.length; j += 2) {
      const x = m.apply(s, l[j], l[j + 1]);
      on.edge?.(s, l[j], l[j + 1], x);
      todo.push(x);
    }
  }
}
