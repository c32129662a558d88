// Owns the depth-first search's stack: per frame the state, its key and fingerprint halves, its successor list
// (actor, choice pairs) and the index of the next one to try, the context-bounding pair (last thread, preemptions
// used) and, in parallel workers, the state's slot in the shared table. It answers the questions the search asks
// of its stack: the schedule from the root, the actors enabled in a frame, whether a key is on the stack. It also
// owns one state array per depth, reused each time the stack comes back to that depth (a state the search keeps
// needs no allocation of its own: whoever holds a state beyond its frame copies it).
import type { Schedule } from './result';

export class DfsStack {
  depth = 0;
  /** the deepest frame index pushed so far */
  deepest = 0;
  readonly states: Int32Array[] = [];
  readonly keys: number[] = [];
  readonly succ: number[][] = [];
  readonly next: number[] = [];
  readonly lastThread: number[] = [];
  readonly preempt: number[] = [];
  readonly slots: number[] = [];
  /** the fingerprint halves of each state: a successor's are updated from its parent's (Model.applyHashed) */
  readonly hashA: number[] = [];
  readonly hashB: number[] = [];
  /** how many stack keys share each low 12 bits: "not on the stack" at once for nearly every revisit (a Map of
   * the keys cost 10 % of a search); else the stack is scanned */
  private readonly keyCount = new Uint16Array(4096);
  /** the state array of each depth (frame d's, once a state was copied there) */
  private readonly own: Int32Array[] = [];

  /** s copied into depth d's own array, for the state pushed next at depth d (valid until the stack is back at d). */
  copyAt(d: number, s: Int32Array): Int32Array {
    let a = this.own[d];
    if (a === undefined || a.length !== s.length) a = this.own[d] = new Int32Array(s.length);
    a.set(s);
    return a;
  }

  /** Pushes a frame and returns its (empty) successor list for the caller to fill. */
  push(s: Int32Array, key: number, ha: number, hb: number, last: number, pre: number, slot: number): number[] {
    const d = this.depth;
    this.states[d] = s;
    this.keys[d] = key;
    this.hashA[d] = ha;
    this.hashB[d] = hb;
    this.lastThread[d] = last;
    this.preempt[d] = pre;
    this.slots[d] = slot;
    this.next[d] = 0;
    this.keyCount[key & 4095]++;
    if (d > this.deepest) this.deepest = d;
    this.depth = d + 1;
    return (this.succ[d] = []);
  }

  pop(): void {
    this.depth--;
    this.keyCount[this.keys[this.depth] & 4095]--;
  }

  /** The frame of the state with this key, or -1 when it is not on the stack. */
  frameOf(key: number): number {
    if (this.keyCount[key & 4095] === 0) return -1;
    for (let k = this.depth - 1; k >= 0; k--) if (this.keys[k] === key) return k;
    return -1;
  }

  /** The schedule of the first `frames` frames' last choices: the path from the root to frame `frames`. */
  path(frames: number): Schedule {
    const out: Schedule = [];
    for (let k = 0; k < frames; k++) out.push([this.succ[k][this.next[k] - 2], this.succ[k][this.next[k] - 1]]);
    return out;
  }

  /** The actors with a step in frame k. */
  enabledAt(k: number): Set<number> {
    const e = new Set<number>();
    const list = this.succ[k];
    for (let j = 0; j < list.length; j += 2) e.add(list[j]);
    return e;
  }

  /** Context bounding: (last thread, preemptions used) after `actor` moves from frame k. Switching away from a
   * thread that could go on is a preemption; hardware actors (>= threads) move for free. */
  preemptionsAfter(k: number, actor: number, threads: number): [number, number] {
    let last = this.lastThread[k], pre = this.preempt[k];
    if (actor < threads) {
      const list = this.succ[k];
      if (last >= 0 && last !== actor && list.some((a, j) => j % 2 === 0 && a === last)) pre++;
      last = actor;
    }
    return [last, pre];
  }
}
