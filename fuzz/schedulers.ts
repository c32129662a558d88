// Owns the fuzzer's schedulers: which enabled (actor, choice) pair of the model runs next.
// - walk: a random walk driven by a list of choices (step k takes enabled pair choices[k] mod n; past the
//   end of the list, the first enabled pair, i.e. the lowest thread). Shrinking the list toward shorter and
//   smaller values yields schedules with fewer context switches.
// - pct: Probabilistic Concurrency Testing (Burckhardt et al., ASPLOS 2010). Every actor (thread or hardware
//   actor) gets a distinct priority d..d+n-1; d-1 change points k_1..k_{d-1} are drawn in 1..K; the
//   highest-priority enabled actor runs, and at step k_i the actor about to run drops to priority i. For a
//   program of n actors and at most K steps, one run finds a given bug of depth d (d ordering constraints)
//   with probability at least 1 / (n * K^(d-1)).
import fc from 'fast-check';
import type { Model, StepList } from '../src/model/model';

export type ScheduleSpec =
  | { kind: 'walk'; choices: number[] }
  | { kind: 'pct'; depth: number; priorities: number[]; changes: number[]; choices: number[] };

export interface Scheduler {
  /** index k of the pair (enabled[2k], enabled[2k+1]) to run at this step */
  pick(enabled: StepList, step: number): number;
}

/** The largest bug depth the PCT arbitrary draws (d = 1: no change point, a priority order only). */
export const MAX_PCT_DEPTH = 3;

const choice = fc.nat({ max: 0xffff });

export function scheduleArb(): fc.Arbitrary<ScheduleSpec> {
  const walk = fc.record({ kind: fc.constant('walk' as const), choices: fc.array(choice, { maxLength: 200 }) });
  const pct = fc.record({
    kind: fc.constant('pct' as const),
    depth: fc.integer({ min: 1, max: MAX_PCT_DEPTH }),
    priorities: fc.array(fc.nat({ max: 255 }), { maxLength: 16 }),
    changes: fc.array(choice, { minLength: MAX_PCT_DEPTH - 1, maxLength: MAX_PCT_DEPTH - 1 }),
    choices: fc.array(choice, { maxLength: 32 }),
  });
  return fc.oneof(walk, pct);
}

/** K for PCT's change points: twice the atomic steps of every thread's program (hardware steps included roughly). */
export function stepEstimate(m: Model): number {
  let k = 0;
  for (const prog of m.programs) for (const op of prog) k += op.steps.length;
  return Math.max(1, 2 * k);
}

export function schedulerFor(spec: ScheduleSpec, m: Model): Scheduler {
  return spec.kind === 'walk' ? walkScheduler(spec.choices) : pctScheduler(spec, m.actors, stepEstimate(m));
}

function walkScheduler(choices: readonly number[]): Scheduler {
  return { pick: (enabled, step) => (step < choices.length ? choices[step] % (enabled.length >> 1) : 0) };
}

function pctScheduler(spec: Extract<ScheduleSpec, { kind: 'pct' }>, actors: number, k: number): Scheduler {
  const d = spec.depth;
  // rank actors by drawn priority (ties: lower index first); the best gets d + n - 1
  const order = Array.from({ length: actors }, (_, a) => a)
    .sort((a, b) => (spec.priorities[b] ?? 0) - (spec.priorities[a] ?? 0) || a - b);
  const prio = new Array<number>(actors);
  order.forEach((a, rank) => (prio[a] = d + actors - 1 - rank));
  const changeAt = new Map<number, number>(); // step -> the priority (1..d-1) given at that change point
  for (let i = 0; i < d - 1; i++) {
    const at = spec.changes[i] % k; // 0-based step index of change point i+1
    if (!changeAt.has(at)) changeAt.set(at, i + 1);
  }
  const highest = (enabled: StepList): number => {
    let best = -1;
    for (let j = 0; j < enabled.length; j += 2) if (best < 0 || prio[enabled[j]] > prio[best]) best = enabled[j];
    return best;
  };
  return {
    pick(enabled, step) {
      let a = highest(enabled);
      const lowered = changeAt.get(step);
      if (lowered !== undefined) {
        prio[a] = lowered;
        a = highest(enabled);
      }
      // an actor with several enabled choices (a walker's prefetches): pick one from the choice list
      let first = -1, count = 0;
      for (let j = 0; j < enabled.length; j += 2) if (enabled[j] === a) {
        if (first < 0) first = j >> 1;
        count++;
      }
      return first + (count > 1 && step < spec.choices.length ? spec.choices[step] % count : 0);
    },
  };
}
