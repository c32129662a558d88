// Owns turning a scenario's op calls into compiled operations: looks the op up, checks its arguments
// against the scenario's dimensions, expands composite ops, and builds each op's steps for the variants.
import type { OpDef, ParamKind, ParamSpec, StepDef } from './program';
import type { OpCallSpec } from './scenario';
import { ScenarioError } from './scenario';
import { findOp } from './ops';
import { allSubsystems, type System } from './system';

export interface CompiledOp {
  readonly def: OpDef;
  readonly args: readonly number[];
  readonly steps: readonly StepDef[];
  /** "unmap(domain=0, iova=1, pages=2)" */
  readonly text: string;
}

/** The valid range of a parameter in this system (generators such as the fuzzer draw from it). */
export function paramRange(sys: System, p: ParamSpec): { min: number; max: number } {
  return { min: p.min ?? (p.kind === 'pages' ? 1 : 0), max: limit(sys, p) };
}

function limit(sys: System, p: ParamSpec): number {
  if (p.max) return p.max(sys);
  const sc = sys.scenario;
  switch (p.kind as ParamKind) {
    case 'domain': return sc.domains.length - 1;
    case 'device': return sc.devices.length - 1;
    case 'page': return sc.pages - 1;
    case 'pages': return sc.pages;
    case 'phys': return sc.phys - 1;
    case 'instance': return sc.instances.length - 1;
    case 'count': return 64;
    case 'value': return 1 << 20;
    default: throw new Error(`parameter ${p.name} of kind ${p.kind} needs a max()`);
  }
}

function parseCall(call: OpCallSpec, where: string): { name: string; def: OpDef; raw: unknown[] } {
  let name: unknown;
  let raw: unknown[];
  if (Array.isArray(call)) [name, ...raw] = call;
  else if (call && typeof call === 'object') name = call.op;
  else throw new ScenarioError(`${where}: expected ["op", args...] or {"op": ...}, got ${JSON.stringify(call)}`);
  if (typeof name !== 'string') throw new ScenarioError(`${where}: missing operation name`);
  const def = findOp(name);
  if (!def) throw new ScenarioError(`${where}: unknown operation '${name}' (see 'iommu-check list ops')`);
  if (!Array.isArray(call)) {
    const o = call as Record<string, unknown>;
    for (const k of Object.keys(o)) if (k !== 'op' && !def.params.some((p) => p.name === k))
      throw new ScenarioError(`${where}: ${name} has no parameter '${k}' (it takes ${def.params.map((p) => p.name).join(', ') || 'none'})`);
    raw = def.params.map((p) => o[p.name]);
  }
  return { name, def, raw: raw! };
}

/** Compile one call (composite ops expand into several compiled ops). */
export function compileCall(sys: System, call: OpCallSpec, where: string, cache: Map<string, StepDef[]>): CompiledOp[] {
  const { name, def, raw } = parseCall(call, where);
  const owner = allSubsystems().find((x) => x.name === def.subsystem);
  if (owner?.section && sys.scenario[owner.section] === undefined)
    throw new ScenarioError(`${where}: ${name} belongs to the ${owner.name} subsystem, but this scenario has no '${owner.section}' section`);
  if (raw.length !== def.params.length)
    throw new ScenarioError(`${where}: ${name} takes ${def.params.length} arguments (${def.params.map((p) => p.name).join(', ')}), got ${raw.length}`);
  const args = def.params.map((p, i) => {
    const v = raw[i];
    const { min, max } = paramRange(sys, p);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      throw new ScenarioError(`${where}: ${name} ${p.name} must be an integer ${min}..${max} in this scenario, got ${JSON.stringify(v)}`);
    return v;
  });
  const pagesAt = def.params.findIndex((p) => p.kind === 'pages');
  if (pagesAt > 0 && args[pagesAt - 1] + args[pagesAt] > sys.scenario.pages)
    throw new ScenarioError(`${where}: ${name} runs past the domain's ${sys.scenario.pages} pages`);
  if (def.expand) return def.expand(args).flatMap((sub) => compileCall(sys, [sub.op, ...sub.args], where, cache));
  let steps = cache.get(name);
  if (!steps) {
    if (!def.build) throw new Error(`operation ${name} has neither steps nor an expansion`);
    steps = def.build(sys);
    cache.set(name, steps);
  }
  const text = `${name}(${def.params.map((p, i) => `${p.name}=${args[i]}`).join(', ')})`;
  return [{ def, args, steps, text }];
}
