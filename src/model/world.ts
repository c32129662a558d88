// Owns the World: the mutable view a step uses on its private copy of a state, with footprint tracking
// (which shared objects a step read and wrote) for partial-order reduction, counters' thresholds included,
// and the fingerprint of the state being built, updated write by write (statehash.ts), with the writes' old values
// so that a step run on its parent state itself can be undone.
import { THRESHOLDS, type Layout } from './layout';
import { mixA, mixB } from './statehash';

export class World {
  /** The state being built by the current step (a fresh copy; steps never touch the parent state). */
  a: Int32Array;
  private tracking = false;
  private readonly stamp: Int32Array;
  private epoch = 1;
  /** the objects read and written since track() (new lists each time: a caller may keep the ones it got) */
  readObjects: number[] = [];
  writeObjects: number[] = [];
  /** with audit(): the slots read and written since, for the granularity rule and the data-race check */
  private auditing = false;
  readSlots: number[] = [];
  writeSlots: number[] = [];
  private hashing = false;
  /** with startHash: the fingerprint halves of `a` as it is now */
  hashA = 0;
  hashB = 0;
  /** with startHash: the slots written since and their values before, in order (undo() puts them back) */
  private undoSlot = new Int32Array(64);
  private undoOld = new Int32Array(64);
  private undoLen = 0;

  constructor(readonly layout: Layout) {
    this.a = layout.initial.slice();
    this.stamp = new Int32Array(layout.objectNames.length * 2);
  }

  /** Start tracking the footprint of one step. */
  track(on: boolean): void {
    this.tracking = on;
    this.readObjects = [];
    this.writeObjects = [];
    this.epoch++;
  }

  /**
   * Enter a sandbox: from here to leaveSandbox(), no tracking, auditing or hashing, and writes are ignored (a
   * look at what a step would do, which leaves no trace in the state being built, its footprint or its
   * fingerprint). Not nested. A pair of calls rather than a callback: this runs after every thread step while
   * the data-race check is on, and a closure per step costs more than the look.
   */
  enterSandbox(): void {
    const saved = this.saved;
    saved.a = this.a;
    saved.tracking = this.tracking;
    saved.auditing = this.auditing;
    saved.hashing = this.hashing;
    saved.dry = this.dry;
    saved.readObjects = this.readObjects;
    saved.writeObjects = this.writeObjects;
    saved.readSlots = this.readSlots;
    saved.writeSlots = this.writeSlots;
    this.tracking = this.auditing = this.hashing = false;
    this.dry = true;
  }

  /** Leave the sandbox: everything as enterSandbox() found it (the footprint's epoch moves on). */
  leaveSandbox(): void {
    const saved = this.saved;
    this.a = saved.a;
    this.tracking = saved.tracking;
    this.auditing = saved.auditing;
    this.hashing = saved.hashing;
    this.dry = saved.dry;
    this.readObjects = saved.readObjects;
    this.writeObjects = saved.writeObjects;
    this.readSlots = saved.readSlots;
    this.writeSlots = saved.writeSlots;
    this.epoch++;
  }

  /** what enterSandbox() saved */
  private readonly saved = {
    a: new Int32Array(0) as Int32Array, tracking: false, auditing: false, hashing: false, dry: false,
    readObjects: [] as number[], writeObjects: [] as number[], readSlots: [] as number[], writeSlots: [] as number[],
  };

  /** In a sandbox, writes are ignored unless a step is run for real (Model.apply on its own copy). */
  dry = false;

  /** Start (or stop) recording the slots a step reads and writes, besides its objects (implies track). */
  audit(on: boolean): void {
    this.track(on);
    this.auditing = on;
    this.readSlots = [];
    this.writeSlots = [];
  }

  /** From now on keep hashA/hashB the fingerprint of `a`, whose halves are a and b now (until stopHash). */
  startHash(a: number, b: number): void {
    this.hashing = true;
    this.hashA = a;
    this.hashB = b;
    this.undoLen = 0;
  }

  /** Puts back in s the values the writes since startHash overwrote (s is the array they were made on). */
  undo(s: Int32Array): void {
    const at = this.undoSlot, old = this.undoOld;
    for (let k = this.undoLen - 1; k >= 0; k--) s[at[k]] = old[k];
    this.undoLen = 0;
  }

  private noteUndo(i: number, old: number): void {
    if (this.undoLen === this.undoSlot.length) {
      const at = new Int32Array(this.undoLen * 2), was = new Int32Array(this.undoLen * 2);
      at.set(this.undoSlot);
      was.set(this.undoOld);
      this.undoSlot = at;
      this.undoOld = was;
    }
    this.undoSlot[this.undoLen] = i;
    this.undoOld[this.undoLen++] = old;
  }

  stopHash(): void {
    this.hashing = false;
  }

  get(i: number): number {
    if (this.tracking) {
      this.note(this.layout.slotObject[i], 0, this.readObjects);
      if (this.auditing) this.readSlots.push(i);
    }
    return this.a[i];
  }

  /**
   * Read slot i as model bookkeeping (a KASAN-like check of a domain's state, say): part of the footprint, so
   * the reduction orders it, but not one of the step's accesses in the granularity rule.
   */
  peek(i: number): number {
    if (this.tracking) this.note(this.layout.slotObject[i], 0, this.readObjects);
    return this.a[i];
  }

  set(i: number, v: number): void {
    if (this.tracking) {
      this.note(this.layout.slotObject[i], 1, this.writeObjects);
      if (this.auditing) this.writeSlots.push(i);
      const base = this.layout.thresholdBase[i];
      if (base >= 0) this.crossed(base, this.a[i], v);
    }
    this.put(i, v);
  }

  /** Write slot i with no footprint (the thread registers the model itself advances); kept in the hash. */
  put(i: number, v: number): void {
    if (this.dry) return;
    if (this.hashing) {
      const old = this.a[i];
      if (old !== v) {
        this.hashA ^= mixA(i, old) ^ mixA(i, v);
        this.hashB ^= mixB(i, old) ^ mixB(i, v);
        this.noteUndo(i, old);
      }
    }
    this.a[i] = v;
  }

  /**
   * Whether counter slot i is at least t. For a counter (Layout.counter), the step reads only the threshold
   * object of t, so it conflicts only with the writes that move the counter across t.
   */
  atLeast(i: number, t: number): boolean {
    if (this.tracking) {
      if (this.auditing) this.readSlots.push(i);
      const base = this.layout.thresholdBase[i];
      if (base >= 0) this.note(base + thresholdOf(t), 0, this.readObjects);
      else this.note(this.layout.slotObject[i], 0, this.readObjects);
    }
    return this.a[i] >= t;
  }

  add(i: number, delta: number): number {
    const v = this.get(i) + delta;
    this.set(i, v);
    return v;
  }

  /** Moving a counter from `from` to `to` changes "counter >= t" for every t in (min, max]. */
  private crossed(base: number, from: number, to: number): void {
    const lo = Math.min(from, to), hi = Math.max(from, to);
    for (let t = lo + 1; t <= hi && t <= lo + THRESHOLDS; t++) this.note(base + thresholdOf(t), 1, this.writeObjects);
  }

  private note(obj: number, kind: number, list: number[]): void {
    const k = obj * 2 + kind;
    if (this.stamp[k] !== this.epoch) {
      this.stamp[k] = this.epoch;
      list.push(obj);
    }
  }
}

function thresholdOf(t: number): number {
  return ((t % THRESHOLDS) + THRESHOLDS) % THRESHOLDS;
}
