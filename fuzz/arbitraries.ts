// Owns the fast-check arbitraries of fuzz cases: a scenario drawn from a template (its SoC shape, set-up and
// sections kept; the command-queue depth and the speculative walker varied; new thread programs drawn from
// every operation that compiles there, with any argument in range, valid-looking or hostile), the correct
// variant configuration of each slot, and a schedule. Everything shrinks: fewer threads, fewer operations,
// smaller arguments, the default variants, fewer context switches.
import fc from 'fast-check';
import type { OpCallSpec, ScenarioSpec } from '../src/model/scenario';
import { allVariants } from '../src/model/variants';
import type { OpChoice, Template } from './templates';
import { scheduleArb, type ScheduleSpec } from './schedulers';
import { applyContracts } from './contracts';

export interface CaseShape {
  /** most threads a generated scenario has (default 4) */
  maxThreads?: number;
  /** most operations per thread (default 4) */
  maxOps?: number;
}

export interface FuzzCase {
  /** the built-in scenario the case was drawn from */
  template: string;
  scenario: ScenarioSpec;
  variants: string[];
  schedule: ScheduleSpec;
}

function callOf(op: OpChoice, t: Template): fc.Arbitrary<OpCallSpec> {
  const args = fc.tuple(...op.ranges.map((r) => fc.integer({ min: r.min, max: r.max })));
  // a few combinations (a range of pages running past the domain) do not compile: draw again
  return args.map((a): OpCallSpec => [op.def.name, ...a]).filter((c) => t.compiles(c));
}

/** One call: half the time one the template itself makes, else any operation with arguments in range. */
export function callArb(t: Template): fc.Arbitrary<OpCallSpec> {
  const any = fc.oneof(...t.ops.map((op) => callOf(op, t)));
  if (t.calls.length === 0) return any;
  return fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...t.calls) }, { weight: 1, arbitrary: any });
}

export function scenarioArb(t: Template, shape: CaseShape = {}): fc.Arbitrary<ScenarioSpec> {
  const call = callArb(t);
  const program = fc.array(call, { minLength: 1, maxLength: shape.maxOps ?? 4 });
  const base = t.scenario;
  return fc.record({
    programs: fc.array(program, { minLength: 1, maxLength: shape.maxThreads ?? 4 }),
    walker: fc.boolean(),
    cmdqDepth: fc.integer({ min: 2, max: Math.max(2, base.cmdqDepth ?? 4) }),
  }).map(({ programs, walker, cmdqDepth }): ScenarioSpec => {
    const { alternatives: _a, catches: _c, ...rest } = base;
    return applyContracts({
      ...rest,
      name: `${base.name}-fuzz`,
      description: `fuzzed from ${base.name}`,
      cmdqDepth,
      speculativeWalker: walker || base.speculativeWalker === true,
      threads: programs.map((ops, i) => ({ name: `t${i}`, ops })),
    });
  });
}

/** With fixed variants, exactly those; else one correct variant per slot (shrinking to the defaults). */
export function variantsArb(fixed?: readonly string[]): fc.Arbitrary<string[]> {
  if (fixed) return fc.constant([...fixed]);
  const bySlot = new Map<string, string[]>();
  for (const v of allVariants()) {
    if (v.faulty) continue;
    const list = bySlot.get(v.slot) ?? [];
    if (v.isDefault) list.unshift(v.name);
    else list.push(v.name);
    bySlot.set(v.slot, list);
  }
  const choices = [...bySlot.values()].filter((l) => l.length > 1);
  if (choices.length === 0) return fc.constant([]);
  // index 0 is the slot's default, which a run selects by naming nothing
  return fc.tuple(...choices.map((l) => fc.integer({ min: 0, max: l.length - 1 })))
    .map((ix) => ix.flatMap((k, s) => (k === 0 ? [] : [choices[s][k]])));
}

/** A case from one of the templates, each drawn in proportion to its weight (1 when not given). */
export function caseArb(templates: readonly { name: string; template: Template; weight?: number }[], variants: fc.Arbitrary<string[]>, shape: CaseShape = {}): fc.Arbitrary<FuzzCase> {
  if (templates.length === 0) throw new Error('no template to fuzz');
  const scenarios = templates.map(({ name, template, weight }) =>
    ({ weight: weight ?? 1, arbitrary: scenarioArb(template, shape).map((scenario) => ({ template: name, scenario })) }));
  return fc.record({ drawn: fc.oneof(...scenarios), variants, schedule: scheduleArb() })
    .map(({ drawn, variants: v, schedule }) => ({ ...drawn, variants: v, schedule }));
}
