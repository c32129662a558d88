// Owns state fingerprints: two independent 32-bit hashes of a state's words (a 64-bit fingerprint), each the
// xor over the slots of a mix of (slot, value) (Zobrist-style, as in "Incremental hashing for SPIN", Nguyen &
// Ruys 2008), so that a step that writes k slots updates its parent's fingerprint with 4k mixes instead of
// hashing the whole state again (World.startHash). Hand-written on purpose: states are Int32Arrays hashed in
// the hot loop, and the hashing libraries on npm hash bytes or strings behind a call boundary that costs more
// than the hash. The last state's halves are remembered for the next request about the same array (the
// searches take a state's fingerprint, then add the same, unmodified, state to the visited set).

import { mixA, mixB } from '../model/statehash';

/** The two halves of the last state hashed. */
export const H = { a: 0, b: 0 };
let last: Int32Array | null = null;

/** Both hashes of s into H. */
export function hash2(s: Int32Array): void {
  if (s === last) return;
  let a = 0, b = 0;
  for (let i = 0; i < s.length; i++) {
    const v = s[i];
    a ^= mixA(i, v);
    b ^= mixB(i, v);
  }
  H.a = a >>> 0;
  H.b = b >>> 0;
  last = s;
}

/** s's halves are a and b (computed incrementally by its maker): the next request about s needs no pass. */
export function rememberHash(s: Int32Array, a: number, b: number): void {
  H.a = a >>> 0;
  H.b = b >>> 0;
  last = s;
}

/** A 53-bit fingerprint as one number (a Map key): all of half a and 21 bits of half b. */
export function fingerprint(s: Int32Array): number {
  hash2(s);
  return H.a * 2097152 + (H.b >>> 11);
}
