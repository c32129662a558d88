// Owns state fingerprints: two independent 32-bit hashes of a state's words (a 64-bit fingerprint).
// Hand-written on purpose: states are Int32Arrays hashed in the hot loop, word by word, and the
// hashing libraries on npm hash bytes or strings behind a call boundary that costs more than the hash.
// Both halves are computed in one pass, and the pass is remembered for the next request about the same
// array (the searches take a state's fingerprint, then add the same, unmodified, state to the visited set).

/** The two halves of the last state hashed. */
export const H = { a: 0, b: 0 };
let last: Int32Array | null = null;

/** Both hashes of s into H: a murmur3-style mix (half a) and a second mix with another seed and multiplier. */
export function hash2(s: Int32Array): void {
  if (s === last) return;
  let h = 0x9747b28c | 0, g = 0x2545f491 | 0;
  for (let i = 0; i < s.length; i++) {
    const x = s[i];
    let k = Math.imul(x, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    g = Math.imul(g ^ x, 0x5bd1e995);
    g ^= g >>> 15;
  }
  h ^= s.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  H.a = (h ^ (h >>> 16)) >>> 0;
  g = Math.imul(g ^ (g >>> 13), 0x27d4eb2d);
  H.b = (g ^ (g >>> 15)) >>> 0;
  last = s;
}

/** Forget the remembered pass (a caller about to modify a state it hashed). */
export function forgetHash(): void {
  last = null;
}

/** A 53-bit fingerprint as one number (a Map key): all of half a and 21 bits of half b. */
export function fingerprint(s: Int32Array): number {
  hash2(s);
  return H.a * 2097152 + (H.b >>> 11);
}
