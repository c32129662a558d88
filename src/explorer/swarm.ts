// Owns the swarm: one large job run across N shards (`explore --shard i/N` of one job) as N differently ordered
// full searches, SPIN's swarm verification. Shard i explores the successors of each state in an order drawn from
// (its seed, the state's fingerprint), so the same shard always takes the same order and a checkpoint resumes it;
// shard 1 keeps the model's order. Each shard writes the fingerprints it visited, and `merge` counts their exact
// union: the states the swarm covered. A shard that completes is a proof by itself; shards stopped by bounds are
// together only a coverage, not a proof.
import { readFileSync, writeFileSync } from 'node:fs';
import { UsageError } from '../model/variants';
import { FingerprintTable } from './fptable';
import { bytesOf, wordsOf } from './packing';
import type { ShardSpec } from './shard';

/** The order seed of a shard: 0 (the model's order) for shard 1, else a nonzero 32-bit mix of its index. */
export function swarmSeed(shard: ShardSpec): number {
  if (shard.index === 1) return 0;
  let h = Math.imul(shard.index, 0x9e3779b1) ^ 0x85ebca6b;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) | 1;
}

/** Shuffles the (actor, choice) pairs of a successor list, in an order fixed by (seed, state key). */
export function shufflePairs(list: number[], key: number, seed: number): void {
  let x = (key ^ seed) | 0 || 1;
  for (let i = list.length / 2 - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = (x >>> 0) % (i + 1);
    const a = list[2 * i], c = list[2 * i + 1];
    list[2 * i] = list[2 * j];
    list[2 * i + 1] = list[2 * j + 1];
    list[2 * j] = a;
    list[2 * j + 1] = c;
  }
}

const MAGIC = 'iommu-check/fingerprints/1\n';

/** Writes a shard's visited fingerprints: a header line, then the 64-bit fingerprints as little-endian pairs. */
export function writeFingerprints(file: string, pairs: Uint32Array): void {
  writeFileSync(file, Buffer.concat([Buffer.from(MAGIC), bytesOf(pairs)]));
}

/** Reads a fingerprint file; a UsageError names a missing or corrupt one. */
export function readFingerprints(file: string): Uint32Array {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    throw new UsageError(`merge: cannot read fingerprint file '${file}'`);
  }
  const head = buf.subarray(0, MAGIC.length).toString('latin1');
  if (head !== MAGIC || (buf.length - MAGIC.length) % 8 !== 0) throw new UsageError(`merge: '${file}' is not a fingerprint file of iommu-check (corrupt or truncated)`);
  return wordsOf('u32', buf, (buf.length - MAGIC.length) / 4, `fingerprint file '${file}'`, MAGIC.length);
}

/** The number of distinct fingerprints over several shards' sets. */
export function unionSize(sets: readonly Uint32Array[]): number {
  const total = sets.reduce((a, s) => a + s.length / 2, 0);
  let log2 = 16;
  while (1 << log2 < total * 2) log2++;
  const t = new FingerprintTable(log2);
  for (const s of sets) for (let i = 0; i < s.length; i += 2) t.addFingerprint(s[i], s[i + 1]);
  return t.size;
}
