// Owns the bitstate (supertrace) store: each state sets k = 3 bits of a 2^n-bit table (double hashing of
// its two 32-bit hashes); a state whose bits are all set is taken as seen, so a search may omit states. The
// store tracks the probability that a given new state was wrongly taken as seen, printed with the result.
import { H, hash2 } from '../model/statehash';
import type { StateStore } from './visited';

const K = 3;

export class BitstateSet implements StateStore {
  private readonly bits: Uint32Array;
  private readonly mask: number;
  size = 0;
  private setBits = 0;

  constructor(readonly log2bits: number) {
    this.bits = new Uint32Array(Math.max(1, 2 ** (log2bits - 5)));
    this.mask = 2 ** log2bits - 1;
  }

  add(s: Int32Array): boolean {
    hash2(s);
    const a = H.a, b = H.b | 1;
    let fresh = false;
    for (let k = 0; k < K; k++) {
      const i = ((a + Math.imul(k, b)) >>> 0) & this.mask;
      const w = i >>> 5, bit = 1 << (i & 31);
      if ((this.bits[w] & bit) === 0) {
        this.bits[w] |= bit;
        this.setBits++;
        fresh = true;
      }
    }
    if (fresh) this.size++;
    return fresh;
  }

  get bytes(): number {
    return this.bits.byteLength;
  }

  /** Chance that a new state would now be taken as seen: (fraction of bits set)^k. */
  get omissionProbability(): number {
    return (this.setBits / (this.mask + 1)) ** K;
  }
}
