// Owns the visited set: 64-bit state fingerprints in an open-addressing table of 8 bytes per slot,
// grown at half load. Hash compaction: two distinct states collide with probability about n^2 / 2^65.
import { H, hash2 } from './hash';

/** What the searches need of a visited set (the exact fingerprint table, or the bitstate one). */
export interface StateStore {
  add(s: Int32Array): boolean;
  readonly size: number;
  readonly bytes: number;
  readonly omissionProbability: number;
}

export class VisitedSet implements StateStore {
  private table: Uint32Array;
  private mask: number;
  size = 0;

  constructor(capacityLog2 = 6) {
    this.table = new Uint32Array(2 << capacityLog2);
    this.mask = (1 << capacityLog2) - 1;
  }

  /** Adds the state's fingerprint; true when it was not there yet. */
  add(s: Int32Array): boolean {
    hash2(s);
    let a = H.a;
    const b = H.b;
    if (a === 0 && b === 0) a = 1;
    return this.insert(a, b);
  }

  private insert(a: number, b: number): boolean {
    const t = this.table;
    let i = (a ^ Math.imul(b, 0x9e3779b1)) & this.mask;
    for (;;) {
      const ka = t[2 * i], kb = t[2 * i + 1];
      if (ka === 0 && kb === 0) break;
      if (ka === a && kb === b) return false;
      i = (i + 1) & this.mask;
    }
    t[2 * i] = a;
    t[2 * i + 1] = b;
    if (++this.size * 2 > this.mask) this.grow();
    return true;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    this.mask = this.mask * 2 + 1;
    this.size = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0 || old[i + 1] !== 0) this.insert(old[i], old[i + 1]);
  }

  /** Bytes held by the table. */
  get bytes(): number {
    return this.table.byteLength;
  }

  /** Probability that hash compaction merged two distinct states (birthday bound over 64 bits). */
  get omissionProbability(): number {
    return (this.size * this.size) / 2 ** 65;
  }
}
