// Owns the visited set of the exact searches: 64-bit state fingerprints (hash.ts; hash compaction, two states
// collide with probability about n^2 / 2^65) in an open-addressing table of 8 bytes a slot. A search's own
// table grows at half load; a table can be dumped and restored (checkpoints), enumerated (shard coverage), and
// placed in a SharedArrayBuffer so several worker threads insert into one table lock-free
// (Atomics.compareExchange on the first half, then the second half published after it). In shared mode the
// second half keeps 31 bits, and its top bit is the slot's 'explored' flag (livelock checks): the flag is read
// on the cache line the lookup just read.
import { H, hash2 } from '../model/statehash';
import type { StateStore } from './visited';

/** Slot layout: [a, b] pairs of Uint32; a === 0 && b === 0 is empty. In shared mode a slot is claimed by a
 * CAS of `a` from 0 to CLAIM and published by writing b, then a; readers spin while a === CLAIM. */
const CLAIM = 0xffffffff;
/** shared mode: the top bit of a slot's second half, set once the state's subtree is fully explored */
const DONE = 0x80000000;
const B_BITS = 0x7fffffff;
/** shared mode: Int32 words between two threads' insertion counters (64 bytes), and the most threads */
const STRIDE = 16;
export const MAX_THREADS = 65;
/** log2 slots a search's own table starts with: most scenarios are small, and the table doubles at half load */
export const SMALL_TABLE = 6;

/** The first half of s's fingerprint as stored: never 0 with a zero second half (an empty slot), never CLAIM. */
function storedA(s: Int32Array): number {
  hash2(s);
  const a = H.a;
  return (a === 0 && H.b === 0) || a === CLAIM ? 1 : a;
}

export class FingerprintTable implements StateStore {
  private table: Uint32Array;
  private mask: number;
  /** shared mode: how many times rebind() moved this view to a larger table (slots change then) */
  generation = 0;
  private localSize = 0;
  /** shared mode: states inserted by each thread, one counter per 64-byte line (no line is written by two
   * threads); this thread's counter is at `own` */
  private readonly counter: Int32Array | null;
  private readonly own: number;

  constructor(capacityLog2 = 16, shared?: SharedTable, thread = 0) {
    this.own = STRIDE * thread;
    if (shared) {
      if (thread < 0 || thread >= MAX_THREADS) throw new Error(`shared table: thread ${thread} of ${MAX_THREADS}`);
      this.table = new Uint32Array(shared.table);
      this.counter = new Int32Array(shared.counter);
      this.mask = this.table.length / 2 - 1;
    } else {
      this.table = new Uint32Array(2 << capacityLog2);
      this.mask = (1 << capacityLog2) - 1;
      this.counter = null;
    }
  }

  /** A table in shared memory for several threads, of 2^capacityLog2 slots (fixed: it does not grow). */
  static sharedBuffers(capacityLog2: number): SharedTable {
    return { table: new SharedArrayBuffer(8 << capacityLog2), counter: new SharedArrayBuffer(4 * STRIDE * MAX_THREADS) };
  }

  /**
   * Shared mode, with every thread that inserts paused: a table of 2^capacityLog2 slots (at least as many as
   * now) holding every fingerprint of this one, done flags included; the counters are kept. The caller hands
   * the new buffers to the other threads (rebind); states then have other slots.
   */
  grown(capacityLog2: number): SharedTable {
    const buffers: SharedTable = { table: new SharedArrayBuffer(8 << capacityLog2), counter: this.counter!.buffer as SharedArrayBuffer };
    const to = new Uint32Array(buffers.table), mask = (1 << capacityLog2) - 1, from = this.table;
    for (let i = 0; i < from.length; i += 2) {
      const a = from[i], b = from[i + 1];
      if (a === 0 && b === 0) continue;
      let j = (a ^ Math.imul(b & B_BITS, 0x9e3779b1)) & mask;
      while (to[2 * j] !== 0 || to[2 * j + 1] !== 0) j = (j + 1) & mask;
      to[2 * j] = a;
      to[2 * j + 1] = b;
    }
    return buffers;
  }

  /** Shared mode: use the larger table grown() made (the counters are the same). */
  rebind(table: SharedArrayBuffer): void {
    this.table = new Uint32Array(table);
    this.mask = this.table.length / 2 - 1;
    this.generation++;
  }

  /** Shared mode: inserts the state; its slot when new, or -1 - slot when it was there already. */
  addSlot(s: Int32Array): number {
    const a = storedA(s);
    return this.insertShared(a, H.b);
  }

  markDone(slot: number): void {
    Atomics.or(this.table, 2 * slot + 1, DONE);
  }

  /** A plain read, of the line the lookup that found the slot just read: a flag read late only makes the caller
   * treat the state as still being explored, which is the cautious answer. */
  isDone(slot: number): boolean {
    return (this.table[2 * slot + 1] & DONE) !== 0;
  }

  get size(): number {
    if (!this.counter) return this.localSize;
    let n = 0;
    for (let i = 0; i < this.counter.length; i += STRIDE) n += Atomics.load(this.counter, i);
    return n;
  }

  get bytes(): number {
    return this.table.byteLength;
  }

  /** about n^2 / 2^(bits + 1) for n states and bits-bit fingerprints (63 in shared mode) */
  get omissionProbability(): number {
    return (this.size * this.size) / 2 ** (this.counter ? 64 : 65);
  }

  /** Shared mode: the fraction of slots in use (the table is full at 3/4). */
  get load(): number {
    return this.size / (this.mask + 1);
  }

  add(s: Int32Array): boolean {
    const a = storedA(s);
    return this.addFingerprint(a, H.b);
  }

  /** Whether a fingerprint, given as its two halves, is in a search's own table (not shared mode). */
  has(a: number, b: number): boolean {
    const t = this.table;
    for (let i = (a ^ Math.imul(b, 0x9e3779b1)) & this.mask; ; i = (i + 1) & this.mask) {
      const ka = t[2 * i], kb = t[2 * i + 1];
      if (ka === 0 && kb === 0) return false;
      if (ka === a && kb === b) return true;
    }
  }

  /** Adds a fingerprint given as its two halves (add, and restoring a checkpoint). */
  addFingerprint(a: number, b: number): boolean {
    return this.counter ? this.insertShared(a, b) >= 0 : this.insert(a, b);
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
    if (++this.localSize * 2 > this.mask) this.grow();
    return true;
  }

  /** The slot of a new fingerprint, or -1 - slot when it was there already. Probes read plainly (a stale empty
   * slot only makes the CAS fail and the slot be read again); a slot is claimed by CAS. */
  private insertShared(a: number, b: number): number {
    const t = this.table;
    b &= B_BITS; // (the top bit is the done flag)
    if (a === 0 && b === 0) a = 1; // (0, 0) is an empty slot
    let i = (a ^ Math.imul(b, 0x9e3779b1)) & this.mask;
    for (let probes = 0; probes <= this.mask; probes++) {
      let ka = t[2 * i];
      if (ka === 0) {
        ka = Atomics.compareExchange(t, 2 * i, 0, CLAIM);
        if (ka === 0) {
          Atomics.store(t, 2 * i + 1, b);
          Atomics.store(t, 2 * i, a);
          Atomics.store(this.counter!, this.own, this.counter![this.own] + 1);
          return i;
        }
      }
      while (ka === CLAIM) ka = Atomics.load(t, 2 * i); // another thread is publishing this slot
      if (ka === a && (Atomics.load(t, 2 * i + 1) & B_BITS) === b) return -1 - i;
      i = (i + 1) & this.mask;
    }
    throw new Error('shared fingerprint table full');
  }

  private grow(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    this.mask = this.mask * 2 + 1;
    this.localSize = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0 || old[i + 1] !== 0) this.insert(old[i], old[i + 1]);
  }

  /** Every stored fingerprint, as [a, b] pairs packed in one array (a checkpoint, or a coverage test); in shared
   * mode with `withDone`, b keeps its done flag (a checkpoint of the parallel search, see addFlagged). */
  fingerprints(withDone = false): Uint32Array {
    const out = new Uint32Array(2 * this.size);
    // one chunk as large as the whole set: its first (and only) yield says how much was filled
    for (const n of this.fingerprintChunks(out, withDone)) return out.subarray(0, n);
    return out;
  }

  /** The stored fingerprints in slot order, a chunk at a time without a copy of them all (a checkpoint's file;
   * fingerprints() is one chunk of them all): fills `into` with [a, b] pairs and yields how many words it filled
   * (the last may be short). */
  *fingerprintChunks(into: Uint32Array, withDone = false): Generator<number> {
    const t = this.table;
    const bMask = this.counter && !withDone ? B_BITS : 0xffffffff;
    let w = 0;
    for (let i = 0; i < t.length; i += 2) {
      if (t[i] === 0 && t[i + 1] === 0) continue;
      into[w++] = t[i];
      into[w++] = t[i + 1] & bMask;
      if (w === into.length) {
        yield w;
        w = 0;
      }
    }
    if (w > 0) yield w;
  }

  /** Shared mode: adds a pair from fingerprints(true), done flag included (restoring a parallel checkpoint). */
  addFlagged(a: number, b: number): void {
    const k = this.insertShared(a, b & B_BITS);
    if ((b & DONE) !== 0) this.markDone(k >= 0 ? k : -1 - k);
  }

  /** A local table holding the given fingerprints. */
  static from(pairs: Uint32Array): FingerprintTable {
    let log2 = 16;
    while ((1 << log2) < pairs.length) log2++;
    const t = new FingerprintTable(log2);
    for (let i = 0; i < pairs.length; i += 2) t.insert(pairs[i], pairs[i + 1]);
    return t;
  }
}

export interface SharedTable {
  table: SharedArrayBuffer;
  counter: SharedArrayBuffer;
}

/** The fingerprint of one state as the string "a:b" (hex), for sets in tests and merges. */
export function fingerprintKey(s: Int32Array): string {
  const a = storedA(s);
  return `${a.toString(16)}:${H.b.toString(16)}`;
}
