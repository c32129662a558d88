// Owns the instruction: one line of an operation as the modelling API builds it (a load, a store, a lock,
// a compare on locals, a jump by label...), with what the granularity rule and the mutation operators
// need to know of it. assemble.ts turns a list of them into the steps the model runs.
import type { Ctx, StepAccess, StepRole } from '../program';

/** A slot of the world, computed from the step's context (its arguments, its locals). */
export type Addr = (c: Ctx) => number;

/** A value: a constant, or computed from the context. */
export type Val = number | ((c: Ctx) => number);

/** A thread-local of one operation (a register: never shared, reset when the operation completes). */
export interface Local {
  readonly name: string;
  readonly index: number;
  get(c: Ctx): number;
  set(c: Ctx, v: number): void;
}

/** Where a step goes next: the next line (nothing), a label, or DONE (-1: the operation returns). */
export type Next = string | number | void;

export interface Instr {
  readonly kind: 'instr';
  /** what it does, as a kernel engineer would say it; shown in traces */
  readonly label: string;
  readonly access: StepAccess;
  readonly atomic?: string;
  readonly role?: StepRole;
  readonly hardware?: boolean;
  readonly lockName?: string;
  /** for access load/store/rmw/lock/unlock/wait: the slot it touches */
  readonly addr?: Addr;
  /** for an rmw: how it changes the value, and the local that receives the old value */
  readonly update?: (old: number, c: Ctx) => number;
  readonly into?: Local;
  /** for a jump: its target label */
  readonly target?: string;
  readonly enabled?: (c: Ctx) => boolean;
  readonly run: (c: Ctx) => Next;
  /**
   * for role invalidate: the instruction with its (first) invalidation left out, ghost bookkeeping kept — what the
   * drop-invalidation mutant puts in its place (without it, the mutant removes the instruction)
   */
  readonly withoutOne?: Instr;
}

/** A place to jump to: `label('unlock')` names the instruction after it. */
export interface LabelMark {
  readonly kind: 'label';
  readonly name: string;
}

export type Item = Instr | LabelMark;

export function valueOf(v: Val, c: Ctx): number {
  return typeof v === 'number' ? v : v(c);
}
