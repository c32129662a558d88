// Owns the step builder of the modelling API: the kernel's primitives, each one instruction with at most one
// shared access (load, store, atomic RMW, spinlock/mutex/rwsem, wait-until, queue insertion), thread-locals
// by name, compares and jumps by label on locals. Built-in subsystems and users' modules write operations
// with it; assemble.ts turns the list into steps.
import type { Ctx, StepRole } from '../program';
import { DONE } from '../program';
import { LOCALS, type System } from '../system';
import { valueOf, type Addr, type Instr, type Item, type LabelMark, type Local, type Next, type Val } from './instr';
import { lockHeldBy, RWSEM_READERS, RWSEM_WRITER } from './lockword';

export class Builder {
  private readonly locals: Local[] = [];

  constructor(
    readonly sys: System,
    /** the operation's parameter names, in order */
    private readonly params: readonly string[],
    /** for error messages: "op domain_free" */
    private readonly where: string,
  ) {}

  /** The operation's argument `name` (one of its params). */
  arg(name: string): (c: Ctx) => number {
    const k = this.params.indexOf(name);
    if (k < 0) throw new Error(`${this.where}: no parameter '${name}' (it takes ${this.params.join(', ') || 'none'})`);
    return (c) => c.args[k];
  }

  /** A named thread-local of this operation (at most LOCALS of them; all 0 when the operation starts). */
  local(name: string): Local {
    if (this.locals.some((l) => l.name === name)) throw new Error(`${this.where}: local '${name}' declared twice`);
    const index = this.locals.length;
    if (index >= LOCALS) throw new Error(`${this.where}: more than ${LOCALS} locals`);
    const l: Local = {
      name, index,
      get: (c) => c.w.get(c.sys.local(c.t, index)),
      set: (c, v) => c.w.set(c.sys.local(c.t, index), v),
    };
    this.locals.push(l);
    return l;
  }

  // ---- control flow on locals (no shared access) ----

  label(name: string): LabelMark {
    return { kind: 'label', name };
  }

  /** Compute on locals and arguments only (a compare, an index, a mask): the granularity rule checks it. */
  compute(label: string, fn: (c: Ctx) => Next): Instr {
    return { kind: 'instr', label, access: 'none', run: fn };
  }

  jumpIf(pred: (c: Ctx) => boolean, target: string): Instr {
    return { kind: 'instr', label: `if (...) goto ${target}`, access: 'none', target, run: (c) => (pred(c) ? target : undefined) };
  }

  goto(target: string): Instr {
    return { kind: 'instr', label: `goto ${target}`, access: 'none', target, run: () => target };
  }

  /** Set the operation's return value (a register); goes on to the next line. */
  ret(v: Val): Instr {
    return { kind: 'instr', label: `ret = ${typeof v === 'number' ? v : '...'}`, access: 'none', run: (c) => void c.w.set(c.sys.ret(c.t), valueOf(v, c)) };
  }

  /** Set the return value and end the operation. */
  retDone(v: Val): Instr {
    return { kind: 'instr', label: 'return', access: 'none', run: (c) => (c.w.set(c.sys.ret(c.t), valueOf(v, c)), DONE) };
  }

  /**
   * The error exits of an operation, each `label: ret = code`, all leaving through the label `then`, which this
   * places after them (the unlock that follows, say): `...b.errorReturns([['ebusy', EBUSY], ['enoent', ENOENT]],
   * 'unlock'), b.mutexUnlock(...)`. The last exit falls through to `then`.
   */
  errorReturns(exits: readonly (readonly [string, number])[], then: string): Item[] {
    return [...exits.flatMap(([name, code], k) => [this.label(name), this.ret(code), ...(k < exits.length - 1 ? [this.goto(then)] : [])]), this.label(then)];
  }

  /** End the operation. */
  done(): Instr {
    return { kind: 'instr', label: 'return', access: 'none', run: () => DONE };
  }

  // ---- memory ----

  /** `l = *addr` (READ_ONCE when the field is atomic). */
  load(label: string, into: Local, addr: Addr, role?: StepRole): Instr {
    return { kind: 'instr', label, access: 'load', addr, into, role, run: (c) => void into.set(c, c.w.get(addr(c))) };
  }

  /** `*addr = v` (WRITE_ONCE when the field is atomic). */
  store(label: string, addr: Addr, v: Val, role?: StepRole): Instr {
    return { kind: 'instr', label, access: 'store', addr, role, run: (c) => void c.w.set(addr(c), valueOf(v, c)) };
  }

  /**
   * One atomic read-modify-write of an atomic field: `old = *addr; *addr = update(old)` indivisibly, the old value
   * into `into` (atomic_fetch_add, xchg, cmpxchg, refcount_inc_not_zero... are all this shape).
   */
  rmw(label: string, addr: Addr, update: (old: number, c: Ctx) => number, into?: Local, role?: StepRole): Instr {
    return {
      kind: 'instr', label, access: 'rmw', addr, update, into, role,
      run: (c) => {
        const at = addr(c), old = c.w.get(at);
        c.w.set(at, update(old, c));
        into?.set(c, old);
      },
    };
  }

  /** atomic_inc / refcount_inc (role get); the old value into `into`. */
  atomicInc(label: string, addr: Addr, into?: Local): Instr {
    return this.rmw(label, addr, (v) => v + 1, into, 'get');
  }

  /** atomic_dec / refcount_dec (role put); the old value into `into` (1 means it reached zero). */
  atomicDec(label: string, addr: Addr, into?: Local): Instr {
    return this.rmw(label, addr, (v) => v - 1, into, 'put');
  }

  /** atomic_inc_not_zero / refcount_inc_not_zero: the old value into `ok` (0: nothing was taken). */
  incNotZero(label: string, addr: Addr, ok: Local): Instr {
    return this.rmw(label, addr, (v) => (v === 0 ? 0 : v + 1), ok, 'get');
  }

  /** cmpxchg(addr, expected, next): the old value into `into` (equal to expected iff it swapped). */
  cmpxchg(label: string, addr: Addr, expected: Val, next: Val, into: Local): Instr {
    return this.rmw(label, addr, (v, c) => (v === valueOf(expected, c) ? valueOf(next, c) : v), into);
  }

  /** xchg(addr, v): the old value into `into`. */
  xchg(label: string, addr: Addr, v: Val, into: Local): Instr {
    return this.rmw(label, addr, (_, c) => valueOf(v, c), into);
  }

  /**
   * Block until pred holds (a cpu_relax loop, a completion): pred makes the step's one load, of the slot `addr`
   * gives when it is known (the data-race check then need not run the step to find it).
   */
  waitUntil(label: string, pred: (c: Ctx) => boolean, role: StepRole | undefined = 'wait', addr?: Addr): Instr {
    return { kind: 'instr', label, access: 'wait', role, enabled: pred, run: () => undefined, addr };
  }

  /**
   * A step of one shared access the builder has no primitive for (a store with ghost bookkeeping beside it,
   * say); `access` says which kind it is, and the granularity rule checks it.
   */
  step(label: string, run: (c: Ctx) => Next, enabled?: (c: Ctx) => boolean, role?: StepRole, access: 'one' | 'load' | 'store' = 'one', addr?: Addr): Instr {
    return { kind: 'instr', label, access, role, enabled, run, addr: access === 'one' ? undefined : addr };
  }

  /**
   * Several shared accesses in one step, with the reason the real code (or hardware) makes them indivisible:
   * "one queue insertion: the consumer sees the commands at the prod write", say.
   */
  atomic(label: string, reason: string, run: (c: Ctx) => Next, enabled?: (c: Ctx) => boolean, role?: StepRole): Instr {
    if (!reason) throw new Error(`${this.where}: atomic step '${label}' needs its reason`);
    return { kind: 'instr', label, access: 'atomic', atomic: reason, role, enabled, run };
  }

  /** A step of a hardware agent written as a thread (a device's DMA): atomic as the hardware is, never a CPU race. */
  hardware(label: string, reason: string, run: (c: Ctx) => Next, enabled?: (c: Ctx) => boolean): Instr {
    return { ...this.atomic(label, reason, run, enabled), hardware: true };
  }

  // ---- locks (a lock word holds its holder; see lockword.ts) ----

  /** spin_lock: waits for the word to be free, takes it, raises the thread's preempt count. */
  spinLock(label: string, addr: Addr, lockName = label): Instr {
    return {
      kind: 'instr', label, access: 'lock', addr, role: 'lock', lockName,
      enabled: (c) => c.w.get(addr(c)) === 0,
      run: (c) => {
        c.w.set(addr(c), c.t + 1);
        c.w.set(c.sys.preempt(c.t), c.w.get(c.sys.preempt(c.t)) + 1);
      },
    };
  }

  spinUnlock(label: string, addr: Addr, lockName = label): Instr {
    return {
      kind: 'instr', label, access: 'unlock', addr, role: 'unlock', lockName,
      run: (c) => {
        c.w.set(addr(c), 0);
        c.w.set(c.sys.preempt(c.t), c.w.get(c.sys.preempt(c.t)) - 1);
      },
    };
  }

  /** mutex_lock: might_sleep() (a bug in atomic context: no-sleep-in-atomic), then takes the word. */
  mutexLock(label: string, addr: Addr, lockName = label): Instr {
    return {
      kind: 'instr', label, access: 'lock', addr, role: 'lock', lockName,
      enabled: (c) => c.w.get(addr(c)) === 0,
      run: (c) => {
        mightSleep(c, addr(c));
        c.w.set(addr(c), c.t + 1);
      },
    };
  }

  mutexUnlock(label: string, addr: Addr, lockName = label): Instr {
    return { kind: 'instr', label, access: 'unlock', addr, role: 'unlock', lockName, run: (c) => void c.w.set(addr(c), 0) };
  }

  /** down_read: shares the rwsem with other readers, waits for a writer to leave. */
  downRead(label: string, addr: Addr, lockName = label): Instr {
    return {
      kind: 'instr', label, access: 'lock', addr, role: 'lock', lockName,
      enabled: (c) => {
        const v = c.w.get(addr(c));
        return v === 0 || (v & RWSEM_READERS) !== 0;
      },
      run: (c) => {
        mightSleep(c, addr(c));
        c.w.set(addr(c), c.w.get(addr(c)) | RWSEM_READERS | (1 << c.t));
      },
    };
  }

  upRead(label: string, addr: Addr, lockName = label): Instr {
    return {
      kind: 'instr', label, access: 'unlock', addr, role: 'unlock', lockName,
      run: (c) => {
        const rest = c.w.get(addr(c)) & ~RWSEM_READERS & ~(1 << c.t);
        c.w.set(addr(c), rest === 0 ? 0 : rest | RWSEM_READERS);
      },
    };
  }

  /** down_write: waits for the rwsem to be free of readers and writers. */
  downWrite(label: string, addr: Addr, lockName = label): Instr {
    return {
      kind: 'instr', label, access: 'lock', addr, role: 'lock', lockName,
      enabled: (c) => c.w.get(addr(c)) === 0,
      run: (c) => {
        mightSleep(c, addr(c));
        c.w.set(addr(c), RWSEM_WRITER | (c.t + 1));
      },
    };
  }

  upWrite(label: string, addr: Addr, lockName = label): Instr {
    return { kind: 'instr', label, access: 'unlock', addr, role: 'unlock', lockName, run: (c) => void c.w.set(addr(c), 0) };
  }

  /** Whether thread c.t holds the lock at addr (for assertions in a model's own checks). */
  holds(c: Ctx, addr: Addr): boolean {
    return lockHeldBy(c.w.get(addr(c)), c.t);
  }
}

/** might_sleep(): a sleeping lock taken with a raised preempt count is recorded for no-sleep-in-atomic. */
export function mightSleep(c: Ctx, lockSlot: number): void {
  const sys = c.sys;
  if (c.w.get(sys.preempt(c.t)) > 0 && c.w.get(sys.sleptInAtomic) === 0) {
    c.w.set(sys.sleptInAtomic, c.t + 1);
    c.w.set(sys.sleptOn, lockSlot + 1);
  }
}
