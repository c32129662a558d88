// Owns fuzzing templates: a built-in scenario's SoC configuration, set-up and subsystem sections, with the
// operations that compile in it (every registered op, its argument ranges read from the op registry) and
// the calls the scenario itself makes. Generic: a subsystem that registers ops is fuzzed with no change here.
import '../src/model/stack';
import { allOps } from '../src/model/ops';
import { compileCall, paramRange } from '../src/model/compile';
import type { OpDef, StepDef } from '../src/model/program';
import { System, allSubsystems } from '../src/model/system';
import { VariantSet, UsageError, findVariant } from '../src/model/variants';
import { validateScenario, type OpCallSpec, type ScenarioSpec } from '../src/model/scenario';

/** An operation usable in a template, with the inclusive range of each argument. */
export interface OpChoice {
  readonly def: OpDef;
  readonly ranges: readonly { min: number; max: number }[];
}

export interface Template {
  readonly scenario: ScenarioSpec;
  readonly ops: readonly OpChoice[];
  /** the template's own thread and set-up calls that compile: generated programs reuse them often */
  readonly calls: readonly OpCallSpec[];
  /** whether a call compiles in this template (argument ranges, pages running past the domain...) */
  compiles(call: OpCallSpec): boolean;
}

const cache = new Map<ScenarioSpec, Template[]>();

/**
 * The templates of a built-in scenario: the scenario as it is, and its shapes with one more device (in a new
 * group, behind the last instance) or one more live domain (owned by instance 0), when the scenario stays
 * valid. Extras are appended, so every index the set-up and the subsystem sections use keeps its meaning.
 */
export function templatesOf(scenario: ScenarioSpec): readonly Template[] {
  let ts = cache.get(scenario);
  if (!ts) {
    const shapes: ScenarioSpec[] = [scenario];
    const groups = scenario.devices.reduce((m, d) => Math.max(m, d.group + 1), 0);
    if (scenario.instances.length > 0 && scenario.devices.length < 8 && groups < 8)
      shapes.push({ ...scenario, devices: [...scenario.devices, { instance: scenario.instances.length - 1, group: groups }] });
    if (scenario.instances.length > 0 && scenario.domains.length < 4)
      shapes.push({ ...scenario, domains: [...scenario.domains, { owner: 0, live: true }] });
    ts = shapes.flatMap((sh) => {
      try {
        return [analyse(validateScenario(sh))];
      } catch (e) {
        if (e instanceof UsageError) return [];
        throw e;
      }
    });
    cache.set(scenario, ts);
  }
  return ts;
}

function analyse(scenario: ScenarioSpec): Template {
  const sys = new System(scenario, new VariantSet([]));
  const steps = new Map<string, StepDef[]>();
  const compiles = (call: OpCallSpec): boolean => {
    try {
      compileCall(sys, call, 'fuzz', steps);
      return true;
    } catch (e) {
      if (e instanceof UsageError) return false;
      throw e;
    }
  };
  const ops: OpChoice[] = [];
  for (const def of allOps()) {
    const ranges = def.params.map((p) => {
      try {
        return paramRange(sys, p);
      } catch {
        return { min: 0, max: -1 }; // a kind this scenario has no dimension for
      }
    });
    if (ranges.some((r) => r.max < r.min)) continue;
    // usable when the smallest arguments compile (a subsystem without its section may refuse its ops)
    if (!compiles([def.name, ...ranges.map((r) => r.min)])) continue;
    ops.push({ def, ranges });
  }
  const own = [...(scenario.setup ?? []), ...scenario.threads.flatMap((th) => th.ops)];
  const calls = own.filter(compiles);
  return { scenario, ops, calls, compiles };
}

/**
 * The scenarios on which these variants can act: a variant of a subsystem that has a scenario section (sva,
 * ioasid, hyp, viommu) changes only operations that compile where the scenario has that section, so a
 * campaign for it draws from those scenarios alone; a variant of the core stack acts everywhere. Without
 * variants, every scenario.
 */
export function scenariosFor(variants: readonly string[] | undefined, scenarios: readonly ScenarioSpec[]): readonly ScenarioSpec[] {
  if (!variants || variants.length === 0) return scenarios;
  const sections = new Set<string>();
  for (const name of variants) {
    const sub = allSubsystems().find((s) => s.name === findVariant(name)?.subsystem);
    if (!sub?.section) return scenarios; // a core variant: every scenario
    sections.add(sub.section);
  }
  return scenarios.filter((sc) => [...sections].some((sec) => (sc as unknown as Record<string, unknown>)[sec] !== undefined));
}

/**
 * The draw weights of a campaign's scenarios for these variants. A variant acts wherever its operation runs,
 * but a scenario that calls the operation itself puts it in context (the flush queue's timer and the device
 * beside dma_unmap): the scenarios that do are drawn half the time between them, the rest the other half, so a
 * bug needing another scenario's shape (two instances) is still reached. Without variants, or for a policy slot
 * no scenario names (a locking scheme), every scenario weighs the same.
 */
export function drawWeights(variants: readonly string[] | undefined, scenarios: readonly ScenarioSpec[]): number[] {
  const slots = new Set((variants ?? []).map((v) => findVariant(v)?.slot));
  const calls = (sc: ScenarioSpec): boolean =>
    [...(sc.setup ?? []), ...sc.threads.flatMap((th) => th.ops)].some((c) => slots.has(Array.isArray(c) ? String(c[0]) : c.op));
  const callers = scenarios.map(calls);
  const n = callers.filter(Boolean).length;
  if (n === 0 || n === scenarios.length) return scenarios.map(() => 1);
  return callers.map((c) => (c ? scenarios.length - n : n));
}
