// Owns lock steps: a lock slot holds its owner thread + 1; acquiring is enabled only when it is free,
// which is how a waiting thread is "not enabled" and how deadlocks become visible to the explorer.
import type { Ctx, StepDef } from './program';

export function isFree(c: Ctx, slot: number): boolean {
  return c.w.get(slot) === 0;
}

/** A step that takes the lock at slot(c); extra() may add an enabling condition. */
export function lockStep(label: string, slot: (c: Ctx) => number, next?: (c: Ctx) => number | void): StepDef {
  return {
    label,
    access: 'lock',
    role: 'lock',
    lockName: label.replace(/^lock /, ''),
    enabled: (c) => isFree(c, slot(c)),
    run: (c) => {
      c.w.set(slot(c), c.t + 1);
      return next ? next(c) : undefined;
    },
  };
}

/** A step that releases the lock at slot(c) and then goes where next(c) says. */
export function unlockStep(label: string, slot: (c: Ctx) => number, next?: (c: Ctx) => number | void): StepDef {
  return {
    label,
    access: 'unlock',
    role: 'unlock',
    lockName: label.replace(/^unlock /, ''),
    run: (c) => {
      c.w.set(slot(c), 0);
      return next ? next(c) : undefined;
    },
  };
}
