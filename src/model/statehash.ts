// Owns state fingerprints (their one home, imported directly by the searches; also keys over part of a state):
// two independent 32-bit hashes of a state's words (a 64-bit fingerprint), each the xor over the slots of a mix of
// (slot, value) — mixA for half a, mixB for half b — (Zobrist-style, as in "Incremental hashing for SPIN", Nguyen &
// Ruys 2008), so that a step that writes k slots updates its parent's fingerprint with 4k mixes instead of hashing
// the whole state again (World.startHash). Hand-written on purpose: states are Int32Arrays hashed in the hot loop, and the hashing
// libraries on npm hash bytes or strings behind a call boundary that costs more than the hash. The last state's
// halves are remembered for the next request about the same array (the searches take a state's fingerprint,
// then add the same, unmodified, state to the visited set).

/** Half a's mix of value v in slot i (murmur3's finalizer over the value offset by a per-slot constant). */
export function mixA(i: number, v: number): number {
  let x = (v + Math.imul(i + 1, 0x9e3779b1)) | 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return x ^ (x >>> 16);
}

/** Half b's mix: other multipliers and shifts, so that the halves collide independently. */
export function mixB(i: number, v: number): number {
  let x = (Math.imul(v, 0x27d4eb2d) + Math.imul(i + 1, 0x165667b1)) | 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x2c1b3c6d);
  x ^= x >>> 12;
  x = Math.imul(x, 0x297a2d39);
  return x ^ (x >>> 15);
}

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

/** Both hashes of the values of s at the given slots only, into H (a key over part of a state: atommemo.ts); H then
 * holds no state's fingerprint, so nothing is remembered. */
export function hashSlots(s: Int32Array, slots: Int32Array): void {
  last = null;
  let a = 0, b = 0;
  for (let k = 0; k < slots.length; k++) {
    const i = slots[k], v = s[i];
    a ^= mixA(i, v);
    b ^= mixB(i, v);
  }
  H.a = a >>> 0;
  H.b = b >>> 0;
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
