// Owns what the model says about a report's invariants: each one's description, and which invariants each job
// checked (those its counterexample recorded, the run's --invariant list, a faulty job's expected one, else
// every invariant that applies to the scenario under the job's variants). Unknown scenarios or variants (a
// user's module not loaded) leave a job's list out.
import { allInvariants } from '../invariants';
import { System } from '../model/system';
import { VariantSet } from '../model/variants';
import { allScenarios } from '../model/scenarios';
import type { ScenarioSpec } from '../model/scenario';
import type { Report } from '../report/report';
import type { ShownTrace } from '../report/view';

function applying(spec: ScenarioSpec, variants: string[]): string[] | undefined {
  try {
    const sys = new System(spec, new VariantSet(variants));
    return allInvariants().filter((i) => i.appliesTo(sys)).map((i) => i.id);
  } catch {
    return undefined;
  }
}

export function invariantCatalogue(report: Report, traces: Map<number, ShownTrace>): { descriptions: Record<string, string>; checked: Map<number, string[]> } {
  const descriptions: Record<string, string> = {};
  for (const i of allInvariants()) descriptions[i.id] = i.description;
  const only = report.options?.invariants as string[] | undefined;
  const checked = new Map<number, string[]>();
  report.jobs.forEach((j, k) => {
    const cx = traces.get(k)?.cx;
    const spec = cx?.scenario ?? allScenarios().find((s) => s.name === j.scenario);
    const list = cx?.invariants ?? (Array.isArray(only) ? only : undefined) ?? (j.expect && j.expect !== 'clean' ? [j.expect] : undefined) ?? (spec ? applying(spec, j.variants) : undefined);
    if (list) checked.set(k, list);
  });
  return { descriptions, checked };
}
