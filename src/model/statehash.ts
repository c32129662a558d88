// Owns the per-slot mixes of state fingerprints: the fingerprint of a state is the xor over its slots of
// mixA(slot, value) (half a) and of mixB(slot, value) (half b) (explorer/hash.ts), so a step can update its
// parent's fingerprint slot by slot as it writes (World.startHash).

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
