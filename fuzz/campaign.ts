// Owns a fuzzing campaign: fast-check properties over generated cases, run in chunks of runs with seeds
// derived from (seed, shard, chunk) so that a seed and a run bound give the same result every time; stops at
// the run bound, the time budget, an outside stop request (SIGINT) or the first violation, which fast-check
// shrinks (keeping the same invariant) and minimize() then reduces to a shortest replayable counterexample.
// A stopped campaign returns where it stood between chunks (CampaignState), from which it resumes exactly.
import fc from 'fast-check';
import { Coverage, type CoverageReport, type CoverageSnapshot } from './coverage';
import { buildModel, type Violation } from '../src/model/model';
import type { ScenarioSpec } from '../src/model/scenario';
import { UsageError, VariantSet } from '../src/model/variants';
import { attribution } from './attribution';
import type { Schedule } from '../src/result/format';
import type { Counterexample } from '../src/result/format';
import { drawWeights, scenariosFor, templatesOf } from './templates';
import { caseArb, variantsArb, type CaseShape, type FuzzCase } from './arbitraries';
import { execute, DEFAULT_MAX_STEPS } from './execute';
import { minimize, sizeOf, type CaseSize, type MinimizeOptions } from './minimize';
import { nowMs } from '../src/explorer/clock';

export interface Shard {
  /** 0-based */
  index: number;
  count: number;
}

export interface CampaignOptions extends CaseShape {
  /** the scenarios whose configuration, set-up and sections serve as templates (narrowed to those the given
   * variants act on: scenariosFor) */
  scenarios: readonly ScenarioSpec[];
  /** run exactly these variants; without them, each run draws one correct variant per slot */
  variants?: readonly string[];
  seed: number;
  shard?: Shard;
  /** stop after this many runs */
  runs?: number;
  /** stop after this many milliseconds (checked between chunks) */
  timeMs?: number;
  /** steps one run may take (default 2000) */
  maxSteps?: number;
  /** runs per fast-check call (default 100); part of what a seed means, like the seed itself */
  chunk?: number;
  /** property evaluations fast-check's shrinking may use (default 3000) */
  shrinkBudget?: number;
  minimize?: MinimizeOptions;
  /** polled between chunks: true stops the campaign with its results kept (and `resumeFrom` to go on) */
  shouldStop?: () => boolean;
  /** go on from where a stopped campaign with the same options was (its result's resumeFrom) */
  resume?: CampaignState;
  onProgress?: (p: Progress) => void;
}

export interface Progress {
  runs: number;
  ms: number;
  runsPerSec: number;
}

export interface Finding {
  violation: Violation;
  template: string;
  variants: string[];
  /** runs until the violation was met (the failing run included) */
  runsToFind: number;
  msToFind: number;
  /** the first failing case, after fast-check's shrinking, and after minimize() */
  found: CaseSize;
  shrunk: CaseSize;
  minimized: CaseSize;
  numShrinks: number;
  minimizeAttempts: number;
  shrinkMs: number;
  counterexample: Counterexample;
}

/**
 * Where a campaign stopped between chunks: the next chunk and everything counted so far. Chunk c's seed is
 * chunkSeed(seed, shard, c), so a campaign resumed from here runs exactly the chunks the uninterrupted one would.
 */
export interface CampaignState {
  chunk: number;
  runs: number;
  invalid: number;
  truncated: number;
  /** milliseconds the campaign ran so far (a time budget goes on from there) */
  ms: number;
  unattributed: CampaignResult['unattributed'];
  coverage: CoverageSnapshot;
}

export interface CampaignResult {
  seed: number;
  shard: Shard;
  runs: number;
  /** runs whose generated scenario did not build (counted in runs) */
  invalid: number;
  /** runs stopped by the step bound with something still enabled (counted in runs) */
  truncated: number;
  ms: number;
  runsPerSec: number;
  stoppedBy: 'runs' | 'time' | 'stop' | 'violation' | 'crash';
  finding?: Finding;
  /**
   * violations met with faulty variants whose minimized program also fails (or was not proved clean) under the
   * correct variants: not the faulty variant's doing (a caller contract missing, or a bug of the correct model)
   */
  unattributed: { invariant: string; correctRun: string; runs: number; counterexample: Counterexample }[];
  /** the model threw on a generated case: a bug in a step, reported with the case */
  crash?: { error: string; case: FuzzCase };
  /** what the runs covered (coverage.ts); shrinking's re-runs not counted */
  coverage: CoverageReport;
  /** stopped by an outside request: where to continue (CampaignOptions.resume) */
  resumeFrom?: CampaignState;
}

/** A 32-bit seed for (seed, shard, chunk): murmur3's finalizer over the three mixed together. */
export function chunkSeed(seed: number, shard: number, chunk: number): number {
  let h = (seed ^ Math.imul(shard + 1, 0x9e3779b1) ^ Math.imul(chunk + 1, 0x85ebca6b)) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

export async function runCampaign(o: CampaignOptions): Promise<CampaignResult> {
  if (o.variants) new VariantSet(o.variants); // unknown names or two in one slot: a usage error now
  const shard = o.shard ?? { index: 0, count: 1 };
  const scenarios = scenariosFor(o.variants, o.scenarios);
  if (scenarios.length === 0 && o.scenarios.length > 0) throw new UsageError(`no scenario given has the section the variants ${o.variants!.join(', ')} act on`);
  const weights = drawWeights(o.variants, scenarios);
  const templates = scenarios.flatMap((sc, i) => templatesOf(sc).map((template) => ({ name: sc.name, template, weight: weights[i] })));
  if (templates.length === 0) throw new UsageError('no scenario to fuzz');
  const arb = caseArb(templates, variantsArb(o.variants), o);
  const chunk = o.chunk ?? 100;
  const maxSteps = o.maxSteps ?? DEFAULT_MAX_STEPS;
  const shrinkBudget = o.shrinkBudget ?? 3000;
  const from = o.resume;
  const t0 = nowMs() - (from?.ms ?? 0);
  let runs = from?.runs ?? 0, invalid = from?.invalid ?? 0, truncated = from?.truncated ?? 0;
  const unattributed: CampaignResult['unattributed'] = from ? [...from.unattributed] : [];
  const elapsed = () => nowMs() - t0;
  const coverage = from ? Coverage.from(from.coverage) : new Coverage();
  const progress = (): Progress => ({ runs, ms: Math.round(elapsed()), runsPerSec: Math.round((runs / Math.max(elapsed(), 1)) * 1000) });
  const done = (stoppedBy: CampaignResult['stoppedBy'], extra: Partial<CampaignResult> = {}): CampaignResult =>
    ({ seed: o.seed, shard, invalid, truncated, ...progress(), stoppedBy, unattributed, coverage: coverage.report(elapsed()), ...extra });

  for (let c = from?.chunk ?? 0; ; c++) {
    if (o.runs !== undefined && runs >= o.runs) return done('runs');
    if (o.timeMs !== undefined && elapsed() >= o.timeMs) return done('time');
    if (o.shouldStop?.()) {
      const ms = Math.round(elapsed());
      return done('stop', { resumeFrom: { chunk: c, runs, invalid, truncated, ms, unattributed: [...unattributed], coverage: coverage.snapshot() } });
    }
    // state of one chunk: the first violation fixes the invariant that shrinking must keep
    let target: string | null = null;
    let shrinkCalls = 0;
    let first: { c: FuzzCase; schedule: Schedule; runs: number; ms: number } | null = null;
    let last: { c: FuzzCase; violation: Violation; schedule: Schedule } | null = null;
    const prop = fc.property(arb, (drawn) => {
      if (target !== null && ++shrinkCalls > shrinkBudget) return true;
      let m;
      try {
        m = buildModel(drawn.scenario, drawn.variants);
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        if (target === null) {
          runs++;
          invalid++;
        }
        return true;
      }
      const out = execute(m, drawn.schedule, maxSteps, target === null ? coverage : undefined);
      if (target === null) {
        runs++;
        if (out.truncated) truncated++;
      }
      if (!out.violation) return true;
      if (target === null) {
        target = out.violation.invariant;
        first = { c: drawn, schedule: out.schedule, runs, ms: elapsed() };
      } else if (out.violation.invariant !== target) return true;
      last = { c: drawn, violation: out.violation, schedule: out.schedule };
      return false;
    });
    const n = o.runs !== undefined ? Math.min(chunk, o.runs - runs) : chunk;
    const seed = chunkSeed(o.seed, shard.index, c);
    const res = fc.check(prop, { seed, numRuns: n });
    o.onProgress?.(progress());
    if (res.failed && target === null) {
      const error = res.errorInstance instanceof Error ? res.errorInstance.stack ?? res.errorInstance.message : String(res.errorInstance);
      return done('crash', { crash: { error, case: res.counterexample![0] as FuzzCase } });
    }
    if (res.failed && first && last) {
      const f = first as { c: FuzzCase; schedule: Schedule; runs: number; ms: number };
      const l = last as { c: FuzzCase; violation: Violation; schedule: Schedule };
      const foundBy = `fuzz --seed ${o.seed} --shard ${shard.index + 1}/${shard.count}: chunk ${c} (seed ${seed}), run ${f.runs}, ${l.c.schedule.kind} scheduler`;
      const min = minimize(l.c.scenario, l.c.variants, l.violation, l.schedule, foundBy, o.minimize);
      const cx = min.counterexample;
      const against = attribution(cx, o.minimize?.stateBudget);
      if (against !== 'faulty-only' && against !== 'no-faulty-variant') {
        unattributed.push({ invariant: cx.violation!.invariant, correctRun: against, runs: f.runs, counterexample: cx });
        await tick();
        continue;
      }
      return done('violation', {
        finding: {
          violation: cx.violation!, template: l.c.template, variants: l.c.variants, runsToFind: f.runs, msToFind: Math.round(f.ms),
          found: sizeOf(f.c.scenario, f.schedule), shrunk: sizeOf(l.c.scenario, l.schedule), minimized: sizeOf(cx.scenario, cx.schedule),
          numShrinks: res.numShrinks, minimizeAttempts: min.attempts, shrinkMs: Math.round(elapsed() - f.ms), counterexample: cx,
        },
      });
    }
    await tick();
  }
}
