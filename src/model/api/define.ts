// Owns defining operations and their variants with the step builder: an operation's default steps are its
// default variant; a variant of it is a named replacement of those steps (a user's patch, a known bug), in
// the operation's slot, so `--variant NAME` swaps the steps without touching the operation's code.
import type { OpDef, ParamSpec } from '../program';
import type { System } from '../system';
import { defineOp, findOp } from '../ops';
import { defineVariants, findVariant, allVariants, type VariantDef } from '../variants';
import { Builder } from './builder';
import { assemble } from './assemble';
import type { Item } from './instr';

/** Writes an operation's instructions; `sys` is the run's static system (its dimensions and variants). */
export type StepsFn = (b: Builder, sys: System) => Item[];

export interface OperationSpec {
  readonly name: string;
  readonly subsystem: string;
  readonly description: string;
  readonly params: readonly ParamSpec[];
  /** the default variant: its name and what it stands for (say, the upstream kernel's order of operations) */
  readonly variant?: { readonly name: string; readonly description: string };
  readonly steps: StepsFn;
}

export interface VariantSpec {
  readonly faulty: boolean;
  readonly description: string;
  readonly steps: StepsFn;
}

const defaultSteps = new Map<string, StepsFn>();

/** The default steps of an operation written with the step builder (undefined for any other). */
export function stepsOf(op: string): StepsFn | undefined {
  return defaultSteps.get(op);
}

/** Steps of `op` for the run's variants (the chosen variant of the op's slot, else its default). */
export function buildSteps(op: string, sys: System) {
  let fn = defaultSteps.get(op)!;
  const slotHasVariants = allVariants().some((v) => v.slot === op);
  if (slotHasVariants) {
    const chosen = findVariant(sys.variants.of(op));
    if (chosen?.steps) fn = chosen.steps;
  }
  const params = findOp(op)!.params.map((p) => p.name);
  return assemble(fn(new Builder(sys, params, `op ${op}`), sys), `op ${op}`);
}

/** Define an operation written with the step builder. */
export function operation(spec: OperationSpec): OpDef {
  if (findOp(spec.name)) throw new Error(`operation ${spec.name} defined twice`);
  defaultSteps.set(spec.name, spec.steps);
  if (spec.variant)
    defineVariants([{ name: spec.variant.name, slot: spec.name, subsystem: spec.subsystem, faulty: false, isDefault: true,
      description: spec.variant.description }]);
  const def: OpDef = {
    name: spec.name, subsystem: spec.subsystem, description: spec.description, params: spec.params,
    build: (sys) => buildSteps(spec.name, sys).steps,
  };
  defineOp(def);
  return def;
}

/** An operation that is a sequence of others (unmap_sync = unmap + iotlb_sync): its calls expand when compiled. */
export function compositeOperation(spec: Omit<OperationSpec, 'steps' | 'variant'> & { expand: (args: readonly number[]) => { op: string; args: number[] }[] }): OpDef {
  const def: OpDef = { name: spec.name, subsystem: spec.subsystem, description: spec.description, params: spec.params, expand: spec.expand };
  defineOp(def);
  return def;
}

/**
 * Define the variants of a policy: a choice the steps read with `sys.variants.is(name)` when they are built (the
 * hypervisor's lock mode, whether a sync waits), one of them the default. Its slot may be an operation's, when the
 * choice is read by that operation's steps.
 */
export function policyVariants(defs: VariantDef[]): void {
  defineVariants(defs);
}

/** Define a variant of an operation: a named replacement of its steps. */
export function variantOf(op: string, name: string, spec: VariantSpec): VariantDef {
  const def = findOp(op);
  if (!def) throw new Error(`variant ${name}: unknown operation '${op}'`);
  if (!defaultSteps.has(op)) throw new Error(`variant ${name}: operation '${op}' is not written with the step builder`);
  if (!allVariants().some((v) => v.slot === op && v.isDefault))
    defineVariants([{ name: `${op}-default`, slot: op, subsystem: def.subsystem, faulty: false, isDefault: true,
      description: `${op} as the model defines it` }]);
  const v: VariantDef = { name, slot: op, subsystem: def.subsystem, faulty: spec.faulty, description: spec.description, steps: spec.steps };
  defineVariants([v]);
  return v;
}
