// Owns deriving mutants from the model: for every operation a scenario's threads call, written with the step
// builder, each site of each operator is one mutant — registered as a faulty variant of that operation, so
// the explorer runs it exactly like a user's variant — together with the scenarios that call the operation.
import { buildModel } from '../model/model';
import type { ScenarioSpec } from '../model/scenario';
import { Builder } from '../model/api/builder';
import { stepsOf, variantOf } from '../model/api/define';
import { findOp } from '../model/ops';
import { findVariant } from '../model/variants';
import { mutate, OPERATORS, OPERATOR_TEXT, siteLabel, sites, type Operator } from './operators';

export interface Mutant {
  /** "domain_free/drop-lock/0": operation, operator, site */
  readonly id: string;
  readonly op: string;
  readonly subsystem: string;
  readonly operator: Operator;
  readonly site: number;
  /** what it changes: "'mutex_lock(domain->lock)' and its unlocks" */
  readonly where: string;
  /** the faulty variant it is registered as */
  readonly variant: string;
  /** the scenarios whose threads call the operation (where the mutant runs) */
  readonly scenarios: ScenarioSpec[];
}

/** Every mutant of the operations the given scenarios' threads call, in a stable order. */
export function deriveMutants(scenarios: readonly ScenarioSpec[], only?: { ops?: readonly string[]; operators?: readonly Operator[] }): Mutant[] {
  const byId = new Map<string, Omit<Mutant, 'scenarios'> & { scenarios: ScenarioSpec[] }>();
  for (const sc of scenarios) {
    const m = buildModel(sc);
    const called = new Set(m.programs.flat().map((op) => op.def.name));
    for (const op of [...called].sort()) {
      const fn = stepsOf(op);
      if (!fn || (only?.ops && !only.ops.includes(op))) continue;
      const params = findOp(op)!.params.map((p) => p.name);
      const items = fn(new Builder(m.sys, params, `op ${op}`), m.sys);
      for (const operator of OPERATORS) {
        if (only?.operators && !only.operators.includes(operator)) continue;
        for (const site of sites(items, operator)) {
          const id = `${op}/${operator}/${site}`;
          let mu = byId.get(id);
          if (!mu) {
            mu = { id, op, subsystem: findOp(op)!.subsystem, operator, site, where: siteLabel(items, operator, site), variant: `mutant:${id}`, scenarios: [] };
            byId.set(id, mu);
          }
          mu.scenarios.push(sc);
        }
      }
    }
  }
  const out = [...byId.values()].sort((a, b) => a.op.localeCompare(b.op) || OPERATORS.indexOf(a.operator) - OPERATORS.indexOf(b.operator) || a.site - b.site);
  for (const mu of out) register(mu);
  return out;
}

/** Register the mutant as a faulty variant of its operation (once per process). */
function register(mu: Omit<Mutant, 'scenarios'>): void {
  if (findVariant(mu.variant)) return;
  const fn = stepsOf(mu.op)!;
  variantOf(mu.op, mu.variant, {
    faulty: true,
    description: `mutant: ${OPERATOR_TEXT[mu.operator]}: ${mu.where}`,
    steps: (b, sys) => {
      const items = fn(b, sys);
      return (sites(items, mu.operator).includes(mu.site) && mutate(items, b, mu.operator, mu.site)) || items;
    },
  });
}
