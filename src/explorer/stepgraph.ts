// Owns the threads' step graphs for the livelock checks between parallel workers: per thread and operation,
// which step index went to which in a transition on which no operation completes and no counter moves
// (Model.makesProgress). Every state of a cycle agrees in operation indices and counters, so the steps a
// thread takes on a cycle are such transitions, and they close a walk of its step graph: a thread's transition
// u -> v can be on a cycle of states only if the graph leads from v back to u. The searches together meet every
// transition, so the graph they note is complete; indexes are folded (operation mod OPS, step mod STEPS),
// which only adds edges.
import type { Model } from '../model/model';

const OPS = 8, STEPS = 16;
/** Int32 words per thread: OPS graphs of STEPS x STEPS bits */
const WORDS = (OPS * STEPS * STEPS) / 32;

export class StepGraph {
  readonly bits: Int32Array;

  private readonly opAt: Int32Array;
  private readonly pcAt: Int32Array;

  constructor(readonly m: Model, bits?: Int32Array) {
    this.bits = bits ?? new Int32Array(m.threads * WORDS);
    this.opAt = Int32Array.from({ length: m.threads }, (_, t) => m.sys.opIndex(t));
    this.pcAt = Int32Array.from({ length: m.threads }, (_, t) => m.sys.stepIndex(t));
  }

  /** Words for a model's threads (the length of `bits`; a shared copy is a SharedArrayBuffer of 4x this). */
  static words(m: Model): number {
    return m.threads * WORDS;
  }

  /** (indexes are never negative: masks fold them, a division would cost more than the rest of note()) */
  private bit(t: number, op: number, u: number, v: number): number {
    return ((t * OPS + (op & (OPS - 1))) * STEPS + (u & (STEPS - 1))) * STEPS + (v & (STEPS - 1));
  }

  /** Note the transition from -> to by actor (hardware actors and progress-making transitions need none). */
  note(from: Int32Array, to: Int32Array, actor: number): void {
    if (actor >= this.opAt.length) return;
    const op = this.opAt[actor], pc = this.pcAt[actor];
    const b = this.bit(actor, from[op], from[pc], to[pc]);
    const word = b >>> 5, bit = 1 << (b & 31);
    if ((this.bits[word] & bit) !== 0) return; // noted already (a thread's few step edges repeat all along)
    if (this.m.makesProgress(from, to, actor)) return;
    this.bits[word] |= bit;
  }

  private has(t: number, op: number, u: number, v: number): boolean {
    const b = this.bit(t, op, u, v);
    return (this.bits[b >>> 5] & (1 << (b & 31))) !== 0;
  }

  /**
   * Whether the transition from -> to by actor may lie on a cycle of states: a hardware actor's may; a thread's
   * only if no operation completes and no counter moves on it and its step graph leads from the new step back.
   */
  mayCycle(from: Int32Array, to: Int32Array, actor: number): boolean {
    const m = this.m;
    if (m.makesProgress(from, to, actor)) return false;
    if (actor >= m.threads) return true;
    const opAt = this.opAt[actor], pcAt = this.pcAt[actor];
    const op = from[opAt] & (OPS - 1), u = from[pcAt] & (STEPS - 1), v = to[pcAt] & (STEPS - 1);
    if (u === v) return true;
    // breadth-first from v over the noted steps of (actor, op), looking for u
    let seen = 1 << v, todo = [v];
    while (todo.length > 0) {
      const next: number[] = [];
      for (const x of todo) {
        for (let y = 0; y < STEPS; y++) {
          if (!this.has(actor, op, x, y)) continue;
          if (y === u) return true;
          if (seen & (1 << y)) continue;
          seen |= 1 << y;
          next.push(y);
        }
      }
      todo = next;
    }
    return false;
  }
}
