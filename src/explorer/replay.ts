// Owns replaying a counterexample: rebuild the model from the embedded scenario and variants, re-execute
// the schedule exactly, and say whether the recorded verdict was reproduced.
import { buildModel } from '../model/model';
import type { Violation } from '../model/model';
import type { Counterexample } from './counterexample';
import { CounterexampleError, checkModules } from './counterexample';
import { UsageError } from '../model/variants';
import { replaySchedule, ScheduleError, type TraceStep } from './trace';
import type { FieldValue } from '../result/format';

export interface ReplayOutcome {
  violation: Violation | null;
  steps: TraceStep[];
  /** the replay met the same invariant as recorded (or, for a recorded clean run, none) */
  reproduced: boolean;
  /** steps of the schedule after the violation: not executed */
  ignoredSteps: number;
  /** the scenario's set-up in words, the state the trace starts from and the one it ends in */
  prologue: string[];
  initial: FieldValue[];
  final: FieldValue[];
}

export function replayCounterexample(cx: Counterexample, file = 'counterexample'): ReplayOutcome {
  checkModules(cx, file);
  let r;
  try {
    r = replaySchedule(buildModel(cx.scenario, cx.variants, cx.invariants), cx.schedule);
  } catch (e) {
    if (e instanceof ScheduleError || (e instanceof UsageError && !(e instanceof CounterexampleError)))
      throw new CounterexampleError(`${file}: ${e.message}`);
    throw e;
  }
  const reproduced = (r.violation?.invariant ?? null) === (cx.violation?.invariant ?? null);
  return { violation: r.violation, steps: r.steps, reproduced, ignoredSteps: cx.schedule.length - r.executed, prologue: r.prologue, initial: r.initial, final: r.final };
}
