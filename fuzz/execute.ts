// Owns one fuzz run: drive the explorer's Model (the same steps, the same invariants, the same deadlock rule)
// from its initial state with a scheduler until a violation, until nothing can move, or until a step bound;
// the (actor, choice) pairs taken form a schedule that `replay` re-executes exactly.
import type { Model, Violation } from '../src/model/model';
import type { Schedule } from '../src/result/format';
import { deadlockIn } from '../src/explorer/deadlock';
import { schedulerFor, type ScheduleSpec } from './schedulers';
import type { Coverage } from './coverage';

export interface RunOutcome {
  violation: Violation | null;
  schedule: Schedule;
  /** the step bound stopped the run while something could still move (no verdict on what lies beyond) */
  truncated: boolean;
}

/** Steps one run may take (hardware actors may stay enabled after the threads finish). */
export const DEFAULT_MAX_STEPS = 2000;

export function execute(m: Model, spec: ScheduleSpec, maxSteps = DEFAULT_MAX_STEPS, coverage?: Coverage): RunOutcome {
  const sched = schedulerFor(spec, m);
  const schedule: Schedule = [];
  let s = m.initial();
  coverage?.state(s, m);
  let violation = m.check(s);
  const enabled: number[] = [];
  while (!violation) {
    enabled.length = 0;
    m.steps(s, enabled);
    if (enabled.length === 0) {
      violation = deadlockIn(m, s); // null when every thread finished
      break;
    }
    if (schedule.length >= maxSteps) return { violation: null, schedule, truncated: true };
    const k = sched.pick(enabled, schedule.length);
    const actor = enabled[2 * k], choice = enabled[2 * k + 1];
    const before = s;
    s = m.apply(s, actor, choice);
    coverage?.step(m, before, s, actor);
    schedule.push([actor, choice]);
    violation = m.check(s);
  }
  return { violation, schedule, truncated: false };
}
