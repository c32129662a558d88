// Owns what an exploration returns: the verdict, the violation with the schedule that reaches it, the
// bound that stopped it (if any) and the statistics a report prints.
import type { ExploreStats } from '../result/format';
import { nowMs } from './clock';
export type { Schedule, ExploreStats, ExploreResult } from '../result/format';

export interface ExploreOptions {
  maxStates?: number;
  maxDepth?: number;
  /** report states where nothing can move but some thread has not finished (default true) */
  deadlock?: boolean;
  /** record every distinct violation instead of stopping at the first (checks every invariant per state) */
  collectAll?: boolean;
  /** context bounding: at most this many switches away from a thread that could go on */
  maxPreemptions?: number;
  /** run only the first N operations of each thread */
  maxOpsPerThread?: number;
  /** stop when the process's resident memory (RSS), plus what growing the visited table would add (the new table, twice the old, beside it), exceeds this */
  maxMemoryMB?: number;
  /** stop after this long */
  timeBudgetMs?: number;
  /** report fair cycles in which no operation completes (default true) */
  livelock?: boolean;
  /** polled about every 1024 transitions: true stops the search cleanly (SIGINT) */
  shouldStop?: () => boolean;
  /** yield (see slices.ts) after about this many ms of searching; absent: never yield */
  sliceMs?: number;
  onProgress?: (p: Progress) => void;
  progressEveryMs?: number;
  /** a visited set to use (bitstate mode, or one restored from a checkpoint) */
  visited?: import('./visited').StateStore;
  /** partial-order reduction (default true; depth-first only, off under depth/preemption/op bounds); 'auto':
   * a job picks the reduced or the full search by choice.ts's rule (the searches themselves read it as true) */
  reduction?: boolean | 'auto';
}

export function statsOf(states: number, transitions: number, maxDepth: number, t0: number, visitedBytes: number, omission: number): ExploreStats {
  const ms = Math.max(nowMs() - t0, 0.001);
  return { states, transitions, maxDepth, ms: Math.round(ms), statesPerSec: Math.round((states / ms) * 1000), visitedBytes, omission };
}

export interface Progress {
  states: number;
  transitions: number;
  depth: number;
  /** stack or queue size */
  frontier: number;
  secs: number;
  statesPerSec: number;
  bytes: number;
}
