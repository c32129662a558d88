// Owns the reduced search's visited set: per state key, its subtree summary (every actor's footprint met below
// it, flat: R of each actor then W of each actor) and its fallback flag. Summaries repeat a great deal (the same
// footprints below many states: 6-16x on the independent stress scenarios, 3.4x on stress-shared-domain), so each
// distinct one is stored once and a state holds only a reference to it (reference * 2 + flag), in an
// open-addressing table of typed arrays (a Float64 key and an Int32 reference a slot: 12 bytes, at most half full).
/** Bytes a distinct summary costs beside its words (typed-array header, its hash bucket). */
const DISTINCT_OVERHEAD = 96;

export class SummaryStore {
  private readonly refs = new KeyTable();
  private readonly flats: Uint32Array[] = [];
  private readonly byHash = new Map<number, number | number[]>();

  /** `words`: the length of every summary */
  constructor(readonly words: number) {}

  get size(): number {
    return this.refs.size;
  }

  get distinct(): number {
    return this.flats.length;
  }

  /** Estimated bytes held (entries and distinct summaries). */
  get bytes(): number {
    return this.refs.bytes + this.flats.length * (this.words * 4 + DISTINCT_OVERHEAD);
  }

  /** Stores state `key`'s summary; `flat` may be a scratch array (it is copied when new). */
  set(key: number, flat: Uint32Array, top: boolean): void {
    this.refs.set(key, this.intern(flat) * 2 + (top ? 1 : 0));
  }

  /** The reference of state `key`'s summary, or -1. */
  ref(key: number): number {
    return this.refs.get(key);
  }

  flatOf(ref: number): Uint32Array {
    return this.flats[ref >>> 1];
  }

  topOf(ref: number): boolean {
    return (ref & 1) === 1;
  }

  /** Every (key, reference) pair, and the distinct summaries (for checkpoints). */
  entries(): Iterable<[number, number]> {
    return this.refs.entries();
  }

  distinctFlats(): readonly Uint32Array[] {
    return this.flats;
  }

  /** Restores a saved store: the distinct summaries, then the states' references to them. */
  restore(flats: readonly Uint32Array[], refs: Iterable<[number, number]>): void {
    for (const f of flats) this.intern(f);
    for (const [k, r] of refs) {
      if ((r >>> 1) >= this.flats.length) throw new Error('checkpoint does not match this search: a summary reference is out of range');
      this.refs.set(k, r);
    }
  }

  private intern(flat: Uint32Array): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < flat.length; i++) h = Math.imul(h ^ flat[i], 0x01000193);
    const at = this.byHash.get(h);
    if (at !== undefined) {
      if (typeof at === 'number') {
        if (same(this.flats[at], flat)) return at;
      } else for (const id of at) if (same(this.flats[id], flat)) return id;
    }
    const id = this.flats.length;
    this.flats.push(flat.slice());
    if (at === undefined) this.byHash.set(h, id);
    else if (typeof at === 'number') this.byHash.set(h, [at, id]);
    else at.push(id);
    return id;
  }
}

function same(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** State key -> reference (>= 0), open addressing with linear probing; grows at half full. */
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
        if (++this.size * 2 > this.keys.length) this.grow();
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
