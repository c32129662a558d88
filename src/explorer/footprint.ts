// Owns footprints for partial-order reduction: the objects a transition reads and writes, as bitsets over
// the layout's objects plus virtual ones, and the visibility rule that keeps every invariant violation
// reachable — each invariant is a virtual object written by every transition that writes an object the
// invariant reads, so transitions that can change one invariant's value are never reordered.
import type { Model, Violation } from '../model/model';

/** Object ids: the layout's objects, then op[t] and pc[t] per thread, then one per invariant. */
export class FootprintSpace {
  readonly words: number;
  readonly objects: number;
  private readonly opObj: number;
  private readonly pcObj: number;
  private readonly invObj: number;
  /** per invariant, the objects it has been seen to read */
  readonly invReads: Uint32Array[];
  /** slot -> object id as seen by an invariant (op/step registers map to the virtual op[t]/pc[t]) */
  private readonly slotObj: Int32Array;
  /** set when an invariant read an object it had not read before (the search is then redone) */
  grew = false;

  constructor(readonly m: Model, seed?: Uint32Array[]) {
    const L = m.sys.layout, T = m.threads;
    this.opObj = L.objectNames.length;
    this.pcObj = this.opObj + T;
    this.invObj = this.pcObj + T;
    this.objects = this.invObj + m.invariants.length;
    this.words = (this.objects + 31) >>> 5;
    this.invReads = m.invariants.map((_, k) => (seed?.[k] ? seed[k].slice() : new Uint32Array(this.words)));
    this.slotObj = Int32Array.from(L.slotObject);
    for (let t = 0; t < T; t++) {
      this.slotObj[m.sys.opIndex(t)] = this.opObj + t;
      this.slotObj[m.sys.stepIndex(t)] = this.pcObj + t;
    }
  }

  empty(): Uint32Array {
    return new Uint32Array(this.words);
  }

  /** Bitset of a transition group by `actor`: the model's object lists plus its virtual writes. */
  fill(r: Uint32Array, w: Uint32Array, reads: readonly number[], writes: readonly number[], actor: number, completesOp: boolean): void {
    for (const o of reads) r[o >>> 5] |= 1 << (o & 31);
    for (const o of writes) w[o >>> 5] |= 1 << (o & 31);
    if (actor < this.m.threads) {
      setBit(w, this.pcObj + actor);
      if (completesOp) setBit(w, this.opObj + actor);
    }
    for (let k = 0; k < this.invReads.length; k++) if (intersects(w, this.invReads[k])) setBit(w, this.invObj + k);
  }

  /** Evaluate the invariants on s, recording which objects each reads; the first violation or null. */
  check(s: Int32Array, each?: (v: Violation) => void): Violation | null {
    const m = this.m, slotObj = this.slotObj;
    let bits: Uint32Array = this.invReads[0];
    const self = this;
    const proxy = new Proxy(s, {
      get(target, prop) {
        if (typeof prop === 'string') {
          const i = +prop;
          if (Number.isInteger(i) && i >= 0 && i < target.length) {
            const o = slotObj[i];
            if ((bits[o >>> 5] & (1 << (o & 31))) === 0) {
              bits[o >>> 5] |= 1 << (o & 31);
              self.grew = true;
            }
            return target[i];
          }
        }
        const v = Reflect.get(target, prop, target);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    let first: Violation | null = null;
    for (let k = 0; k < m.invariants.length; k++) {
      bits = this.invReads[k];
      const msg = m.invariants[k].check(proxy, m);
      if (msg === null) continue;
      const v = { invariant: m.invariants[k].id, message: msg };
      first ??= v;
      if (!each) return v;
      each(v);
    }
    return first;
  }

  objectName(o: number): string {
    const L = this.m.sys.layout;
    if (o < this.opObj) return L.objectNames[o];
    if (o < this.pcObj) return `op[${o - this.opObj}]`;
    if (o < this.invObj) return `pc[${o - this.pcObj}]`;
    return `invariant:${this.m.invariants[o - this.invObj].id}`;
  }
}

export function setBit(b: Uint32Array, o: number): void {
  b[o >>> 5] |= 1 << (o & 31);
}

export function intersects(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if ((a[i] & b[i]) !== 0) return true;
  return false;
}

export function orInto(dst: Uint32Array, src: Uint32Array): void {
  for (let i = 0; i < dst.length; i++) dst[i] |= src[i];
}

/** Two footprints conflict when one writes what the other reads or writes. */
export function dependent(r1: Uint32Array, w1: Uint32Array, r2: Uint32Array, w2: Uint32Array): boolean {
  for (let i = 0; i < w1.length; i++) if ((w1[i] & (r2[i] | w2[i])) !== 0 || (w2[i] & r1[i]) !== 0) return true;
  return false;
}
