// Owns the reduced search's memo of invariant atoms known to hold. The search evaluates every atom of every new
// state through a proxy that records what it reads (footprint.ts), which costs several times a plain evaluation.
// An atom is a deterministic function of the slots it reads, and it has read only slots of the objects in its
// known read set: so in a state that agrees, on every slot of those objects, with a state where it held, it takes
// the same path, reads the same slots and holds again. Such states are answered here without evaluating it.
// Keys are 64-bit fingerprints of those slots' values (two states that differ there collide with probability
// about n / 2^64 for n keys, as the visited set's fingerprints do). A violated atom is never remembered (its
// message may name more than it read); a read set that grows starts the atom's memo anew.
import { H, hashSlots } from '../model/statehash';
import { FingerprintTable } from './fptable';

/** log2 slots of an atom's table at first: most atoms meet a handful of value combinations (the table doubles) */
const FIRST_LOG2 = 2;

export class AtomMemo {
  /** per object, its slots */
  private readonly objSlots: number[][];
  /** per atom: the read-set version its slot list and table belong to (-1 = none yet), the slots, the keys */
  private readonly version: number[] = [];
  private readonly slots: Int32Array[] = [];
  private readonly held: FingerprintTable[] = [];

  /** slotObj: each slot's object as the invariants see it; objects: how many there are. */
  constructor(slotObj: Int32Array, objects: number) {
    this.objSlots = Array.from({ length: objects }, () => [] as number[]);
    slotObj.forEach((o, i) => this.objSlots[o].push(i));
  }

  /** Bytes held by the keys' tables. */
  get bytes(): number {
    let n = 0;
    for (const t of this.held) if (t) n += t.bytes;
    return n;
  }

  /** Whether atom u (read set `bits`, at version `ver`) is known to hold in s. */
  holds(u: number, bits: Uint32Array, ver: number, s: Int32Array): boolean {
    if (this.version[u] !== ver) return false;
    hashSlots(s, this.slots[u]);
    return this.held[u].has(H.a, H.b);
  }

  /** Atom u, with read set `bits` at version `ver` (after its evaluation), holds in s. */
  note(u: number, bits: Uint32Array, ver: number, s: Int32Array): void {
    if (this.version[u] !== ver) this.restart(u, bits, ver);
    hashSlots(s, this.slots[u]);
    this.held[u].addFingerprint(H.a, H.b);
  }

  private restart(u: number, bits: Uint32Array, ver: number): void {
    const out: number[] = [];
    for (let o = 0; o < this.objSlots.length; o++) if ((bits[o >>> 5] & (1 << (o & 31))) !== 0) out.push(...this.objSlots[o]);
    this.slots[u] = Int32Array.from(out);
    this.held[u] = new FingerprintTable(FIRST_LOG2);
    this.version[u] = ver;
  }
}
