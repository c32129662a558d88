// Owns the Model: the one seam between the IOMMU stack and its drivers (explorer, fuzzer, replay).
// A state is a flat Int32Array; steps(s) lists what every thread and hardware actor may do next;
// apply(s, actor, choice) is pure and returns a new state; check(s) evaluates the enabled invariants.
import './stack';
import type { Ctx } from './program';
import { DONE } from './program';
import { World } from './world';
import { System, LOCALS, RACE_SIGNATURE, allSubsystems } from './system';
import { compileCall, type CompiledOp } from './compile';
import { ScenarioError, type ScenarioSpec } from './scenario';
import { VariantSet } from './variants';
import type { StepDef } from './program';
import { errnoName } from './errno';
import type { FieldChange } from '../result/format';
import { applicableInvariants, type Invariant } from '../invariants';

/** The arguments of a hardware actor's step (none; shared, never written). */
const NO_ARGS: number[] = [];
const SLAB_BYTES = 1 << 16;

export interface Violation {
  invariant: string;
  message: string;
}

/** A state's successor list is a flat array of (actor, choice) pairs. */
export type StepList = number[];

export class Model {
  readonly sys: System;
  readonly programs: CompiledOp[][];
  /** the set-up's operations as text, in order (what ran before the threads) */
  setupTexts: string[] = [];
  readonly invariants: Invariant[];
  private readonly ctx: Ctx;
  /** the view steps run on (granularity.ts records their accesses through it) */
  readonly world: World;
  private readonly initialState: Int32Array;
  /** each thread's operation-index and step-index slots (read on every transition of the searches) */
  private readonly opSlots: Int32Array;
  private readonly stepSlots: Int32Array;
  /** whether no-data-race is checked (then each thread's race signature is kept: System.raceSig) */
  private readonly raceOn: boolean;
  private inSignature = false;

  /**
   * `sameSystem`: a model of a scenario that differs from this one in its threads' operations and set-up only (the
   * minimizer's smaller candidates), whose System (the layout, the actors) this one shares instead of building its
   * own: the System depends on the scenario's threads and dimensions, never on what the threads call.
   */
  constructor(readonly scenario: ScenarioSpec, readonly variants: VariantSet, invariantFilter?: readonly string[], sameSystem?: Model) {
    this.sys = sameSystem ? sameSystem.sys : new System(scenario, variants);
    this.opSlots = Int32Array.from({ length: this.sys.threads }, (_, t) => this.sys.opIndex(t));
    this.stepSlots = Int32Array.from({ length: this.sys.threads }, (_, t) => this.sys.stepIndex(t));
    const cache = new Map<string, StepDef[]>();
    this.programs = scenario.threads.map((th, t) =>
      th.ops.flatMap((call, k) => compileCall(this.sys, call, `${scenario.name}.threads[${t}].ops[${k}]`, cache)),
    );
    this.invariants = applicableInvariants(this.sys, invariantFilter);
    this.raceOn = this.invariants.some((i) => i.id === 'no-data-race');
    this.world = new World(this.sys.layout);
    this.ctx = { w: this.world, t: 0, args: [], sys: this.sys };
    this.initialState = this.buildInitial(cache);
  }

  get threads(): number {
    return this.sys.threads;
  }

  get actors(): number {
    return this.sys.threads + this.sys.actors.length;
  }

  initial(): Int32Array {
    return this.initialState.slice();
  }

  /** The state before the set-up ran: the layout's initial values and the subsystems' own. */
  beforeSetup(): Int32Array {
    const a = this.sys.layout.initial.slice();
    for (const s of allSubsystems()) s.initial?.(a, this.sys);
    return a;
  }

  private buildInitial(cache: Map<string, StepDef[]>): Int32Array {
    const a = this.beforeSetup();
    const setup = (this.scenario.setup ?? []).flatMap((call, k) => compileCall(this.sys, call, `${this.scenario.name}.setup[${k}]`, cache));
    let s: Int32Array = a;
    this.setupTexts = setup.map((op) => op.text);
    for (const op of setup) s = this.runToCompletion(s, op);
    if (this.raceOn) {
      this.world.a = s;
      for (let t = 0; t < this.sys.threads; t++) this.noteRaceSignature(s, t);
    }
    return s;
  }

  /**
   * Run one operation alone on thread 0's registers (set-up), then clear the registers. When it waits
   * (a CMD_SYNC, say), the hardware actors run, first enabled choice first, until it can go on.
   */
  private runToCompletion(s: Int32Array, op: CompiledOp): Int32Array {
    const w = this.world, c = this.ctx, sys = this.sys;
    let step = 0;
    let cur: Int32Array = s.slice();
    for (let guard = 0; step >= 0 && step < op.steps.length; guard++) {
      const sd = op.steps[step];
      w.a = cur;
      c.t = 0;
      c.args = op.args;
      if (guard > 10_000) throw new ScenarioError(`${this.scenario.name}.setup: ${op.text} does not finish`);
      if (sd.enabled && !sd.enabled(c)) {
        const hw = this.firstHardwareStep(cur);
        if (!hw) throw new ScenarioError(`${this.scenario.name}.setup: ${op.text} blocks at '${sd.label}' and no hardware actor can move`);
        cur = this.apply(cur, hw[0], hw[1]);
        continue;
      }
      w.a = cur = cur.slice();
      c.t = 0;
      c.args = op.args;
      const next = sd.run(c);
      step = next === undefined ? step + 1 : next;
    }
    cur[sys.ret(0)] = 0;
    for (let k = 0; k < LOCALS; k++) cur[sys.local(0, k)] = 0;
    return cur;
  }

  private firstHardwareStep(s: Int32Array): [number, number] | null {
    const list: number[] = [];
    this.steps(s, list);
    for (let k = 0; k < list.length; k += 2) if (list[k] >= this.sys.threads) return [list[k], list[k + 1]];
    return null;
  }

  /** The step a thread is at, or null when it finished its program. */
  currentStep(s: Int32Array, t: number): { op: CompiledOp; step: StepDef } | null {
    const prog = this.programs[t];
    const oi = s[this.sys.opIndex(t)];
    if (oi >= prog.length) return null;
    const op = prog[oi];
    return { op, step: op.steps[s[this.sys.stepIndex(t)]] };
  }

  finished(s: Int32Array, t: number): boolean {
    return s[this.sys.opIndex(t)] >= this.programs[t].length;
  }

  /** Every thread finished its program (hardware actors never finish). */
  done(s: Int32Array): boolean {
    for (let t = 0; t < this.sys.threads; t++) if (!this.finished(s, t)) return false;
    return true;
  }

  /**
   * Whether actor's transition before -> after moves what only grows: it completes an operation (only the
   * actor's own operation index can change in its step) or moves a counter (Layout.counter). All states of a
   * cycle agree in both, so such a transition is on no cycle (the livelock checks between workers rely on this).
   */
  makesProgress(before: Int32Array, after: Int32Array, actor: number): boolean {
    if (actor < this.opSlots.length && before[this.opSlots[actor]] !== after[this.opSlots[actor]]) return true;
    const cs = this.sys.layout.counterSlots;
    for (let k = 0; k < cs.length; k++) if (before[cs[k]] !== after[cs[k]]) return true;
    return false;
  }

  /** For thread t: the index of the scenario call each compiled operation came from (calls may expand). */
  callIndexOfOp(t: number): number[] {
    const out: number[] = [];
    const cache = new Map<string, StepDef[]>();
    this.scenario.threads[t].ops.forEach((call, k) => {
      for (const _ of compileCall(this.sys, call, `${this.scenario.name}.threads[${t}].ops[${k}]`, cache)) out.push(k);
    });
    return out;
  }

  /** Append every enabled (actor, choice) pair of state s to out. */
  steps(s: Int32Array, out: StepList): void {
    const w = this.world, c = this.ctx, sys = this.sys;
    w.a = s;
    for (let t = 0; t < sys.threads; t++) {
      const prog = this.programs[t];
      const oi = s[sys.opIndex(t)];
      if (oi >= prog.length) continue;
      const op = prog[oi];
      const sd = op.steps[s[sys.stepIndex(t)]];
      c.t = t;
      c.args = op.args;
      if (!sd.enabled || sd.enabled(c)) out.push(t, 0);
    }
    for (let k = 0; k < sys.actors.length; k++) {
      c.t = sys.threads + k;
      const tmp: number[] = []; // a fresh array costs less than emptying one (setting length is a runtime call)
      sys.actors[k].choices(c, tmp);
      for (let j = 0; j < tmp.length; j++) out.push(c.t, tmp[j]);
    }
  }

  /** Whether (actor, choice) is enabled in s. */
  isEnabled(s: Int32Array, actor: number, choice: number): boolean {
    const out: number[] = [];
    this.steps(s, out);
    for (let k = 0; k < out.length; k += 2) if (out[k] === actor && out[k + 1] === choice) return true;
    return false;
  }

  /**
   * A fresh copy of s. States are views into 64 KB slabs (a typed array of its own costs a separate
   * backing-store allocation, about 4x the copy itself); a slab is freed once no state in it is referenced.
   */
  private copy(s: Int32Array): Int32Array {
    const bytes = s.length * 4;
    if (this.slabUsed + bytes > this.slab.byteLength) {
      this.slab = new ArrayBuffer(Math.max(SLAB_BYTES, bytes));
      this.slabUsed = 0;
    }
    const a = new Int32Array(this.slab, this.slabUsed, s.length);
    this.slabUsed += bytes;
    a.set(s);
    return a;
  }

  private slab = new ArrayBuffer(0);
  private slabUsed = 0;

  /** Pure: a new state after actor takes the step (with choice, for hardware actors). */
  apply(s: Int32Array, actor: number, choice: number): Int32Array {
    return this.runStep(this.copy(s), actor, choice);
  }

  /** Actor takes its step on a, a copy of the parent state: a becomes the new state. */
  private runStep(a: Int32Array, actor: number, choice: number): Int32Array {
    const w = this.world, c = this.ctx, sys = this.sys;
    w.a = a;
    c.t = actor;
    if (actor >= sys.threads) {
      c.args = NO_ARGS;
      sys.actors[actor - sys.threads].run(c, choice);
      return w.a;
    }
    const opAt = this.opSlots[actor], stepAt = this.stepSlots[actor];
    const op = this.programs[actor][a[opAt]];
    c.args = op.args;
    const next = op.steps[a[stepAt]].run(c);
    const step = next === undefined ? a[stepAt] + 1 : next;
    if (step === DONE || step >= op.steps.length) {
      w.put(opAt, a[opAt] + 1);
      w.put(stepAt, 0);
      const l0 = sys.local(actor, 0);
      for (let k = 0; k < LOCALS; k++) w.put(l0 + k, 0);
    } else w.put(stepAt, step);
    if (this.raceOn && !this.inSignature) this.noteRaceSignature(a, actor);
    return a;
  }

  /** Keep thread t's race signature registers (System.raceSig) those of its next step in a (written when they change). */
  private noteRaceSignature(a: Int32Array, t: number): void {
    const sig = this.raceSig, n = this.raceAccesses(a, t);
    const w = this.world, sys = this.sys, bit = 1 << t;
    for (let k = 0; k < RACE_SIGNATURE; k++) {
      const at = sys.raceSig(t, k), old = a[at], v = k < n ? sig[k] : 0;
      if (old === v) continue;
      if (old !== 0) {
        const p = sys.plainIndex[(old - 1) >> 1], f = (old - 1) & 1 ? sys.poisedW(p) : sys.poisedR(p);
        w.set(f, a[f] & ~bit);
      }
      if (v !== 0) {
        const p = sys.plainIndex[(v - 1) >> 1], f = (v - 1) & 1 ? sys.poisedW(p) : sys.poisedR(p);
        w.set(f, a[f] | bit);
      }
      w.set(at, v);
    }
  }

  /** raceAccesses' result (its first count entries) */
  private readonly raceSig = new Int32Array(RACE_SIGNATURE);

  /**
   * The plain slots thread t's next step in s (the world's state) accesses, encoded slot * 2 + (1 if it writes) + 1,
   * writes first, at most RACE_SIGNATURE of them: left in raceSig, their count returned. It looks in a sandbox
   * (World.enterSandbox), so s, the footprint and the fingerprint being built are left as they were.
   */
  private raceAccesses(s: Int32Array, t: number): number {
    const prog = this.programs[t], oi = s[this.opSlots[t]];
    if (oi >= prog.length) return 0;
    const op = prog[oi], st = op.steps[s[this.stepSlots[t]]];
    const access = st.access ?? 'one';
    if (st.hardware || access === 'lock' || access === 'unlock' || access === 'rmw' || access === 'none') return 0;
    const c = this.ctx, saveT = c.t, saveArgs = c.args, w = this.world, L = this.sys.layout, sig = this.raceSig;
    w.enterSandbox();
    try {
      if (st.addr) {
        // the sandbox ignores writes: an address may note a ghost on its way (KASAN's check)
        c.t = t;
        c.args = op.args;
        w.a = s;
        const slot = st.addr(c);
        if (L.accessClass(slot) !== 'plain') return 0;
        sig[0] = slot * 2 + (access === 'store' ? 1 : 0) + 1;
        return 1;
      }
      this.inSignature = true;
      w.dry = false; // the step runs for real, on a copy of its own (apply)
      w.audit(true);
      this.evalEnabled(s, t);
      this.runStep(this.trialCopy(s), t, 0);
      const out: number[] = [];
      for (const i of w.writeSlots) if (L.accessClass(i) === 'plain' && !out.includes(i * 2 + 2)) out.push(i * 2 + 2);
      for (const i of w.readSlots) if (L.accessClass(i) === 'plain' && !out.includes(i * 2 + 2) && !out.includes(i * 2 + 1)) out.push(i * 2 + 1);
      const n = Math.min(out.length, RACE_SIGNATURE);
      for (let k = 0; k < n; k++) sig[k] = out[k];
      return n;
    } finally {
      if (this.inSignature) w.audit(false);
      this.inSignature = false;
      w.leaveSandbox();
      c.t = saveT;
      c.args = saveArgs;
    }
  }

  /** where raceAccesses runs a thread's next step to see what it touches (one array, reused: the result is dropped) */
  private trial: Int32Array | null = null;

  private trialCopy(s: Int32Array): Int32Array {
    if (this.trial?.length !== s.length) this.trial = new Int32Array(s.length);
    this.trial.set(s);
    return this.trial;
  }

  /** The fingerprint halves of the state the last applyHashed returned. */
  hashA = 0;
  hashB = 0;
  /** where applyHashed builds its states when asked to (one array, reused) */
  private scratch: Int32Array | null = null;

  /** A lasting copy of a state (of the scratch state of applyHashed, say). */
  keep(s: Int32Array): Int32Array {
    return this.copy(s);
  }

  /**
   * apply, for a parent whose fingerprint halves are a and b: the new state's halves are left in hashA/hashB,
   * updated write by write (the searches' hot path: no pass over the whole state). With `inScratch`, the new
   * state is built in one array the model reuses, valid until the next such call: keep() copies it.
   */
  applyHashed(s: Int32Array, actor: number, choice: number, a: number, b: number, inScratch = false): Int32Array {
    let into: Int32Array;
    if (inScratch) {
      if (this.scratch?.length !== s.length) this.scratch = new Int32Array(s.length);
      into = this.scratch;
      into.set(s);
    } else into = this.copy(s);
    this.stepInPlace(into, actor, choice, a, b);
    return into;
  }

  /**
   * The step taken on s itself, for a state whose fingerprint halves are a and b: s becomes the new state (its
   * halves in hashA/hashB, updated write by write) until undoStep(s) puts the parent back, before any other step
   * runs. The full search's hot path: most successors were met before, and undoing a step's few writes costs less
   * than copying the whole state. applyHashed is this step on a copy.
   */
  stepInPlace(s: Int32Array, actor: number, choice: number, a: number, b: number): void {
    const w = this.world;
    w.startHash(a, b);
    try {
      this.runStep(s, actor, choice);
      this.hashA = w.hashA;
      this.hashB = w.hashB;
    } finally {
      w.stopHash();
    }
  }

  /** s, changed by the last stepInPlace, is its parent state again. */
  undoStep(s: Int32Array): void {
    this.world.undo(s);
  }

  /** Evaluate thread t's enabling condition in s (for its footprint); true when it has a step and may take it. */
  evalEnabled(s: Int32Array, t: number): boolean {
    const cur = this.currentStep(s, t);
    if (!cur) return false;
    if (!cur.step.enabled) return true;
    this.world.a = s;
    this.ctx.t = t;
    this.ctx.args = cur.op.args;
    return cur.step.enabled(this.ctx);
  }

  /** Like apply, also returning which objects the step (and its enabling condition) read and wrote. */
  applyTracked(s: Int32Array, actor: number, choice: number): { next: Int32Array; reads: number[]; writes: number[] } {
    const w = this.world;
    w.track(true);
    if (actor < this.sys.threads) {
      w.a = s;
      const cur = this.currentStep(s, actor);
      if (cur?.step.enabled) {
        this.ctx.t = actor;
        this.ctx.args = cur.op.args;
        cur.step.enabled(this.ctx);
      }
    }
    const next = this.apply(s, actor, choice);
    const out = { next, reads: w.readObjects, writes: w.writeObjects };
    w.track(false);
    return out;
  }

  /**
   * Everything an actor may do next in s, for partial-order reduction: pushes its enabled choices to
   * `choices` and their successor states to `succs` (both passed empty); returns the objects read by its enabling condition
   * (a hardware actor's choice enumeration) and by every enabled choice's step, and the objects written.
   */
  actorFootprint(s: Int32Array, actor: number, choices: number[], succs: Int32Array[]): { reads: number[]; writes: number[] } {
    const w = this.world, c = this.ctx, sys = this.sys;
    w.track(true);
    w.a = s;
    c.t = actor;
    if (actor < sys.threads) {
      const cur = this.currentStep(s, actor);
      if (cur) {
        c.args = cur.op.args;
        if (!cur.step.enabled || cur.step.enabled(c)) choices.push(0);
      }
    } else {
      c.args = [];
      sys.actors[actor - sys.threads].choices(c, choices);
    }
    for (let k = 0; k < choices.length; k++) succs.push(this.apply(s, actor, choices[k]));
    const out = { reads: w.readObjects, writes: w.writeObjects };
    w.track(false);
    return out;
  }

  check(s: Int32Array): Violation | null {
    for (const inv of this.invariants) {
      const msg = inv.check(s, this);
      if (msg !== null) return { invariant: inv.id, message: msg };
    }
    return null;
  }

  /** "unmapper: unmap(domain=0, iova=0, pages=1) · clear pte" */
  label(s: Int32Array, actor: number, choice: number): { thread: string; op: string; step: string } {
    const sys = this.sys;
    if (actor >= sys.threads) {
      const a = sys.actors[actor - sys.threads];
      return { thread: a.name, op: 'hardware', step: a.describe(sys, choice, s) };
    }
    const cur = this.currentStep(s, actor);
    if (!cur) return { thread: sys.threadName(actor), op: '(finished)', step: '' };
    return { thread: sys.threadName(actor), op: cur.op.text, step: cur.step.label };
  }

  /**
   * The slots a step changed that a trace shows: thread registers (the trace line says them) and the race
   * check's bookkeeping are left out; ghosts only when asked for.
   */
  changedSlots(before: Int32Array, after: Int32Array, ghosts = false): number[] {
    const l = this.sys.layout;
    return l.changedSlots(before, after).filter((i) => this.shown(i) && (ghosts || !l.isGhost(i)));
  }

  /** Whether a trace may show slot i at all (not a thread register, not the race check's bookkeeping). */
  shown(slot: number): boolean {
    return !HIDDEN_FIELDS.has(this.sys.layout.fieldOf(slot));
  }

  /** What a step changed, as `name: old -> new` in the fields' words (ghosts only when asked for). */
  changes(before: Int32Array, after: Int32Array, ghosts = false): string[] {
    const l = this.sys.layout;
    return this.changedSlots(before, after, ghosts).map((i) => `${l.slotNames[i]}: ${l.text(i, before[i])} -> ${l.text(i, after[i])}`);
  }

  /** What a step changed, as data: every shown field, ghosts included and marked. */
  fieldChanges(before: Int32Array, after: Int32Array): FieldChange[] {
    return this.changedSlots(before, after, true).map((i) => this.sys.layout.change(before, after, i));
  }

  /** The return value of the op a thread just completed, if this step completed one. */
  completedReturn(before: Int32Array, after: Int32Array, actor: number): string | null {
    if (actor >= this.sys.threads) return null;
    if (after[this.sys.opIndex(actor)] === before[this.sys.opIndex(actor)]) return null;
    return errnoName(after[this.sys.ret(actor)]);
  }
}

/** Thread registers and the race check's per-slot bookkeeping: never shown in a trace. */
const HIDDEN_FIELDS = new Set(['op', 'step', 'local', 'ret', 'preempt', 'ghost.race', 'ghost.poised.read', 'ghost.poised.write']);

export function buildModel(scenario: ScenarioSpec, variantNames: readonly string[] = [], invariants?: readonly string[]): Model {
  return new Model(scenario, new VariantSet(variantNames), invariants);
}

/** A model of `scenario`, which differs from `like`'s scenario in its threads' operations and set-up only (the same
 * threads, the same dimensions): it shares like's System and variants. */
export function buildModelLike(like: Model, scenario: ScenarioSpec, invariants?: readonly string[]): Model {
  return new Model(scenario, like.variants, invariants, like);
}
