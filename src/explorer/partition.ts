// Owns the job partition of a sharded run with many jobs (`explore --shard i/N`, `verify --shard i/N` over
// several scenario × variant jobs): the jobs, in the run's own deterministic order, are dealt out round-robin,
// job k (0-based) to shard (k mod N) + 1, so the N shards together run every job exactly once and no shard runs
// more than one job more than another. Each shard's report names the whole job list (keys) so that `merge`
// can check that the shards it is given cover the run exactly. A run of a single job is split inside the job
// instead (shard.ts).
import type { ShardSpec } from './shard';

/** What a shard's report records about the partition it belongs to. */
export interface JobPartition {
  index: number;
  count: number;
  /** the keys of every job of the whole run, in order; this shard ran those at positions index-1, index-1+count, ... */
  keys: string[];
}

/** A job's identity in a partition: scenario, variants and expectation. */
export function jobKey(j: { scenario: string | { name: string }; variants: string[]; expect?: string }): string {
  const name = typeof j.scenario === 'string' ? j.scenario : j.scenario.name;
  return `${name} [${j.variants.join('+') || 'default'}]${j.expect ? ` expect ${j.expect}` : ''}`;
}

/** The jobs shard `shard` runs: every N-th, starting at position index-1. */
export function partitionJobs<T>(jobs: readonly T[], shard: ShardSpec): T[] {
  return jobs.filter((_, k) => k % shard.count === shard.index - 1);
}

/** The positions (in the whole run's job list of `total`) that shard `index` of `count` owns. */
export function positionsOf(index: number, count: number, total: number): number[] {
  const out: number[] = [];
  for (let k = index - 1; k < total; k += count) out.push(k);
  return out;
}
