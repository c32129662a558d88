// Owns the reduced search's visited set: per state key, its subtree summary (every actor's footprint met below
// it: R and W bit sets per actor) and its fallback flag. Summaries repeat a great deal, and the footprints of
// one actor within them far more (the same few footprints below many states), so both are interned: each
// distinct actor footprint (R then W) is stored once in one flat pool, each distinct summary is the tuple of its
// actors' footprint ids, stored once in another, and a state holds only a reference to its tuple (reference * 2
// + flag) in an open-addressing table (a Float64 key and an Int32 reference a slot: 12 bytes, at most 3/4 full).
// Pools are single typed arrays (no object per entry), so `bytes` is what the store really holds.

/** FNV-1a over the record src[off .. off + len), its high bits folded in (an index table's slot). */
function hashOf(src: Uint32Array, off: number, len: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ src[off + i], 0x01000193);
  return h ^ (h >>> 15);
}

/** Fixed-length records of Uint32 words, each distinct one stored once, in one growing array; ids in order. */
class InternPool {
  private data: Uint32Array;
  private index = new Int32Array(64); // id + 1 by hash, open addressing; 0 = empty
  count = 0;
  /** how many times the records moved to a larger array (views taken before are then of the old one) */
  generation = 0;

  constructor(readonly len: number) {
    this.data = new Uint32Array(Math.max(len, 1) * 64);
  }

  get bytes(): number {
    return this.data.byteLength + this.index.byteLength;
  }

  /** The id of the record src[off .. off + len), stored when new. */
  intern(src: Uint32Array, off = 0): number {
    const len = this.len;
    const mask = this.index.length - 1;
    let j = hashOf(src, off, len) & mask;
    for (;;) {
      const v = this.index[j];
      if (v === 0) break;
      if (this.equals(v - 1, src, off)) return v - 1;
      j = (j + 1) & mask;
    }
    const id = this.count++;
    if ((id + 1) * len > this.data.length) {
      const grown = new Uint32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
      this.generation++;
    }
    this.data.set(src.subarray(off, off + len), id * len);
    this.index[j] = id + 1;
    if (this.count * 4 > this.index.length * 3) this.rehash();
    return id;
  }

  /** Record `id` (a view: valid as long as the pool does not grow; records never change). */
  view(id: number): Uint32Array {
    return this.data.subarray(id * this.len, (id + 1) * this.len);
  }

  word(id: number, k: number): number {
    return this.data[id * this.len + k];
  }

  private equals(id: number, src: Uint32Array, off: number): boolean {
    const d = this.data, at = id * this.len;
    for (let i = 0; i < this.len; i++) if (d[at + i] !== src[off + i]) return false;
    return true;
  }

  private rehash(): void {
    const index = new Int32Array(this.index.length * 2), mask = index.length - 1;
    for (let id = 0; id < this.count; id++) {
      let j = hashOf(this.data, id * this.len, this.len) & mask;
      while (index[j] !== 0) j = (j + 1) & mask;
      index[j] = id + 1;
    }
    this.index = index;
  }
}

export class SummaryStore {
  private readonly refs = new KeyTable();
  /** one actor's footprint: R (words) then W (words) */
  private readonly footprints: InternPool;
  /** one summary: the footprint id of each actor */
  private readonly tuples: InternPool;
  private readonly actorScratch: Uint32Array;
  private readonly tupleScratch: Uint32Array;

  /** `actors` footprints per summary, of `words` words per bit set */
  constructor(readonly actors: number, readonly words: number) {
    this.footprints = new InternPool(2 * words);
    this.tuples = new InternPool(actors);
    this.actorScratch = new Uint32Array(2 * words);
    this.tupleScratch = new Uint32Array(actors);
  }

  get size(): number {
    return this.refs.size;
  }

  /** distinct summaries */
  get distinct(): number {
    return this.tuples.count;
  }

  /** distinct actor footprints */
  get distinctFootprints(): number {
    return this.footprints.count;
  }

  /** Bytes held: the state table and both pools (their typed arrays, as allocated). */
  get bytes(): number {
    return this.refs.bytes + this.footprints.bytes + this.tuples.bytes;
  }

  /** Stores state `key`'s summary, given flat: R of every actor, then W of every actor (may be scratch). */
  set(key: number, flat: Uint32Array, top: boolean): void {
    this.refs.set(key, this.intern(flat) * 2 + (top ? 1 : 0));
  }

  /** The reference of state `key`'s summary, or -1. */
  ref(key: number): number {
    return this.refs.get(key);
  }

  /** Every actor's R and W in the summary `ref` refers to, as views kept per distinct summary (a revisit allocates
   * nothing; dropped when the footprint pool moves); read only. */
  footprintsOf(ref: number): { R: readonly Uint32Array[]; W: readonly Uint32Array[] } {
    if (this.viewsAt !== this.footprints.generation) {
      this.views.length = 0;
      this.viewsAt = this.footprints.generation;
    }
    const id = ref >>> 1;
    let v = this.views[id];
    if (!v) {
      const R: Uint32Array[] = [], W: Uint32Array[] = [];
      for (let q = 0; q < this.actors; q++) {
        R.push(this.actorR(ref, q));
        W.push(this.actorW(ref, q));
      }
      v = this.views[id] = { R, W };
    }
    return v;
  }

  private readonly views: { R: Uint32Array[]; W: Uint32Array[] }[] = [];
  private viewsAt = 0;

  /** Actor q's R and W in the summary `ref` refers to (views). */
  actorR(ref: number, q: number): Uint32Array {
    return this.footprints.view(this.tuples.word(ref >>> 1, q)).subarray(0, this.words);
  }

  actorW(ref: number, q: number): Uint32Array {
    return this.footprints.view(this.tuples.word(ref >>> 1, q)).subarray(this.words);
  }

  topOf(ref: number): boolean {
    return (ref & 1) === 1;
  }

  /** The summary `ref` refers to, flat (a copy: R of every actor, then W of every actor). */
  flatOf(ref: number): Uint32Array {
    const A = this.actors, w = this.words, out = new Uint32Array(2 * A * w);
    for (let q = 0; q < A; q++) {
      out.set(this.actorR(ref, q), q * w);
      out.set(this.actorW(ref, q), (A + q) * w);
    }
    return out;
  }

  /** Every (key, reference) pair (for checkpoints). */
  entries(): Iterable<[number, number]> {
    return this.refs.entries();
  }

  /** The distinct summaries, flat, in reference order (for checkpoints). */
  distinctFlats(): Uint32Array[] {
    return Array.from({ length: this.tuples.count }, (_, id) => this.flatOf(id * 2));
  }

  /** Restores a saved store: the distinct summaries (in reference order), then the states' references to them. */
  restore(flats: readonly Uint32Array[], refs: Iterable<[number, number]>): void {
    flats.forEach((f, id) => {
      if (this.intern(f) !== id) throw new Error('checkpoint does not match this search: its distinct summaries repeat');
    });
    for (const [k, r] of refs) {
      if ((r >>> 1) >= this.tuples.count) throw new Error('checkpoint does not match this search: a summary reference is out of range');
      this.refs.set(k, r);
    }
  }

  private intern(flat: Uint32Array): number {
    const A = this.actors, w = this.words, a = this.actorScratch, t = this.tupleScratch;
    for (let q = 0; q < A; q++) {
      a.set(flat.subarray(q * w, (q + 1) * w), 0);
      a.set(flat.subarray((A + q) * w, (A + q + 1) * w), w);
      t[q] = this.footprints.intern(a);
    }
    return this.tuples.intern(t);
  }
}

/** State key -> reference (>= 0), open addressing with linear probing; grows at 3/4 full. */
class KeyTable {
  private keys = new Float64Array(64);
  private vals = new Int32Array(64); // reference + 1; 0 = empty
  private mask = 63;
  size = 0;

  get bytes(): number {
    return this.keys.length * 12;
  }

  private slot(key: number): number {
    let h = (key | 0) ^ Math.imul((key / 4294967296) | 0, 0x9e3779b1);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    return (h ^ (h >>> 13)) & this.mask;
  }

  get(key: number): number {
    for (let i = this.slot(key); ; i = (i + 1) & this.mask) {
      const v = this.vals[i];
      if (v === 0) return -1;
      if (this.keys[i] === key) return v - 1;
    }
  }

  set(key: number, ref: number): void {
    for (let i = this.slot(key); ; i = (i + 1) & this.mask) {
      const v = this.vals[i];
      if (v === 0) {
        this.keys[i] = key;
        this.vals[i] = ref + 1;
        if (++this.size * 4 > this.keys.length * 3) this.grow();
        return;
      }
      if (this.keys[i] === key) {
        this.vals[i] = ref + 1;
        return;
      }
    }
  }

  *entries(): Generator<[number, number]> {
    for (let i = 0; i < this.vals.length; i++) if (this.vals[i] !== 0) yield [this.keys[i], this.vals[i] - 1];
  }

  private grow(): void {
    const keys = this.keys, vals = this.vals;
    this.keys = new Float64Array(keys.length * 2);
    this.vals = new Int32Array(vals.length * 2);
    this.mask = this.keys.length - 1;
    this.size = 0;
    for (let i = 0; i < vals.length; i++) if (vals[i] !== 0) this.set(keys[i], vals[i] - 1);
  }
}
