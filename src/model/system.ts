// Owns the System: the static side of one run (scenario, variants, layout, hardware actors) built by
// letting each subsystem declare its fields; the thread registers (pc, return value, locals) live here.
import { LayoutBuilder, type Index1, type Index2, type Layout } from './layout';
import type { ActorDef } from './program';
import type { ScenarioSpec } from './scenario';
import type { VariantSet } from './variants';

/** Number of scratch locals per thread (reset when an operation completes). */
export const LOCALS = 6;

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
  subsystems.push(s);
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
    this.sleptInAtomic = b.scalar('ghost.slept_in_atomic');
    this.sleptOn = b.scalar('ghost.slept_on');
    for (const s of subsystems) s.declare(b, this);
    this.layout = b.finish();
    for (const s of subsystems) if (s.actors) this.actors.push(...s.actors(this));
  }

  threadName(t: number): string {
    return t < this.threads ? this.scenario.threads[t].name : this.actors[t - this.threads].name;
  }
}
