// Owns the vocabulary of thread programs: an operation is a short list of atomic steps (each with an
// enabling condition), a hardware actor offers nondeterministic choices, and a Ctx is what a step sees.
import type { World } from './world';
import type { System } from './system';

/** Returned by a step to end its operation early. */
export const DONE = -1;

/** What a step sees: the world being built, its thread, the operation's arguments and the static system. */
export interface Ctx {
  w: World;
  /** thread (or actor) index */
  t: number;
  /** the operation's arguments, in the order of its params */
  args: readonly number[];
  sys: System;
}

/**
 * The one shared access a step makes, as granularity.ts checks it against what the step really touched:
 * none (locals only), a load, a store, an atomic read-modify-write, a lock or unlock, a wait (a load whose
 * value enables the step), any one access ('one', the default of a hand-written step), or several when the
 * step says why it is atomic (`atomic`).
 */
export type StepAccess = 'none' | 'load' | 'store' | 'rmw' | 'lock' | 'unlock' | 'wait' | 'one' | 'atomic';

/** What a step stands for, for the mutation operators (drop a lock pair, a wait, a get or put, an invalidation). */
export type StepRole = 'lock' | 'unlock' | 'wait' | 'get' | 'put' | 'invalidate';

export interface StepDef {
  /** what the step does, as a kernel engineer would say it: "lock cmdq", "clear pte" */
  readonly label: string;
  /** the shared access it makes (default 'one') */
  readonly access?: StepAccess;
  /** with access load, store or wait: the slot it touches, when known (evaluated with writes ignored: it may note ghosts) */
  readonly addr?: (c: Ctx) => number;
  /** why the step makes several shared accesses at once (required with access 'atomic') */
  readonly atomic?: string;
  readonly role?: StepRole;
  /** the step stands for hardware (a device's DMA through the IOMMU), not a CPU: never one side of a data race */
  readonly hardware?: boolean;
  /** with role lock/unlock: which lock (the same name on both halves of a pair) */
  readonly lockName?: string;
  /** a disabled step (lock held, queue full, waiting for CMD_SYNC) is simply not offered */
  enabled?(c: Ctx): boolean;
  /** mutate c.w; return the next step index, DONE, or nothing for "the next step" */
  run(c: Ctx): number | void;
}

/** Built-in argument kinds, bounded by the scenario's core dimensions. */
export type ParamKind = 'domain' | 'device' | 'page' | 'pages' | 'phys' | 'instance' | 'count' | 'value';

export interface ParamSpec {
  readonly name: string;
  /** a built-in kind, or any name of a subsystem's own (then `max` is required) */
  readonly kind: ParamKind | (string & {});
  /** the largest valid value in this system (default: from the built-in kind); the smallest is `min` or 0 */
  readonly max?: (sys: System) => number;
  readonly min?: number;
}

/** An API operation a thread may call; its steps may depend on the run's variants. */
export interface OpDef {
  readonly name: string;
  readonly subsystem: string;
  readonly description: string;
  readonly params: readonly ParamSpec[];
  /** operations that are a sequence of others (unmap_sync = unmap + iotlb_sync) */
  readonly expand?: (args: readonly number[]) => { op: string; args: number[] }[];
  build?(sys: System): StepDef[];
}

/** A hardware actor: it never finishes; each enabled choice is a separate step the scheduler may pick. */
export interface ActorDef {
  readonly name: string;
  /** why each step of this actor is one atomic step (a hardware actor's); without it, the granularity rule applies */
  readonly atomic?: string;
  /** push the codes of every enabled choice */
  choices(c: Ctx, out: number[]): void;
  run(c: Ctx, choice: number): void;
  describe(sys: System, choice: number, before: Int32Array): string;
}
