// Owns the World: the mutable view a step uses on its private copy of a state, with footprint tracking
// (which shared objects a step read and wrote) for partial-order reduction.
import type { Layout } from './layout';

export class World {
  /** The state being built by the current step (a fresh copy; steps never touch the parent state). */
  a: Int32Array;
  private tracking = false;
  private readonly stamp: Int32Array;
  private epoch = 1;
  /** the objects read and written since track() (new lists each time: a caller may keep the ones it got) */
  readObjects: number[] = [];
  writeObjects: number[] = [];

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

  get(i: number): number {
    if (this.tracking) this.note(i, 0, this.readObjects);
    return this.a[i];
  }

  set(i: number, v: number): void {
    if (this.tracking) this.note(i, 1, this.writeObjects);
    this.a[i] = v;
  }

  add(i: number, delta: number): number {
    const v = this.get(i) + delta;
    this.set(i, v);
    return v;
  }

  private note(slot: number, kind: number, list: number[]): void {
    const obj = this.layout.slotObject[slot];
    const k = obj * 2 + kind;
    if (this.stamp[k] !== this.epoch) {
      this.stamp[k] = this.epoch;
      list.push(obj);
    }
  }
}
