// Owns the parallel full search (`--workers N`): the main thread explores the top region breadth-first (see
// shard.ts), puts it in a fingerprint table in shared memory, and N worker threads claim the frontier states
// one by one and search below them depth-first, inserting into the one table (lock-free). Each state is
// stored, checked and expanded once, by the worker that inserted it, so a complete run has exactly the states
// and transitions of the sequential search. Verdicts are made deterministic by construction: if any worker
// finds a violation, or a cycle could cross workers (an edge into a state another worker is still below, or a
// back edge in the top region) lies on a cycle while livelocks are checked, the sequential search decides the
// job. Each worker checks its own such edges for cycles once every worker's search is over, in parallel with
// the others; a table 3/4 full grows while the workers wait. A search stopped by a bound or a signal hands back
// its snapshot (snapshot.ts: the table with done flags, each worker's stack, the edges met so far), and one
// resumed from it goes on with the same workers and ends with the uninterrupted search's states and transitions.
import { availableParallelism } from 'node:os';
import { buildModel, type Model } from '../../model/model';
import { loadedModules } from '../../model/origin';
import type { ScenarioSpec } from '../../model/scenario';
import type { DfsResult } from '../dfs';
import { FingerprintTable, MAX_THREADS } from '../fptable';
import { checkTop, closesCycle, topRegion } from '../shard';
import type { ExploreOptions } from '../result';
import type { ParallelInfo } from '../../result/format';
import { RUN, INTERRUPT, TABLE_FULL, ABANDONED, GROW, MAX_OPEN_EDGES, STOP, NEXT_ROOT, SEARCHES_DONE, PAUSED, GROWN, CONTROL_BYTES, type WorkerInput, type WorkerOutput } from './protocol';
import { MessageChannel } from 'node:worker_threads';
import { StepGraph } from '../stepgraph';
import { runOnWorkers } from './pool';
import { POLL_EVERY } from '../limits';
import { toBase64 } from '../packing';
import { UsageError } from '../../model/variants';
import { checkSplit, packEdges, stepGraphOf, unpackEdges, type ParallelSnapshot } from './snapshot';
import type { OpenEdge } from '../shard';
import { nowMs } from '../clock';

export type { ParallelInfo } from '../../result/format';

/** `deferred`: the parallel search did not decide the job (see parallel.sequential); run the sequential one.
 * `resumable`: a stop bound ended it; the snapshot and the table's fingerprints (with done flags) to continue. */
export type ParallelResult = DfsResult & { parallel: ParallelInfo; deferred?: boolean; resumable?: { snapshot: ParallelSnapshot; visited: Uint32Array } };

/** A stopped parallel search to continue: its snapshot and the fingerprints fingerprints(true) gave. */
export interface ParallelResume {
  snapshot: ParallelSnapshot;
  visited: Uint32Array;
}

/** The most worker threads one search runs: the shared table's counters have room for them and the main thread. */
export const MAX_WORKERS = MAX_THREADS - 1;

export function defaultWorkers(): number {
  return Math.min(availableParallelism(), MAX_THREADS - 1);
}

/** The most slots a shared table grows to by itself (8 bytes a slot: 2 GB); --max-memory sets its own size. */
const MAX_GROWN_LOG2 = 28;

/** The shared table's size: room for maxStates, or what --max-memory allows (8 bytes a slot), else 2^20 slots. */
function tableLog2(opts: ExploreOptions, atLeast: number): number {
  let log2 = 20;
  if (opts.maxStates !== undefined) log2 = Math.ceil(Math.log2((opts.maxStates + atLeast) * 2));
  else if (opts.maxMemoryMB !== undefined) log2 = Math.floor(Math.log2((opts.maxMemoryMB * 1048576) / 8));
  while ((1 << log2) * 0.75 < atLeast * 2) log2++;
  return Math.min(Math.max(log2, 12), 30);
}

export async function exploreParallel(job: { scenario: ScenarioSpec; variants: string[] }, invariants: readonly string[] | undefined,
  opts: ExploreOptions & { workers: number; rootsPerWorker?: number; preload?: string[]; tableLog2?: number; resumeParallel?: ParallelResume; model?: Model }): Promise<ParallelResult> {
  const t0 = nowMs();
  const m = opts.model ?? buildModel(job.scenario, job.variants, invariants); // the caller's, when it built one
  const deadlock = opts.deadlock !== false, livelock = opts.livelock !== false;
  const resume = opts.resumeParallel?.snapshot;
  const preload = [...new Set([...(opts.preload ?? []), ...loadedModules().map((m) => m.path)])];
  const rootsPerWorker = resume?.rootsPerWorker ?? opts.rootsPerWorker ?? 64;
  if (resume && resume.workers !== opts.workers) throw new UsageError(`--resume: the checkpoint was taken on ${resume.workers} workers, this run has ${opts.workers} (give --workers ${resume.workers} or none)`);
  const region = topRegion(m, rootsPerWorker * opts.workers);
  if (resume) asUsage(() => checkSplit(resume, region));
  const info: ParallelInfo = { workers: opts.workers, level: region.level, frontier: region.frontier.length, roots: [] };
  const sequential = (why: string): ParallelResult => ({
    verdict: 'bounded', deferred: true, parallel: { ...info, sequential: why },
    stats: { states: 0, transitions: 0, maxDepth: 0, ms: Math.round(nowMs() - t0), statesPerSec: 0, visitedBytes: 0, omission: 0 },
  });
  const bad = checkTop(m, region, deadlock);
  if (bad) return sequential('violation in the top region');
  if (region.frontier.length < opts.workers) return sequential('state space too small to split');
  // a worker sees the table's fill only when it polls (every POLL_EVERY transitions): the table keeps room for
  // what every worker may insert until then
  const headroom = 2 * opts.workers * POLL_EVERY;
  let log2 = Math.max(opts.tableLog2 ?? tableLog2(opts, region.top.length + region.frontier.length), Math.ceil(Math.log2(4 * headroom)), resume?.tableLog2 ?? 0);
  const fullAt = (): number => Math.min(Math.floor((1 << log2) * 0.75), (1 << log2) - headroom);
  const buffers = FingerprintTable.sharedBuffers(log2);
  let table = new FingerprintTable(0, buffers);
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const flags = new Int32Array(control);
  const stepGraph = new SharedArrayBuffer(4 * StepGraph.words(m));
  const words = m.initial().length;
  let earlierEdges: OpenEdge[] = [];
  if (resume) {
    const v = opts.resumeParallel!.visited;
    for (let i = 0; i < v.length; i += 2) table.addFlagged(v[i], v[i + 1]);
    new Int32Array(stepGraph).set(asUsage(() => stepGraphOf(resume, StepGraph.words(m))));
    earlierEdges = asUsage(() => unpackEdges(resume, words));
    flags[NEXT_ROOT] = resume.nextRoot;
  } else {
    for (const r of region.top) table.add(r.state);
    for (const r of region.frontier) table.add(r.state);
    new Int32Array(stepGraph).set(region.steps.bits);
  }
  // the table grows (4 times, up to MAX_GROWN_LOG2 slots) unless --max-memory or --max-states sized it
  const grow = opts.maxMemoryMB === undefined && opts.maxStates === undefined;
  const channels = Array.from({ length: opts.workers }, () => new MessageChannel());
  const input: Omit<WorkerInput, 'thread' | 'tables'> = {
    scenario: job.scenario, variants: job.variants, ...(invariants ? { invariants: [...invariants] } : {}), deadlock, livelock,
    // the modules --load loaded in this thread (a scenario or variant of theirs is unknown to a worker without them)
    ...(preload.length ? { preload } : {}),
    ...(opts.maxStates !== undefined ? { maxStates: opts.maxStates } : {}),
    ...(opts.timeBudgetMs !== undefined ? { deadline: Date.now() + opts.timeBudgetMs } : {}),
    roots: region.frontier, table: buffers, control, stepGraph, workers: opts.workers, fullAt: fullAt(), grow,
  };
  /** Once every worker still searching waits for a larger table: move the states there and send it (or, at the
   * cap, stop the search as bounded). Workers insert nothing while paused, so the copy is whole. */
  const growTable = (): void => {
    if (Atomics.load(flags, PAUSED) + Atomics.load(flags, SEARCHES_DONE) < opts.workers) return;
    if (log2 + 2 > MAX_GROWN_LOG2) {
      Atomics.compareExchange(flags, STOP, GROW, TABLE_FULL);
      return;
    }
    log2 += 2;
    const next = table.grown(log2);
    for (const c of channels) c.port1.postMessage({ table: next.table, fullAt: fullAt() });
    table = new FingerprintTable(0, next);
    info.tableGrowths = (info.tableGrowths ?? 0) + 1;
    Atomics.store(flags, PAUSED, 0);
    Atomics.compareExchange(flags, STOP, GROW, RUN);
    Atomics.add(flags, GROWN, 1);
    Atomics.notify(flags, GROWN);
  };
  let lastProgress = 0;
  // every 5 ms: paused workers wait for growTable
  const poll = setInterval(() => {
    if (opts.shouldStop?.()) {
      Atomics.compareExchange(flags, STOP, RUN, INTERRUPT);
      Atomics.compareExchange(flags, STOP, GROW, INTERRUPT);
    }
    if (Atomics.load(flags, STOP) === GROW) growTable();
    if (opts.onProgress && nowMs() - lastProgress >= 50) {
      lastProgress = nowMs();
      const secs = (nowMs() - t0) / 1000;
      opts.onProgress({ states: table.size, transitions: 0, depth: 0, frontier: region.frontier.length - Math.min(Atomics.load(flags, NEXT_ROOT), region.frontier.length), secs, statesPerSec: Math.round(table.size / Math.max(secs, 1e-3)), bytes: table.bytes + process.memoryUsage().heapUsed });
    }
  }, 5);
  let outs: WorkerOutput[];
  const tw = nowMs();
  try {
    const stackOf = (i: number) => (resume?.stacks[i] ? { resume: { ...resume.stacks[i]!, transitions: 0 } } : {});
    outs = await runOnWorkers(Array.from({ length: opts.workers }, (_, i) => ({ ...input, ...stackOf(i), thread: i + 1, tables: channels[i].port2 })),
      (k) => [channels[k].port2]);
  } catch (e) {
    Atomics.store(flags, STOP, ABANDONED); // the workers still running stop, and none waits for the lost one
    throw e;
  } finally {
    clearInterval(poll);
    for (const c of channels) c.port1.close();
  }
  info.tableLog2 = log2;
  info.searchMs = Math.round(nowMs() - tw);
  const failed = outs.find((o) => o.error);
  if (failed) throw new Error(`parallel search worker failed: ${failed.error}`);
  info.roots = outs.map((o) => o.roots);
  info.workerMs = outs.map((o) => o.stats.ms);
  info.workerCpuMs = outs.map((o) => o.cpuMs ?? -1);
  if (outs.some((o) => o.violation)) return sequential('a worker found a violation: the sequential search reports the same one as --workers 1');
  const flag = Atomics.load(flags, STOP);
  const stopped = flag === INTERRUPT ? 'interrupted' : flag === TABLE_FULL ? `memory (shared table of 2^${log2} slots full; raise --max-memory)` : outs.find((o) => o.bound)?.bound;
  const workerTransitions = (resume?.transitions ?? 0) + outs.reduce((a, o) => a + o.stats.transitions, 0);
  const workerDepth = Math.max(resume?.maxDepth ?? 0, ...outs.map((o) => o.stats.maxDepth));
  if (livelock && !stopped) {
    // a cycle met by no single worker's stack shows as an edge into a state another worker was still below
    // (each worker checked its own such edges) or as a back edge of the top region (checked here, with the
    // edges a resumed search's earlier part met)
    info.openEdges = region.backEdges.length + earlierEdges.length + outs.reduce((a, o) => a + o.openEdges, 0);
    if (resume?.edgesOverflow || outs.some((o) => o.openEdges >= MAX_OPEN_EDGES)) return sequential('too many edges into states other workers were exploring to check for cycles');
    const tc = nowMs();
    const cycles = [closesCycle(m, [...region.backEdges, ...earlierEdges], undefined, new StepGraph(m, new Int32Array(stepGraph).slice())), ...outs.map((o) => o.cycle ?? null)];
    info.cycleCheckMs = Math.round(nowMs() - tc) + Math.max(...outs.map((o) => o.cycleMs ?? 0));
    if (cycles.includes(true)) return sequential('a cycle spans workers: the sequential search checks it for livelock');
    if (cycles.includes(null)) return sequential('checking edges between workers for cycles ran out of budget');
  }
  const states = table.size;
  const transitions = workerTransitions + region.top.reduce((a, r) => { const l: number[] = []; m.steps(r.state, l); return a + l.length / 2; }, 0);
  const ms = Math.max(nowMs() - t0, 0.001);
  const resumable = stopped ? {
    snapshot: {
      workers: opts.workers, rootsPerWorker, level: region.level, top: region.top.length, frontier: region.frontier.length,
      tableLog2: log2, nextRoot: Math.min(Atomics.load(flags, NEXT_ROOT), region.frontier.length), stacks: outs.map((o) => o.snapshot ?? null),
      transitions: workerTransitions, maxDepth: workerDepth, stepGraph: toBase64(new Int32Array(stepGraph)),
      ...edgesOf([...earlierEdges, ...outs.flatMap((o) => o.edges ?? [])], words),
      edgesOverflow: !!resume?.edgesOverflow || outs.some((o) => o.edgesOverflow),
    },
    visited: table.fingerprints(true),
  } : undefined;
  return {
    verdict: stopped ? 'bounded' : 'clean', ...(stopped ? { bound: stopped } : {}), parallel: info,
    ...(resumable ? { resumable } : {}),
    stats: {
      states, transitions, maxDepth: region.level + workerDepth, ms: Math.round(ms),
      statesPerSec: Math.round((states / ms) * 1000), visitedBytes: table.bytes, omission: table.omissionProbability,
    },
  };
}

/** A checkpoint that does not fit this search is the user's input: one line, exit 2. */
function asUsage<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new UsageError(`--resume: ${(e as Error).message}`);
  }
}

function edgesOf(edges: OpenEdge[], words: number): { edges: string; edgeCount: number } {
  return { edges: packEdges(edges, words), edgeCount: edges.length };
}
