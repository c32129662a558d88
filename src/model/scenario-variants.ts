// Owns checking the variants a scenario names (its correct `alternatives`, the faulty variants it `catches`):
// every name is a known variant, an alternative is a correct one and a caught one a faulty one. Checked before
// any job runs, for built-in, --load'ed and -f scenarios alike.
import { findVariant, UsageError } from './variants';
import type { ScenarioSpec } from './scenario';

export function checkScenarioVariants(sc: ScenarioSpec): void {
  const known = (v: string, where: string) => {
    const def = findVariant(v);
    if (!def) throw new UsageError(`scenario ${sc.name}.${where}: unknown variant '${v}' (see 'iommu-check list variants')`);
    return def;
  };
  const alts: unknown = sc.alternatives ?? [], catches: unknown = sc.catches ?? [];
  if (!Array.isArray(alts) || !alts.every((a) => Array.isArray(a) && a.every((v) => typeof v === 'string')))
    throw new UsageError(`scenario ${sc.name}.alternatives: expected a list of variant-name lists`);
  if (!Array.isArray(catches) || !catches.every((c) => c && typeof c.variant === 'string' && typeof c.invariant === 'string'))
    throw new UsageError(`scenario ${sc.name}.catches: expected a list of {variant, invariant}`);
  (sc.alternatives ?? []).forEach((alt, i) => alt.forEach((v) => {
    if (known(v, `alternatives[${i}]`).faulty) throw new UsageError(`scenario ${sc.name}.alternatives[${i}]: '${v}' is a faulty variant, not a correct alternative (list it in "catches")`);
  }));
  (sc.catches ?? []).forEach((c, i) => known(c.variant, `catches[${i}]`));
}
