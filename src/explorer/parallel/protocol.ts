// Owns what the parallel search's main thread and its workers share: the job, the options each worker
// applies, the shared buffers (fingerprint table, root counter, stop flag) and the result a worker posts.
import type { ScenarioSpec } from '../../model/scenario';
import type { SharedTable } from '../fptable';
import type { DfsRoot, DfsSnapshot } from '../dfs';
import type { OpenEdge } from '../shard';
import type { ExploreStats, Schedule } from '../result';
import type { Violation } from '../../model/model';
import type { MessagePort } from 'node:worker_threads';

/** stop flag values (Int32 at index 0 of `control`); ABANDONED: a worker failed, the others stop waiting;
 * GROW: the table is 3/4 full, the workers pause until the main thread gives them a larger one */
export const RUN = 0, INTERRUPT = 1, VIOLATION = 2, TABLE_FULL = 3, ABANDONED = 4, GROW = 5;

/** Int32 indexes in `control`: the stop flag, the next root to claim, the workers whose search ended, the
 * workers paused for a larger table, and how many times the table grew */
export const STOP = 0, NEXT_ROOT = 1, SEARCHES_DONE = 2, PAUSED = 3, GROWN = 4;
/** ... and the workers a stop bound ended (their stacks go into a checkpoint; then no worker checks cycles) */
export const STOPPED = 5;
export const CONTROL_BYTES = 24;

/** More edges into other workers' states than this are not checked for cycles (the sequential search decides). */
export const MAX_OPEN_EDGES = 100_000;

export interface WorkerInput {
  scenario: ScenarioSpec;
  variants: string[];
  invariants?: string[];
  /** modules to load before building the model: the main thread's --load modules, and tests' own operations */
  preload?: string[];
  deadlock: boolean;
  livelock: boolean;
  maxStates?: number;
  /** absolute deadline (Date.now() ms) for a time budget */
  deadline?: number;
  roots: DfsRoot[];
  /** resuming a checkpoint: the stack this worker had when the search stopped (its transitions count from 0) */
  resume?: DfsSnapshot;
  table: SharedTable;
  /** Int32s: the stop flag, the next root to claim, the workers done searching */
  control: SharedArrayBuffer;
  /** the threads' step graphs (StepGraph bits): the main thread puts the top region's there, each worker ors
   * its own in when its search ends */
  stepGraph: SharedArrayBuffer;
  /** how many workers run this job (a worker checks cycles once they all ended their search) */
  workers: number;
  /** this worker's index in the shared table's counters (1..workers; the main thread is 0) */
  thread: number;
  /** stop, or ask for a larger table (`grow`), when this many states are stored (3/4 of the slots) */
  fullAt: number;
  /** whether the table may grow (else a full table stops the search as bounded), and the port on which the
   * main thread sends the larger table: { table: SharedArrayBuffer, fullAt: number } */
  grow: boolean;
  tables: MessagePort;
}

export interface WorkerOutput {
  verdict: 'clean' | 'violation' | 'bounded';
  violation?: Violation;
  schedule?: Schedule;
  bound?: string;
  /** edges into states another worker was still below, on which no operation completes and no counter moves (possible cycles),
   * and whether one of them lies on a cycle (null: too many edges, or the check ran out of budget), checked
   * by this worker once its search ended; not checked when the search stopped early */
  openEdges: number;
  cycle?: boolean | null;
  /** ms this worker spent on that check */
  cycleMs?: number;
  roots: number;
  /** a stop bound ended the search: this worker's stack, and its edges into other workers' states so far (copies;
   * `edgesOverflow` when there were more than MAX_OPEN_EDGES), for the checkpoint */
  snapshot?: DfsSnapshot;
  edges?: OpenEdge[];
  edgesOverflow?: boolean;
  stats: ExploreStats;
  /** CPU ms of the worker thread's search (-1 where unknown) */
  cpuMs?: number;
  error?: string;
}
