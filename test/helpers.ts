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
