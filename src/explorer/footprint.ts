// Owns footprints for partial-order reduction: the objects a transition reads and writes, as bitsets over
// the layout's objects plus virtual ones, and the visibility rule that keeps every invariant violation
// reachable — each invariant atom (an invariant without atoms is one atom) is a virtual object written by
// every transition that writes an object the atom reads, so transitions that can change one atom's value
// are never reordered, while transitions touching only different atoms stay independent.
import type { Model, Violation } from '../model/model';
import { AtomMemo } from './atommemo';

/** Object ids: the layout's objects, then op[t] and pc[t] per thread, then one per invariant atom. */
export class FootprintSpace {
  readonly words: number;
  readonly objects: number;
  private readonly opObj: number;
  private readonly pcObj: number;
  private readonly invObj: number;
  /** per invariant: its first atom (unit) index and its atom count (0 = evaluated whole, as one unit) */
  private readonly unitBase: number[] = [];
  private readonly atomCount: number[] = [];
  /** per unit (invariant atom), the objects it has been seen to read */
  readonly invReads: Uint32Array[];
  /** per object, the virtual atom objects that read it (the visibility writes a write of it implies) */
  private readonly visOf: Uint32Array[];
  /** slot -> object id as seen by an invariant (op/step registers map to the virtual op[t]/pc[t]) */
  private readonly slotObj: Int32Array;
  /** set when an invariant read an object it had not read before (the search is then redone) */
  grew = false;
  /** per unit, how many times its read set grew (the memo's version of it) */
  private readonly version: Int32Array;
  private readonly memo: AtomMemo;
  /** the state check() is evaluating, read by its proxy */
  private current: Int32Array = new Int32Array(0);
  private unit = 0;
  private readonly proxy: Int32Array;

  constructor(readonly m: Model, seed?: Uint32Array[]) {
    const L = m.sys.layout, T = m.threads;
    this.opObj = L.objectNames.length;
    this.pcObj = this.opObj + T;
    this.invObj = this.pcObj + T;
    let units = 0;
    for (const inv of m.invariants) {
      const n = inv.atoms && inv.checkAtom ? inv.atoms(m) : 0;
      this.unitBase.push(units);
      this.atomCount.push(n);
      units += Math.max(n, 1);
    }
    this.objects = this.invObj + units;
    this.words = (this.objects + 31) >>> 5;
    this.invReads = [];
    for (let u = 0; u < units; u++) this.invReads.push(seed?.[u] ? seed[u].slice() : new Uint32Array(this.words));
    this.visOf = [];
    for (let o = 0; o < this.invObj; o++) this.visOf.push(new Uint32Array(this.words));
    for (let u = 0; u < units; u++)
      for (let o = 0; o < this.invObj; o++) if (hasBit(this.invReads[u], o)) setBit(this.visOf[o], this.invObj + u);
    this.slotObj = Int32Array.from(L.slotObject);
    for (let t = 0; t < T; t++) {
      this.slotObj[m.sys.opIndex(t)] = this.opObj + t;
      this.slotObj[m.sys.stepIndex(t)] = this.pcObj + t;
    }
    this.version = new Int32Array(units);
    this.memo = new AtomMemo(this.slotObj, this.invObj);
    this.proxy = this.recordingView();
  }

  /** The state being checked as the invariants see it: every slot read is recorded in the current unit's read set. */
  private recordingView(): Int32Array {
    const self = this, slotObj = this.slotObj, visOf = this.visOf, invObj = this.invObj;
    return new Proxy(new Int32Array(0), {
      get(_, prop) {
        const target = self.current;
        if (typeof prop === 'string') {
          const i = +prop;
          if (Number.isInteger(i) && i >= 0 && i < target.length) {
            const o = slotObj[i], bits = self.invReads[self.unit];
            if ((bits[o >>> 5] & (1 << (o & 31))) === 0) {
              bits[o >>> 5] |= 1 << (o & 31);
              setBit(visOf[o], invObj + self.unit);
              self.version[self.unit]++;
              self.grew = true;
            }
            return target[i];
          }
        }
        const v = Reflect.get(target, prop, target);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  }

  /** Bytes held by the memo of atoms known to hold (atommemo.ts). */
  get memoBytes(): number {
    return this.memo.bytes;
  }

  empty(): Uint32Array {
    return new Uint32Array(this.words);
  }

  /** Bitset of a transition group by `actor`: the model's object lists plus its virtual writes. */
  fill(r: Uint32Array, w: Uint32Array, reads: readonly number[], writes: readonly number[], actor: number, completesOp: boolean): void {
    const vis = this.visOf;
    for (const o of reads) r[o >>> 5] |= 1 << (o & 31);
    for (const o of writes) {
      w[o >>> 5] |= 1 << (o & 31);
      orInto(w, vis[o]);
    }
    if (actor < this.m.threads) {
      setBit(w, this.pcObj + actor);
      orInto(w, vis[this.pcObj + actor]);
      if (completesOp) {
        setBit(w, this.opObj + actor);
        orInto(w, vis[this.opObj + actor]);
      }
    }
  }

  /**
   * Evaluate the invariants on s (every atom), recording which objects each atom reads; the first violation or
   * null. An atom the memo knows to hold in a state that agrees with s on everything it reads is not evaluated.
   */
  check(s: Int32Array, each?: (v: Violation) => void): Violation | null {
    const m = this.m, memo = this.memo, version = this.version, proxy = this.proxy;
    this.current = s;
    let first: Violation | null = null;
    for (let k = 0; k < m.invariants.length; k++) {
      const inv = m.invariants[k], n = this.atomCount[k];
      // an invariant without atoms is one unit, evaluated whole; else every atom is evaluated (each records its
      // reads), each false atom is one violation (see collect.ts), and the first is the invariant's check() message
      for (let a = 0; a < Math.max(n, 1); a++) {
        const unit = (this.unit = this.unitBase[k] + a);
        if (memo.holds(unit, this.invReads[unit], version[unit], s)) continue;
        const msg = n === 0 ? inv.check(proxy, m) : inv.checkAtom!(proxy, m, a);
        if (msg === null) {
          memo.note(unit, this.invReads[unit], version[unit], s);
          continue;
        }
        const v = { invariant: inv.id, message: msg };
        first ??= v;
        if (!each) return v;
        each(v);
      }
    }
    return first;
  }

  objectName(o: number): string {
    const L = this.m.sys.layout;
    if (o < this.opObj) return L.objectNames[o];
    if (o < this.pcObj) return `op[${o - this.opObj}]`;
    if (o < this.invObj) return `pc[${o - this.pcObj}]`;
    const u = o - this.invObj;
    let k = 0;
    while (k + 1 < this.unitBase.length && this.unitBase[k + 1] <= u) k++;
    const id = this.m.invariants[k].id;
    return this.atomCount[k] ? `invariant:${id}#${u - this.unitBase[k]}` : `invariant:${id}`;
  }
}

export function setBit(b: Uint32Array, o: number): void {
  b[o >>> 5] |= 1 << (o & 31);
}

export function hasBit(b: Uint32Array, o: number): boolean {
  return (b[o >>> 5] & (1 << (o & 31))) !== 0;
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
