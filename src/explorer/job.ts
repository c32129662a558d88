// Owns one exploration job (a scenario under a set of variants): search, then shorten a counterexample
// with a bounded breadth-first search, then replay it into a readable trace.
import { buildModel, type Model } from '../model/model';
import type { ScenarioSpec } from '../model/scenario';
import { exploreDfs } from './dfs';
import { exploreBfs } from './bfs';
import type { ExploreOptions, ExploreResult } from './result';
import { replaySchedule } from './trace';
import { makeCounterexample, type Counterexample } from './counterexample';

export interface JobSpec {
  scenario: ScenarioSpec;
  variants: string[];
  /** the verdict the job should have: 'clean' for correct variants, an invariant id for a faulty one */
  expect?: string;
}

export interface JobOptions extends ExploreOptions {
  strategy?: 'dfs' | 'bfs';
  /** states the breadth-first shortening may visit (default 200000; 0 = keep the first trace) */
  shortenBudget?: number;
  invariants?: readonly string[];
}

export interface JobResult extends ExploreResult {
  scenario: string;
  variants: string[];
  expect?: string;
  counterexample?: Counterexample;
}

export function runJob(job: JobSpec, opts: JobOptions = {}): JobResult {
  const m = buildModel(job.scenario, job.variants, opts.invariants);
  let r = opts.strategy === 'bfs' ? exploreBfs(m, opts) : exploreDfs(m, opts);
  const out: JobResult = { scenario: job.scenario.name, variants: job.variants, ...(job.expect ? { expect: job.expect } : {}), ...r };
  if (!r.violation || !r.schedule) return out;
  let foundBy = opts.strategy === 'bfs' ? 'explore/bfs (shortest)' : 'explore/dfs';
  const budget = opts.shortenBudget ?? 200_000;
  if (opts.strategy !== 'bfs' && budget > 0 && r.schedule.length > 1) {
    const b = exploreBfs(m, { ...opts, maxStates: budget, maxDepth: r.schedule.length });
    if (b.violation?.invariant === r.violation.invariant && b.schedule && b.schedule.length <= r.schedule.length) {
      r = { ...r, violation: b.violation, schedule: b.schedule };
      foundBy = 'explore/dfs, shortened by bfs';
    }
  }
  out.violation = r.violation;
  out.schedule = r.schedule;
  out.counterexample = counterexampleOf(m, job, r, foundBy);
  return out;
}

function counterexampleOf(m: Model, job: JobSpec, r: ExploreResult, foundBy: string): Counterexample {
  const replayed = replaySchedule(m, r.schedule!);
  return makeCounterexample(job.scenario, job.variants, r.violation!, r.schedule!, replayed.steps, foundBy);
}

/** Did the job end as expected (clean for a correct run, caught by the named invariant for a faulty one)? */
export function metExpectation(r: JobResult): boolean | undefined {
  if (!r.expect) return undefined;
  if (r.expect === 'clean') return r.verdict === 'clean';
  return r.violation?.invariant === r.expect;
}
