// Owns what the searches need of a visited set: the exact one is the fingerprint table (fptable.ts: 64-bit
// fingerprints, hash compaction), the approximate one the bitstate table (bitstate.ts).

export interface StateStore {
  /** Adds the state; true when it was not there yet. */
  add(s: Int32Array): boolean;
  readonly size: number;
  readonly bytes: number;
  readonly omissionProbability: number;
}
