// Owns the deterministic pseudo-random choices of the sampling walks (the search choice's sample, choice.ts, and the
// reduced search's warm-up, dporlearn.ts): a 32-bit linear congruential generator from a fixed seed, so that every
// run walks the same way.

/** A function drawing an index below n at each call, the sequence fixed by the seed. */
export function seededIndex(seed: number): (n: number) => number {
  let x = seed >>> 0;
  return (n) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) % n;
  };
}
