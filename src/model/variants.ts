// Owns the variant registry: every named implementation of an operation or policy (correct or faulty),
// grouped in slots; a run selects at most one variant per slot, the rest take the slot's default.

export interface VariantDef {
  readonly name: string;
  /** the operation or policy this variant replaces */
  readonly slot: string;
  readonly subsystem: string;
  /** true when the variant stands for a bug the checker must find */
  readonly faulty: boolean;
  /** the slot's default (the correct implementation used when nothing is selected) */
  readonly isDefault?: boolean;
  readonly description: string;
  /** for a variant of an operation written with the step builder: its replacement steps (api/define.ts) */
  readonly steps?: import('./api/define').StepsFn;
}

import { noteOrigin } from './origin';

const registry = new Map<string, VariantDef>();

export function defineVariants(defs: VariantDef[]): void {
  for (const d of defs) {
    if (registry.has(d.name)) throw new Error(`variant ${d.name} defined twice`);
    registry.set(d.name, d);
    noteOrigin('variant', d.name);
  }
}

export function allVariants(): VariantDef[] {
  return [...registry.values()];
}

export function findVariant(name: string): VariantDef | undefined {
  return registry.get(name);
}

export class UsageError extends Error {}

/** The variants chosen for one run: slot -> variant name. */
export class VariantSet {
  private readonly bySlot = new Map<string, string>();
  /** every slot the model asked about while it was built (a selected variant whose slot is not here changes nothing) */
  readonly consulted = new Set<string>();

  constructor(readonly selected: readonly string[]) {
    for (const name of selected) {
      const def = registry.get(name);
      if (!def) throw new UsageError(`unknown variant '${name}' (see 'iommu-check list variants')`);
      const prev = this.bySlot.get(def.slot);
      if (prev && prev !== name)
        throw new UsageError(`variants '${prev}' and '${name}' both replace '${def.slot}'; choose one`);
      this.bySlot.set(def.slot, name);
    }
  }

  /** The variant in effect for a slot (the selected one, else the slot's default). */
  of(slot: string): string {
    this.consulted.add(slot);
    return this.inEffect(slot);
  }

  private inEffect(slot: string): string {
    const chosen = this.bySlot.get(slot);
    if (chosen) return chosen;
    for (const d of registry.values()) if (d.slot === slot && d.isDefault) return d.name;
    throw new Error(`slot '${slot}' has no default variant`);
  }

  /**
   * `is` for a declaration of the state layout (a field's access kind, say): not noted as consulted, since it
   * changes nothing unless a step touches the field, and a step that does consults the slot itself.
   */
  declares(name: string): boolean {
    const def = registry.get(name);
    if (!def) throw new Error(`unknown variant '${name}' in model code`);
    return this.inEffect(def.slot) === name;
  }

  is(name: string): boolean {
    const def = registry.get(name);
    if (!def) throw new Error(`unknown variant '${name}' in model code`);
    return this.of(def.slot) === name;
  }

  get faulty(): boolean {
    return this.selected.some((n) => registry.get(n)?.faulty);
  }

  get label(): string {
    return this.selected.length ? this.selected.join('+') : 'default';
  }
}
