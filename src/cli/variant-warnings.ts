// Owns what `explore -v` says about selected variants that change nothing: a variant whose slot none of the
// run's scenarios consults is an error (the run would only repeat the default one); one that some scenarios
// consult and others do not is a warning naming those others (their jobs are the default run).
import { UsageError } from '../model/variants';
import type { ScenarioSpec } from '../model/scenario';
import { unusedVariants, type UnusedVariant } from '../model/variant-use';

const PROBE_STATES = 5000;

export function variantWarnings(scenarios: readonly ScenarioSpec[], variants: readonly string[]): string[] {
  if (variants.length === 0) return [];
  const unused = scenarios.map((sc) => ({ sc, unused: unusedVariants(sc, variants, PROBE_STATES) }));
  const warnings: string[] = [];
  for (const v of variants) {
    const idle = unused.flatMap(({ sc, unused: u }) => u.filter((x) => x.variant === v).map((x) => ({ sc, x })));
    if (idle.length === 0) continue;
    const { slot } = idle[0].x;
    const how = (x: UnusedVariant) => (x.complete ? 'in any state' : `in its first ${PROBE_STATES} states`);
    if (idle.length === scenarios.length && idle.every(({ x }) => x.complete))
      throw new UsageError(`--variant ${v}: no operation of ${scenarios.length === 1 ? `scenario ${scenarios[0].name}` : 'these scenarios'} uses '${slot}', so the run would be the default run (see 'iommu-check list' for the scenarios that catch it)`);
    for (const { sc, x } of idle)
      warnings.push(`variant ${v} changes nothing in ${sc.name}: it never uses '${slot}' ${how(x)} (that job is the default run)`);
  }
  return warnings;
}
