// Owns traces: re-executing a schedule on the model, step by step, naming each step's thread, operation,
// atomic step, the shared fields it changed (as text and as data) and what a completed operation returned;
// with the prologue, the state it starts from and the violating state (states.ts).
import type { Model, Violation } from '../model/model';
import type { FieldValue, Schedule, TraceStep } from '../result/format';
import { deadlockIn } from './deadlock';
import { finalState, prologueOf, touchedSlots, valuesOf } from './states';

export type { TraceStep } from '../result/format';
export { formatTrace } from '../result/format';

export interface Replayed {
  steps: TraceStep[];
  /** the first violation met while replaying (a deadlock counts at the end) */
  violation: Violation | null;
  /** the schedule prefix actually executed up to the violation */
  executed: number;
  /** the scenario's set-up in words */
  prologue: string[];
  /** the state the trace starts from: the fields it touches */
  initial: FieldValue[];
  /** the state it ends in: the fields it touched and those the violated invariant read (marked) */
  final: FieldValue[];
}

/** What a replay shows besides the steps: ghosts (hidden unless asked for). */
export interface TraceOptions {
  ghosts?: boolean;
}

export class ScheduleError extends Error {}

/** Re-executes a schedule exactly; stops at the first violation. Throws ScheduleError if a step is not enabled. */
export function replaySchedule(m: Model, schedule: Schedule, deadlock = true, opts: TraceOptions = {}): Replayed {
  const steps: TraceStep[] = [];
  const states: Int32Array[] = [];
  const { violation, first, last } = walkSchedule(m, schedule, deadlock, (k, s, n, actor, choice) => {
    const ret = m.completedReturn(s, n, actor);
    steps.push({ n: k + 1, ...m.label(s, actor, choice), changes: m.changes(s, n, opts.ghosts), diff: m.fieldChanges(s, n), ...(ret !== null ? { returned: ret } : {}) });
    states.push(n);
  });
  states.unshift(first);
  const touched = touchedSlots(m, states);
  return { steps, violation, executed: steps.length, prologue: prologueOf(m, opts.ghosts), initial: valuesOf(m, states[0], touched),
    final: finalState(m, last, touched, violation) };
}

/** Only the verdict of a replay (the minimizer's many tries): the first violation and how many steps ran. */
export function replayVerdict(m: Model, schedule: Schedule, deadlock = true): { violation: Violation | null; executed: number } {
  let executed = 0;
  const { violation } = walkSchedule(m, schedule, deadlock, () => void executed++);
  return { violation, executed };
}

/** Runs the schedule from the initial state, telling onStep of each step (its index, the states before and after,
 * the actor and choice), until a violation (a deadlock at the end counts); the first and last states. */
function walkSchedule(m: Model, schedule: Schedule, deadlock: boolean,
  onStep: (k: number, before: Int32Array, after: Int32Array, actor: number, choice: number) => void): { violation: Violation | null; first: Int32Array; last: Int32Array } {
  const first = m.initial();
  let s = first;
  let violation = m.check(s);
  for (let k = 0; k < schedule.length && !violation; k++) {
    const [actor, choice] = schedule[k];
    if (!Number.isInteger(actor) || actor < 0 || actor >= m.actors || !m.isEnabled(s, actor, choice))
      throw new ScheduleError(`step ${k + 1} of the schedule (actor ${actor}, choice ${choice}) is not enabled in that state`);
    const n = m.apply(s, actor, choice);
    onStep(k, s, n, actor, choice);
    s = n;
    violation = m.check(s);
  }
  if (!violation && deadlock) {
    const list: number[] = [];
    m.steps(s, list);
    if (list.length === 0) violation = deadlockIn(m, s);
  }
  return { violation, first, last: s };
}
