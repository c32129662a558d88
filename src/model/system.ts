// Owns the System: the static side of one run (scenario, variants, layout, hardware actors) built by
// letting each subsystem declare its fields; the thread registers (pc, return value, locals) live here.
import { LayoutBuilder, type Index1, type Index2, type Layout } from './layout';
import type { ActorDef } from './program';
import type { ScenarioSpec } from './scenario';
import type { VariantSet } from './variants';
import { noteOrigin } from './origin';
import { codePrinter, countPrinter, threadPrinter, threadSetPrinter } from './printers';
import { errnoName } from './errno';

/** Number of scratch locals per thread (reset when an operation completes). */
export const LOCALS = 6;

/** How many plain slots of a thread's next step the data-race check sees (an atomic step may touch more). */
export const RACE_SIGNATURE = 2;

export interface Subsystem {
  readonly name: string;
  /** the scenario key holding this subsystem's settings ("sva", "ioasid"...), if it has one */
  readonly section?: string;
  /** check that section (called by validateScenario; throw ScenarioError naming the field) */
  validate?(section: unknown, scenario: ScenarioSpec): void;
  /** add this subsystem's fields to the layout, attaching its handles to sys */
  declare(b: LayoutBuilder, sys: System): void;
  /** hardware actors this subsystem contributes */
  actors?(sys: System): ActorDef[];
  /** set starting values that depend on the scenario (live domains, initial quotas...) */
  initial?(a: Int32Array, sys: System): void;
}

const subsystems: Subsystem[] = [];

export function defineSubsystem(s: Subsystem): void {
  if (subsystems.some((x) => x.name === s.name)) throw new Error(`subsystem ${s.name} defined twice`);
  subsystems.push(s);
  noteOrigin('subsystem', s.name);
}

export function allSubsystems(): readonly Subsystem[] {
  return subsystems;
}

/**
 * Subsystems add typed handles to System through declaration merging, e.g.
 *   declare module './system' { interface System { dom: DomainFields } }
 */
export class System {
  readonly layout: Layout;
  readonly threads: number;
  /** which operation of its program a thread is at (program length = finished) */
  readonly opIndex: Index1;
  /** which step of that operation */
  readonly stepIndex: Index1;
  /** what the thread's last operation returned */
  readonly ret: Index1;
  readonly local: Index2;
  /** preempt_count of each thread: raised by spinlocks (and rcu_read_lock), so a sleeping lock there is a bug */
  readonly preempt: Index1;
  /** ghost: the first thread that took a sleeping lock in atomic context, + 1 */
  readonly sleptInAtomic: number;
  /** ghost: the lock slot it took, + 1 */
  readonly sleptOn: number;
  /**
   * ghost, per thread, RACE_SIGNATURE registers: the plain slots its next step accesses (slot * 2 + 1 if it
   * writes, + 1; 0 = none), kept by the model when no-data-race is checked. Each thread's registers are an object
   * of their own, written only when they change, so that the check depends on a thread's moves onto and off
   * plain accesses and on nothing else.
   */
  readonly raceSig: Index2;
  /** the plain slots, and per plain slot k: ghost bit masks of the threads whose next step reads / writes it */
  readonly plainSlots: Int32Array;
  readonly poisedR: Index1;
  readonly poisedW: Index1;
  /** slot -> its index k among the plain slots, or -1 */
  readonly plainIndex: Int32Array;
  readonly actors: ActorDef[] = [];

  constructor(
    readonly scenario: ScenarioSpec,
    readonly variants: VariantSet,
  ) {
    const b = new LayoutBuilder();
    const T = (this.threads = scenario.threads.length);
    const th = (t: number) => `thread[${t}]`;
    this.opIndex = b.array('op', T, th);
    this.stepIndex = b.array('step', T, th);
    this.ret = b.array('ret', T, th);
    this.local = b.matrix('local', T, LOCALS, th);
    this.preempt = b.array('preempt', T, th);
    for (const f of ['op', 'step', 'ret', 'local', 'preempt']) b.access(f, 'local');
    for (const f of ['op', 'step', 'local', 'preempt']) b.print(f, countPrinter);
    b.print('ret', codePrinter(errnoName));
    this.sleptInAtomic = b.scalar('ghost.slept_in_atomic');
    this.sleptOn = b.scalar('ghost.slept_on');
    this.raceSig = b.matrix('ghost.race', T, RACE_SIGNATURE, (t) => `race[${t}]`);
    b.print('ghost.slept_in_atomic', threadPrinter);
    b.print('ghost.slept_on', codePrinter((v) => (v === 0 ? 'none' : b.slotName(v - 1))));
    b.print('ghost.race', codePrinter((v) => (v === 0 ? 'none' : `${(v - 1) % 2 ? 'write' : 'read'} ${b.slotName((v - 1) >> 1)}`)));
    b.print('ghost.poised.read', threadSetPrinter);
    b.print('ghost.poised.write', threadSetPrinter);
    for (const s of subsystems) s.declare(b, this);
    // who is about to access each plain slot: one object per slot, so that the data-race check of one slot depends
    // only on the threads' moves onto and off accesses of that slot (no-data-race, Model.noteRaceSignature)
    const plain = b.plainSlots();
    const names = plain.map((i) => `poised(${b.slotName(i)})`);
    this.plainSlots = Int32Array.from(plain);
    this.poisedR = b.array('ghost.poised.read', plain.length, (k) => names[k]);
    this.poisedW = b.array('ghost.poised.write', plain.length, (k) => names[k]);
    this.layout = b.finish(scenario.threads.map((t) => t.name));
    this.plainIndex = new Int32Array(this.layout.size).fill(-1);
    plain.forEach((slot, k) => (this.plainIndex[slot] = k));
    for (const s of subsystems) if (s.actors) this.actors.push(...s.actors(this));
  }

  threadName(t: number): string {
    return t < this.threads ? this.scenario.threads[t].name : this.actors[t - this.threads].name;
  }
}
