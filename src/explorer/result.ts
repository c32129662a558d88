// Owns what an exploration returns: the verdict, the violation with the schedule that reaches it, the
// bound that stopped it (if any) and the statistics a report prints.
import type { Violation } from '../model/model';

/** (actor, choice) pairs, in order: the one artifact that replays a run. */
export type Schedule = [number, number][];

export interface ExploreStats {
  states: number;
  transitions: number;
  maxDepth: number;
  ms: number;
  statesPerSec: number;
  visitedBytes: number;
  /** probability that hash compaction merged two distinct states */
  omission: number;
}

export interface ExploreResult {
  /** clean: the whole state space was explored; bounded: a bound stopped the search first */
  verdict: 'clean' | 'violation' | 'bounded';
  violation?: Violation;
  schedule?: Schedule;
  /** which bound was hit, when verdict is 'bounded' */
  bound?: string;
  stats: ExploreStats;
}

export interface ExploreOptions {
  maxStates?: number;
  maxDepth?: number;
  /** report states where nothing can move but some thread has not finished (default true) */
  deadlock?: boolean;
}

export function statsOf(states: number, transitions: number, maxDepth: number, t0: number, visitedBytes: number, omission: number): ExploreStats {
  const ms = Math.max(performance.now() - t0, 0.001);
  return { states, transitions, maxDepth, ms: Math.round(ms), statesPerSec: Math.round((states / ms) * 1000), visitedBytes, omission };
}
