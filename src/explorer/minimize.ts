// Owns the counterexample minimizer: removes whole threads, then single operations (from threads and the
// set-up), then single steps of the schedule, keeping each removal only while the same invariant is still
// violated on replay (re-finding a schedule by a small breadth-first search when a removal breaks it).
// The result is a smaller scenario + schedule in the ordinary counterexample format.
import { buildModel, buildModelLike, type Model, type Violation } from '../model/model';
import { validateScenario } from '../model/scenario';
import type { ScenarioSpec } from '../model/scenario';
import type { Schedule } from './result';
import { replayVerdict } from './trace';
import { exploreBfs } from './bfs';

export interface Minimized {
  scenario: ScenarioSpec;
  schedule: Schedule;
  violation: Violation;
  removed: { threads: number; ops: number; steps: number };
  /** the model of the smaller scenario (its trace is replayed on it) */
  model: Model;
}

/** Does the schedule, on this scenario, still reach a violation of `invariant`? Returns the prefix that does. */
function stillFails(m: Model, schedule: Schedule, invariant: string): { schedule: Schedule; violation: Violation } | null {
  try {
    const r = replayVerdict(m, schedule);
    if (r.violation?.invariant === invariant) return { schedule: schedule.slice(0, r.executed), violation: r.violation };
  } catch {
    // a step is no longer enabled
  }
  return null;
}

/** `like`: the current scenario's model, when sc differs from it in operations and set-up only (its System is shared). */
function tryScenario(sc: ScenarioSpec, variants: readonly string[], schedule: Schedule, invariant: string, budget: number, invariants?: readonly string[],
  like?: Model): { m: Model; schedule: Schedule; violation: Violation } | null {
  let m: Model;
  try {
    const valid = validateScenario(sc);
    m = like ? buildModelLike(like, valid, invariants) : buildModel(valid, variants, invariants);
  } catch {
    return null; // the smaller scenario is not valid (a section names a removed thread, the set-up now blocks...)
  }
  const direct = stillFails(m, schedule, invariant);
  if (direct) return { m, ...direct };
  if (budget <= 0) return null;
  const b = exploreBfs(m, { maxStates: budget });
  if (b.violation?.invariant === invariant && b.schedule) return { m, schedule: b.schedule, violation: b.violation };
  return null;
}

/** `invariants`: the ones checked when the violation was found (absent: all that apply). */
export function minimize(scenario: ScenarioSpec, variants: readonly string[], schedule: Schedule, violation: Violation, budget = 20_000,
  invariants?: readonly string[]): Minimized {
  const inv = violation.invariant;
  let sc: ScenarioSpec = structuredClone(scenario);
  let sched = schedule.slice();
  let v = violation;
  const removed = { threads: 0, ops: 0, steps: 0 };
  /** the model of `sc` (built once per scenario kept: a model build is most of a short run's start-up) */
  let model: Model | null = null;
  const current = (): Model => (model ??= buildModel(sc, variants, invariants));
  /** Keep the smaller scenario when the violation still replays on it (`sameThreads`: only operations were removed). */
  const attempt = (cand: ScenarioSpec, cs: Schedule, sameThreads = false): boolean => {
    const r = tryScenario(cand, variants, cs, inv, budget, invariants, sameThreads ? current() : undefined);
    if (!r) return false;
    sc = cand;
    model = r.m;
    sched = r.schedule;
    v = r.violation;
    return true;
  };

  // 1. whole threads (actor numbers above the removed thread shift down by one)
  for (let t = sc.threads.length - 1; t >= 0 && sc.threads.length > 1; t--) {
    const cand: ScenarioSpec = { ...sc, threads: sc.threads.filter((_, k) => k !== t) };
    const cs: Schedule = sched.filter(([a]) => a !== t).map(([a, c]) => [a > t ? a - 1 : a, c]);
    if (attempt(cand, cs)) removed.threads++;
  }
  // 2. single operations of each thread: drop the op and the schedule steps it took
  for (let t = 0; t < sc.threads.length; t++) {
    for (let k = sc.threads[t].ops.length - 1; k >= 0; k--) {
      const owner = opOfEachStep(current(), sched, t);
      const ops = sc.threads[t].ops.filter((_, j) => j !== k);
      const cand: ScenarioSpec = { ...sc, threads: sc.threads.map((th, j) => (j === t ? { ...th, ops } : th)) };
      // compiled ops may expand (unmap_sync = unmap + iotlb_sync): compare by call index via the expansion map
      const cs = sched.filter((_, n) => owner[n] !== k);
      if (attempt(cand, cs, true)) removed.ops++;
    }
  }
  for (let k = (sc.setup ?? []).length - 1; k >= 0; k--) {
    const cand: ScenarioSpec = { ...sc, setup: sc.setup!.filter((_, j) => j !== k) };
    if (attempt(cand, sched, true)) removed.ops++;
  }
  // 3. single steps, last first
  const m = current();
  for (let n = sched.length - 1; n >= 0; n--) {
    const cs = sched.filter((_, j) => j !== n);
    const r = stillFails(m, cs, inv);
    if (r) {
      removed.steps += sched.length - r.schedule.length;
      sched = r.schedule;
      v = r.violation;
      n = Math.min(n, sched.length);
    }
  }
  return { scenario: sc, schedule: sched, violation: v, removed, model: m };
}

/** For each schedule step: the index of the scenario call (of thread t) it belongs to, or -1. */
function opOfEachStep(m: Model, schedule: Schedule, t: number): number[] {
  const callOf = m.callIndexOfOp(t);
  let s = m.initial();
  return schedule.map(([a, c]) => {
    const k = a === t ? callOf[s[m.sys.opIndex(t)]] ?? -1 : -1;
    s = m.apply(s, a, c);
    return k;
  });
}
