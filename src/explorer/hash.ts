// Owns state fingerprints: two independent 32-bit hashes of a state's words (a 64-bit fingerprint).
// Hand-written on purpose: states are Int32Arrays hashed in the hot loop, word by word, and the
// hashing libraries on npm hash bytes or strings behind a call boundary that costs more than the hash.

/** The first half of the fingerprint (murmur3-style mixing of each word). */
export function hashA(s: Int32Array): number {
  let h = 0x9747b28c | 0;
  for (let i = 0; i < s.length; i++) {
    let k = Math.imul(s[i], 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= s.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The second half, with a different seed and multiplier so the halves are independent. */
export function hashB(s: Int32Array): number {
  let h = 0x2545f491 | 0;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s[i], 0x5bd1e995);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2d);
  return (h ^ (h >>> 15)) >>> 0;
}
