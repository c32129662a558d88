// Owns the counterexample file: scenario (embedded in full, so it replays even if the built-in changes),
// variants, the violation and the schedule that reaches it, plus the readable trace; and its validation.
import { readFileSync } from 'node:fs';
import type { Violation } from '../model/model';
import type { ScenarioSpec } from '../model/scenario';
import { validateScenario } from '../model/scenario';
import { UsageError } from '../model/variants';
import type { Schedule, TraceStep, Counterexample } from '../result/format';
import { COUNTEREXAMPLE_FORMAT, COUNTEREXAMPLE_VERSION } from '../result/format';
import { loadedModules, originOf, type ModuleRef } from '../model/origin';

export const FORMAT = COUNTEREXAMPLE_FORMAT;
export const VERSION = COUNTEREXAMPLE_VERSION;
export type { Counterexample };

export class CounterexampleError extends UsageError {}

/** What a counterexample shows around its trace (a replay's prologue, initial and violating states). */
export type Shown = Pick<Counterexample, 'prologue' | 'initial' | 'final'>;

export function makeCounterexample(scenario: ScenarioSpec, variants: readonly string[], violation: Violation | null,
  schedule: Schedule, trace: TraceStep[], foundBy?: string, invariants?: readonly string[], shown?: Shown): Counterexample {
  const modules = modulesFor(scenario, variants, violation);
  return { format: FORMAT, version: VERSION, scenario, variants: [...variants], violation, schedule, trace, ...(foundBy ? { foundBy } : {}),
    ...(invariants ? { invariants: [...invariants] } : {}), ...(modules.length ? { modules } : {}),
    ...(shown ? { prologue: shown.prologue, initial: shown.initial, final: shown.final } : {}) };
}

/** The loaded modules that defined the scenario, a variant, an operation it calls or the violated invariant. */
function modulesFor(scenario: ScenarioSpec, variants: readonly string[], violation: Violation | null): ModuleRef[] {
  if (loadedModules().length === 0) return [];
  const refs = [originOf('scenario', scenario.name), ...variants.map((v) => originOf('variant', v)),
    violation ? originOf('invariant', violation.invariant) : undefined];
  const calls = [...(scenario.setup ?? []), ...scenario.threads.flatMap((t) => t.ops)];
  for (const call of calls) {
    const name = Array.isArray(call) ? call[0] : call.op;
    if (typeof name === 'string') refs.push(originOf('operation', name));
  }
  return [...new Set(refs.filter((r): r is ModuleRef => r !== undefined))];
}

/** Every module a counterexample needs is loaded, with the content it was recorded with. */
export function checkModules(cx: Counterexample, file: string): void {
  for (const need of cx.modules ?? []) {
    const have = loadedModules().find((m) => m.sha256 === need.sha256);
    if (have) continue;
    const same = loadedModules().find((m) => m.path === need.path);
    if (same) throw new CounterexampleError(`${file}: module ${need.path} has changed since this counterexample was recorded (sha256 ${need.sha256.slice(0, 12)}..., loaded ${same.sha256.slice(0, 12)}...)`);
    throw new CounterexampleError(`${file}: recorded with module ${need.path} (sha256 ${need.sha256.slice(0, 12)}...): replay it with --load ${need.path}`);
  }
}

export function parseCounterexample(text: string, file: string): Counterexample {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CounterexampleError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const bad = (what: string): never => {
    throw new CounterexampleError(`${file}: not a counterexample: ${what}`);
  };
  if (typeof raw !== 'object' || raw === null) bad('expected a JSON object');
  const o = raw as Record<string, unknown>;
  if (o.format === undefined && Array.isArray(o.threads) && typeof o.name === 'string')
    throw new CounterexampleError(`${file}: this is a scenario, not a counterexample: use \`iommu-check explore -f ${file}\``);
  if (o.format !== FORMAT) bad(`"format" must be "${FORMAT}"`);
  if (o.version === 1)
    bad('version 1 was recorded before steps were split at shared accesses, so its schedule no longer replays: find it again (npm run corpus:refresh for corpus/)');
  if (o.version !== VERSION) bad(`unsupported version ${JSON.stringify(o.version)} (this build reads ${VERSION})`);
  if (o.modules !== undefined && (!Array.isArray(o.modules) || !o.modules.every((m) => m && typeof m.path === 'string' && typeof m.sha256 === 'string')))
    bad('"modules" must be a list of {path, sha256}');
  if (o.invariants !== undefined && (!Array.isArray(o.invariants) || !o.invariants.every((v) => typeof v === 'string')))
    bad('"invariants" must be a list of invariant ids');
  if (!Array.isArray(o.variants) || !o.variants.every((v) => typeof v === 'string')) bad('"variants" must be a list of names');
  if (!Array.isArray(o.schedule) || !o.schedule.every((p) => Array.isArray(p) && p.length === 2 && p.every(Number.isInteger)))
    bad('"schedule" must be a list of [actor, choice] integer pairs');
  const v = o.violation;
  if (v !== null && (typeof v !== 'object' || typeof (v as Violation).invariant !== 'string')) bad('"violation" must be null or {invariant, message}');
  let scenario: ScenarioSpec;
  try {
    scenario = validateScenario(o.scenario);
  } catch (e) {
    throw new CounterexampleError(`${file}: ${(e as Error).message}`);
  }
  return { ...(o as unknown as Counterexample), scenario };
}

export function loadCounterexample(file: string): Counterexample {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CounterexampleError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseCounterexample(text, file);
}
