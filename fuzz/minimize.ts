// Owns minimizing a fuzz counterexample after fast-check's shrinking: greedily drop whole threads and single
// operations, run two threads' calls in one, drop set-up calls and the speculative walker, while the explorer's
// breadth-first search still reaches a violation of the same invariant first; the search's schedule is a
// shortest one. The result is the fewest threads, operations and steps this greedy pass reaches, as a
// replayable counterexample.
import { buildModel, type Violation } from '../src/model/model';
import { validateScenario, type ScenarioSpec } from '../src/model/scenario';
import { UsageError } from '../src/model/variants';
import { exploreBfs } from '../src/explorer/bfs';
import type { Schedule } from '../src/result/format';
import { replaySchedule } from '../src/explorer/trace';
import { makeCounterexample, type Counterexample } from '../src/explorer/counterexample';
import { applyContracts } from './contracts';

export interface MinimizeOptions {
  /** states each breadth-first search may visit (default 50000) */
  stateBudget?: number;
  /** candidate scenarios to try at most (default 200) */
  maxAttempts?: number;
}

export interface Minimized {
  counterexample: Counterexample;
  /** candidate scenarios tried */
  attempts: number;
  /** the schedule is a shortest one for the final scenario (the breadth-first search reached it) */
  shortest: boolean;
}

export interface CaseSize {
  threads: number;
  ops: number;
  setup: number;
  steps: number;
}

export function sizeOf(sc: ScenarioSpec, schedule: Schedule): CaseSize {
  return { threads: sc.threads.length, ops: sc.threads.reduce((a, t) => a + t.ops.length, 0), setup: sc.setup?.length ?? 0, steps: schedule.length };
}

/** Threads renamed t0, t1... in order, so that equal programs give equal traces. */
function canonical(sc: ScenarioSpec): ScenarioSpec {
  return { ...sc, threads: sc.threads.map((t, i) => ({ name: `t${i}`, ops: t.ops })) };
}

function candidates(sc: ScenarioSpec): ScenarioSpec[] {
  const out: ScenarioSpec[] = [];
  const T = sc.threads.length;
  for (let i = T - 1; i >= 0 && T > 1; i--) out.push({ ...sc, threads: sc.threads.filter((_, k) => k !== i) });
  for (let i = T - 1; i >= 0; i--) {
    const ops = sc.threads[i].ops;
    for (let j = ops.length - 1; j >= 0 && ops.length > 1; j--)
      out.push({ ...sc, threads: sc.threads.map((t, k) => (k === i ? { ...t, ops: ops.filter((_, x) => x !== j) } : t)) });
  }
  // fewer threads: run one thread's calls after another's, when the caller contracts still hold
  for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) {
    if (i === j) continue;
    const merged = { ...sc, threads: sc.threads.flatMap((t, k) => (k === j ? [] : k === i ? [{ ...t, ops: [...t.ops, ...sc.threads[j].ops] }] : [t])) };
    if (merged.threads.every((t) => t.ops.length <= 32) && JSON.stringify(applyContracts(merged).threads) === JSON.stringify(merged.threads)) out.push(merged);
  }
  const setup = sc.setup ?? [];
  for (let j = setup.length - 1; j >= 0; j--) out.push({ ...sc, setup: setup.filter((_, x) => x !== j) });
  if (sc.speculativeWalker) out.push({ ...sc, speculativeWalker: false });
  return out.map(canonical);
}

export function minimize(scenario: ScenarioSpec, variants: readonly string[], violation: Violation, schedule: Schedule,
  foundBy: string, opts: MinimizeOptions = {}): Minimized {
  const budget = opts.stateBudget ?? 50_000;
  const maxAttempts = opts.maxAttempts ?? 200;
  let attempts = 0;
  const reproduce = (sc: ScenarioSpec): { scenario: ScenarioSpec; schedule: Schedule; violation: Violation } | null => {
    attempts++;
    let valid: ScenarioSpec;
    let m;
    try {
      valid = validateScenario(sc);
      m = buildModel(valid, variants);
    } catch (e) {
      if (e instanceof UsageError) return null; // e.g. a set-up that now blocks, a section that needs a thread
      throw e;
    }
    const r = exploreBfs(m, { maxStates: budget });
    return r.violation?.invariant === violation.invariant && r.schedule ? { scenario: valid, schedule: r.schedule, violation: r.violation } : null;
  };
  let best = reproduce(canonical(scenario));
  let shortest = best !== null;
  let current = best?.scenario ?? canonical(scenario);
  let improved = true;
  while (improved && attempts < maxAttempts) {
    improved = false;
    for (const cand of candidates(current)) {
      if (attempts >= maxAttempts) break;
      const r = reproduce(cand);
      if (r) {
        best = r;
        current = r.scenario;
        improved = true;
        shortest = true;
        break;
      }
    }
  }
  const final = best ?? { scenario: canonical(scenario), schedule, violation };
  const m = buildModel(final.scenario, variants);
  const replayed = replaySchedule(m, final.schedule);
  if (replayed.violation?.invariant !== violation.invariant)
    throw new Error(`minimized case does not replay: wanted ${violation.invariant}, got ${replayed.violation?.invariant ?? 'no violation'}`);
  const sched = final.schedule.slice(0, replayed.executed);
  return {
    counterexample: makeCounterexample(final.scenario, variants, replayed.violation, sched, replayed.steps, foundBy, undefined, replayed),
    attempts, shortest,
  };
}
