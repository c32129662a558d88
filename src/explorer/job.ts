// Owns one exploration job (a scenario under a set of variants): search, then shorten a counterexample
// with a bounded breadth-first search, then replay it into a readable trace.
import { buildModel, type Model } from '../model/model';
import type { ScenarioSpec } from '../model/scenario';
import { dfsSearch } from './dfs';
import { toEnd, runSliced, SLICE_MS, type Sliced } from './slices';
import { bfsSearch } from './bfs';
import { dporSearch } from './dpor';
import { BitstateSet } from './bitstate';
import { minimize } from './minimize';
import type { ExploreOptions } from './result';
import type { JobRecord, ExploreResult, ShardInfo } from '../result/format';
export { metExpectation } from '../result/format';
import { replaySchedule } from './trace';
import { makeCounterexample, type Counterexample } from './counterexample';
import { FingerprintTable, SMALL_TABLE } from './fptable';
import { checkBelongs, makeBfsCheckpoint, makeCheckpoint, makeParallelCheckpoint, makeReducedCheckpoint, restoreSharedPairs, restoreTable, shapeOf, type Checkpoint } from './checkpoint';
import { UsageError } from '../model/variants';
import type { DfsResult } from './dfs';
import type { ShardSpec } from './shard';
import { swarmSeed } from './swarm';
import { chooseSearch, type SearchChoice } from './choice';
import { exploreParallel } from './parallel/search';
import { nowMs } from './clock';

export interface JobSpec {
  scenario: ScenarioSpec;
  variants: string[];
  /** the verdict the job should have: 'clean' for correct variants, an invariant id for a faulty one */
  expect?: string;
  /** check only these invariants (a faulty job checks the one it names; options.invariants overrides) */
  invariants?: string[];
}

export interface JobOptions extends ExploreOptions {
  strategy?: 'dfs' | 'bfs';
  /** states the breadth-first shortening may visit (default 200000; 0 = keep the first trace) */
  shortenBudget?: number;
  invariants?: readonly string[];
  /** supertrace: a 2^n-bit table instead of exact fingerprints */
  bitstateLog2?: number;
  /** remove threads, operations and steps from a counterexample while it still replays (default true) */
  minimize?: boolean;
  /** continue the full or the reduced search from this checkpoint (its job must be this job) */
  resume?: Checkpoint;
  /** when a stop bound ends the full or the reduced search, return a checkpoint to continue from (default true) */
  checkpoint?: boolean;
  /** run only this shard of the full search (see shard.ts) */
  shard?: ShardSpec;
  /** worker threads for the full search (runJobAsync; default 1) */
  workers?: number;
  /** runJobAsync: states explored in the calling thread before starting workers (default PARALLEL_AFTER) */
  parallelAfter?: number;
}

export interface JobResult extends JobRecord {
  /** a stop bound ended the full search: where to continue from (not part of the report) */
  checkpoint?: Checkpoint;
  /** a swarm shard: the fingerprints it visited, as (a, b) pairs (written beside the report, not in it) */
  fingerprints?: Uint32Array;
}

/** Jobs that end within this many states are explored in the calling thread only. */
export const PARALLEL_AFTER = 20_000;

/** Why this job cannot run on several workers (null when it can). */
export function parallelObstacle(opts: JobOptions): string | null {
  if (!fullSearch(opts)) return 'the parallel search is the full search: add --no-reduction (and no --shortest or --bitstate)';
  if (opts.shard) return '--workers and --shard do not combine (run each shard as its own job)';
  if (opts.resume && opts.resume.search !== 'parallel') return 'this checkpoint continues a search in one thread: give no --workers';
  if (opts.maxDepth !== undefined || opts.maxPreemptions !== undefined || opts.maxOpsPerThread !== undefined) return 'the parallel search does not take --max-depth, --max-preemptions or --max-ops';
  if (opts.collectAll || opts.visited) return 'the parallel search reports the first violation only';
  return null;
}

/**
 * runJob on `opts.workers` threads when the job allows it (the full search, unbounded in depth): the parallel
 * search decides clean runs; a violation, or a cycle that could span workers, is decided by the sequential
 * search, so verdict, violation and counterexample are those of one worker.
 */
export async function runJobAsync(job: JobSpec, opts: JobOptions = {}): Promise<JobResult> {
  opts = { sliceMs: SLICE_MS, ...opts }; // signal handlers and progress run between slices
  const workers = opts.workers ?? 1;
  if (workers <= 1 || parallelObstacle(opts)) return runSliced(jobSearch(job, opts));
  const resumed = opts.resume?.search === 'parallel' ? opts.resume : undefined;
  // small jobs end before threads would have started: try PARALLEL_AFTER states in this thread first
  const after = opts.parallelAfter ?? PARALLEL_AFTER;
  if (!resumed && after > 0 && (opts.maxStates === undefined || opts.maxStates > after)) {
    const t0 = nowMs();
    const first = await runSliced(jobSearch(job, { ...opts, maxStates: after }));
    if (first.bound !== `${after} states`) return first;
    if (opts.timeBudgetMs !== undefined) opts = { ...opts, timeBudgetMs: Math.max(1, opts.timeBudgetMs - (nowMs() - t0)) };
  }
  const m = buildModel(job.scenario, job.variants, opts.invariants);
  const shape = shapeOf(opts);
  const resumeParallel = resumed ? { snapshot: resumed.parallel!, visited: restoreSharedPairs(resumed, m, shape) } : undefined;
  const p = await exploreParallel(job, opts.invariants, { ...opts, workers, model: m, ...(resumeParallel ? { resumeParallel } : {}) });
  // the sequential search decides from the start (a resumed one too: the parallel search's part is not reused)
  const { resume: _r, ...fresh } = opts;
  if (p.deferred) return { ...(await runSliced(jobSearch(job, fresh))), parallel: p.parallel };
  const { deferred: _d, resumable, ...r } = p;
  const out: JobResult = { scenario: job.scenario.name, variants: job.variants, ...(job.expect ? { expect: job.expect } : {}), ...r };
  if (resumable && opts.checkpoint !== false) {
    attachCheckpoint(out, makeParallelCheckpoint(m, job, opts.invariants, shape, resumable.visited, resumable.snapshot, r.bound ?? 'stop'));
  }
  return out;
}

/** The job's checkpoint, kept out of the report JSON; the CLI drops it once written (it may hold the visited table). */
function attachCheckpoint(out: JobResult, checkpoint: Checkpoint): void {
  Object.defineProperty(out, 'checkpoint', { value: checkpoint, enumerable: false, configurable: true });
}

/** Does this job run the full depth-first search (the one that checkpoints, resumes, shards)? */
export function fullSearch(opts: JobOptions): boolean {
  return opts.strategy !== 'bfs' && !opts.bitstateLog2 && !reductionApplies(opts);
}

export function runJob(job: JobSpec, opts: JobOptions = {}): JobResult {
  return toEnd(jobSearch(job, opts));
}

/** One job (search, shortening, minimizing), yielding at the end of each time slice of its searches (slices.ts). */
export function* jobSearch(job: JobSpec, opts: JobOptions = {}): Sliced<JobResult> {
  if (opts.invariants === undefined && job.invariants) opts = { ...opts, invariants: job.invariants };
  const m = buildModel(job.scenario, job.variants, opts.invariants);
  let found: SearchOutcome | undefined;
  let fingerprints: Uint32Array | undefined;
  // reduction 'auto': a probe of the full search, then choice.ts's rule (a checkpoint continues its own search)
  const auto = opts.reduction === 'auto' && !opts.resume && reductionApplies(opts) && opts.strategy !== 'bfs' && !opts.bitstateLog2;
  let chosen: SearchChoice | undefined;
  if (auto) opts = { ...opts, reduction: false };
  if (fullSearch(opts) && !opts.visited) {
    const full = yield* fullJob(m, job, opts, auto);
    ({ r: found, chosen, fingerprints } = full);
    if (chosen?.search === 'reduced') opts = { ...opts, reduction: true };
  }
  let r: SearchOutcome = found ?? (yield* otherJob(m, job, opts));
  if (opts.bitstateLog2 && r.verdict !== 'violation') {
    r = { ...r, verdict: 'bounded', bound: `${r.bound ? `${r.bound}; ` : ''}bitstate 2^${opts.bitstateLog2} bits: states may have been omitted, p(omission per state) = ${r.stats.omission.toExponential(2)}` };
  }
  const { checkpoint, ...rest } = r;
  const out: JobResult = { scenario: job.scenario.name, variants: job.variants, ...(job.expect ? { expect: job.expect } : {}), ...rest,
    ...(chosen ? { search: { ran: chosen.search, why: chosen.why } } : {}) };
  if (checkpoint) attachCheckpoint(out, checkpoint);
  if (fingerprints) Object.defineProperty(out, 'fingerprints', { value: fingerprints, enumerable: false });
  if (!r.violation || !r.schedule) return out;
  let foundBy = opts.strategy === 'bfs' ? 'explore/bfs (shortest)' : reductionApplies(opts) ? 'explore/dfs+dpor' : 'explore/dfs';
  const budget = opts.shortenBudget ?? 200_000;
  if (opts.strategy !== 'bfs' && budget > 0 && r.schedule.length > 1) {
    const b = yield* bfsSearch(m, { maxStates: budget, maxDepth: r.schedule.length, deadlock: opts.deadlock, shouldStop: opts.shouldStop, sliceMs: opts.sliceMs });
    if (b.violation?.invariant === r.violation.invariant && b.schedule && b.schedule.length <= r.schedule.length) {
      r = { ...r, violation: b.violation, schedule: b.schedule };
      foundBy += ', shortened by bfs';
    }
  }
  out.violation = r.violation;
  out.schedule = r.schedule;
  out.counterexample = counterexampleOf(m, job, r, foundBy, opts.invariants);
  if (opts.minimize !== false) {
    const min = minimize(job.scenario, job.variants, r.schedule!, r.violation!, undefined, opts.invariants);
    const { threads, ops, steps } = min.removed;
    if (threads + ops + steps > 0) {
      const replayed = replaySchedule(min.model, min.schedule);
      out.minimized = makeCounterexample(min.scenario, job.variants, min.violation, min.schedule, replayed.steps,
        `${foundBy}, minimized (removed ${threads} thread(s), ${ops} operation(s), ${steps} step(s))`, opts.invariants, replayed);
    }
  }
  return out;
}

type SearchOutcome = DfsResult & { checkpoint?: Checkpoint; shard?: ShardInfo };

/** The full search probes this many states before the automatic choice is made (smaller jobs end in it). */
export const FULL_PROBE_STATES = 2000;

/**
 * A job's full search: from a checkpoint, as a swarm shard, or plain. With `probe` (reduction 'auto') it stops
 * after FULL_PROBE_STATES states, asks choice.ts, and either goes on from where it stopped (the same table and
 * stack) or hands the job to the reduced search (chosen.search 'reduced', no result).
 */
function* fullJob(m: Model, job: JobSpec, opts: JobOptions, probe: boolean): Sliced<{ r?: SearchOutcome; chosen?: SearchChoice; fingerprints?: Uint32Array }> {
  const { resume: _r, checkpoint: _c, ...dfsOpts } = opts;
  const shape = shapeOf(opts);
  if (opts.resume?.search === 'parallel') {
    const n = opts.resume.parallel!.workers;
    throw new UsageError(`--resume: the checkpoint continues the parallel search on ${n} workers: give --workers ${n} or none`);
  }
  if (opts.resume && !opts.resume.snapshot) throw new UsageError(`--resume: the checkpoint continues the ${opts.resume.search ?? 'full'} search, not the full search`);
  const table = opts.resume ? restoreTable(opts.resume, m, shape) : new FingerprintTable();
  const o = { ...dfsOpts, visited: table, ...(opts.resume ? { resume: opts.resume.snapshot } : {}) };
  if (opts.shard && (opts.maxDepth !== undefined || opts.maxPreemptions !== undefined || opts.maxOpsPerThread !== undefined || opts.collectAll)) {
    throw new UsageError('--shard of one job runs a swarm of full searches: it does not combine with --max-depth, --max-preemptions or --max-ops');
  }
  const cap = probe && (opts.maxStates ?? Infinity) > FULL_PROBE_STATES ? FULL_PROBE_STATES : undefined;
  let r: SearchOutcome = yield* dfsSearch(m, opts.shard ? { ...o, orderSeed: swarmSeed(opts.shard) } : cap ? { ...o, maxStates: cap } : o);
  let chosen: SearchChoice | undefined;
  if (probe) {
    if (!(cap && r.snapshot && r.bound === `${cap} states`)) {
      // ended within the probe: done, or stopped there (a signal, --time, --max-states) before any choice was made
      const why = r.verdict === 'bounded' && r.bound ? `stopped (${r.bound}) within the full search's probe of ${FULL_PROBE_STATES} states, before the choice`
        : `the full search ended within its probe of ${FULL_PROBE_STATES} states`;
      chosen = { search: 'full', why, sampled: 0 };
    }
    else {
      const t0 = nowMs();
      chosen = chooseSearch(m);
      if (chosen.search === 'reduced') return { chosen };
      const before = r.stats.ms + (nowMs() - t0);
      r = yield* dfsSearch(m, { ...o, resume: r.snapshot });
      r.stats.ms = Math.round(r.stats.ms + before);
      r.stats.statesPerSec = Math.round((r.stats.states / Math.max(r.stats.ms, 1)) * 1000);
    }
  }
  let fingerprints: Uint32Array | undefined;
  if (opts.shard) {
    r.shard = { index: opts.shard.index, count: opts.shard.count, seed: swarmSeed(opts.shard) };
    fingerprints = table.fingerprints();
  }
  if (r.snapshot && opts.checkpoint !== false) r.checkpoint = makeCheckpoint(m, job, opts.invariants, shape, table, r.snapshot, r.bound ?? 'stop');
  delete r.snapshot;
  return { r, chosen, fingerprints };
}

/** A job's reduced, breadth-first or bitstate search (the reduced one from a checkpoint when given one). */
function* otherJob(m: Model, job: JobSpec, opts: JobOptions): Sliced<SearchOutcome> {
  if (opts.shard) throw new UsageError('--shard splits the full search only: add --no-reduction (and no --shortest or --bitstate)');
  const reduced = opts.strategy !== 'bfs' && !opts.bitstateLog2 && reductionApplies(opts);
  const kind = opts.strategy === 'bfs' ? 'bfs' : reduced ? 'reduced' : 'bitstate';
  if (opts.resume && (opts.resume.search ?? 'full') !== kind) throw new UsageError(`--resume: the checkpoint continues the ${opts.resume.search === 'bfs' ? 'breadth-first' : opts.resume.search ?? 'full'} search, this run asks for the ${kind === 'bfs' ? 'breadth-first' : kind} search`);
  if (kind === 'bfs') return yield* bfsJob(m, job, opts);
  if (!reduced) return yield* searchSteps(m, opts.bitstateLog2 ? { ...opts, visited: new BitstateSet(opts.bitstateLog2) } : opts);
  const { resume: _r, checkpoint: _c, ...dporOpts } = opts;
  if (opts.resume) checkBelongs(opts.resume, m, shapeOf(opts));
  const { snapshot, ...r } = yield* dporSearch(m, { ...dporOpts, ...(opts.resume ? { resume: opts.resume.reduced } : {}) });
  const out: SearchOutcome = r;
  if (snapshot && opts.checkpoint !== false && !opts.collectAll) out.checkpoint = makeReducedCheckpoint(m, job, opts.invariants, shapeOf(opts), snapshot, r.bound ?? 'stop');
  return out;
}

/** A job's breadth-first search (--shortest), from a checkpoint when given one; a stop bound leaves one. */
function* bfsJob(m: Model, job: JobSpec, opts: JobOptions): Sliced<SearchOutcome> {
  const shape = shapeOf(opts);
  const table = opts.resume ? restoreTable(opts.resume, m, shape) : new FingerprintTable(SMALL_TABLE);
  const { resume: _r, checkpoint: _c, ...bfsOpts } = opts;
  const { snapshot, ...r } = yield* bfsSearch(m, { ...bfsOpts, table, snapshot: opts.checkpoint !== false, ...(opts.resume ? { resume: opts.resume.bfs } : {}) });
  const out: SearchOutcome = r;
  if (snapshot) out.checkpoint = makeBfsCheckpoint(m, job, opts.invariants, shape, table, snapshot, r.bound ?? 'stop');
  return out;
}

/** The search a job runs: breadth-first when asked, else depth-first, reduced unless told not to or bounded. */
export function search(m: Model, opts: ExploreOptions & { strategy?: 'dfs' | 'bfs' }): ExploreResult {
  return toEnd(searchSteps(m, opts));
}

function* searchSteps(m: Model, opts: ExploreOptions & { strategy?: 'dfs' | 'bfs' }): Sliced<ExploreResult> {
  if (opts.strategy === 'bfs') return yield* bfsSearch(m, opts);
  return reductionApplies(opts) ? yield* dporSearch(m, opts) : yield* dfsSearch(m, opts);
}

/**
 * Reduction is on by default; depth, preemption and per-thread operation bounds cut races the reduction
 * relies on, so under them (and in bitstate mode, whose store it does not use) the full search runs.
 */
export function reductionApplies(opts: ExploreOptions): boolean {
  return opts.reduction !== false && opts.maxDepth === undefined && opts.maxPreemptions === undefined
    && opts.maxOpsPerThread === undefined && opts.visited === undefined;
}

function counterexampleOf(m: Model, job: JobSpec, r: ExploreResult, foundBy: string, invariants?: readonly string[]): Counterexample {
  const replayed = replaySchedule(m, r.schedule!);
  return makeCounterexample(job.scenario, job.variants, r.violation!, r.schedule!, replayed.steps, foundBy, invariants, replayed);
}

/** Did the job end as expected (clean for a correct run, caught by the named invariant for a faulty one)? */
