// Owns one worker thread of the parallel search: for each job it is sent, rebuilds the model, then claims roots of the
// shared frontier one at a time and runs the full depth-first search below each, inserting into the shared
// fingerprint table; stops when the main thread, another worker (violation) or the table says so. Then, once
// every worker's search has ended (so the threads' step graphs are complete, stepgraph.ts), checks its edges
// into other workers' states for cycles.
import { parentPort, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { threadCpuMs } from './cpu';
import '../../model/scenarios';
import { buildModel } from '../../model/model';
import { loadUserModules } from '../../model/usermodules';
import { exploreDfs } from '../dfs';
import { FingerprintTable } from '../fptable';
import { closesCycle, type OpenEdge } from '../shard';
import { StepGraph } from '../stepgraph';
import { RUN, VIOLATION, TABLE_FULL, ABANDONED, GROW, MAX_OPEN_EDGES, STOP, NEXT_ROOT, SEARCHES_DONE, PAUSED, GROWN, STOPPED, type WorkerInput, type WorkerOutput } from './protocol';
import { nowMs } from '../clock';

/** This worker's search ended (whatever the reason): its step graphs join the others' (all edges if unknown). */
function searchDone(control: Int32Array, shared: Int32Array, mine: Int32Array | null): void {
  for (let i = 0; i < shared.length; i++) Atomics.or(shared, i, mine ? mine[i] : ~0);
  Atomics.add(control, SEARCHES_DONE, 1);
  Atomics.notify(control, SEARCHES_DONE);
}

/**
 * The table is 3/4 full: pause until the main thread, once every worker still searching is paused, has moved the
 * states to a larger table and sent it (then rebind to it and go on), or stops the search. Returns the new
 * fullAt, or null when the search stops.
 */
function pauseForLargerTable(control: Int32Array, port: MessagePort, shared: FingerprintTable): number | null {
  const grown = Atomics.load(control, GROWN);
  Atomics.add(control, PAUSED, 1);
  while (Atomics.load(control, GROWN) === grown && Atomics.load(control, STOP) === GROW) Atomics.wait(control, GROWN, grown, 20);
  if (Atomics.load(control, GROWN) === grown) return null; // stopped (interrupt, a failed worker, the cap)
  const msg = receiveMessageOnPort(port); // sent before GROWN moved
  if (!msg) throw new Error('parallel search: the larger table did not arrive');
  const { table, fullAt } = msg.message as { table: SharedArrayBuffer; fullAt: number };
  shared.rebind(table);
  return fullAt;
}

/** Waits until every worker's search ended; false when the job was abandoned (a worker failed). */
function allSearchesDone(control: Int32Array, workers: number): boolean {
  for (;;) {
    const n = Atomics.load(control, SEARCHES_DONE);
    if (n >= workers) return true;
    if (Atomics.load(control, STOP) === ABANDONED) return false;
    Atomics.wait(control, SEARCHES_DONE, n, 100);
  }
}

function run(w: WorkerInput): WorkerOutput {
  const cpu0 = threadCpuMs();
  const control = new Int32Array(w.control), sharedSteps = new Int32Array(w.stepGraph);
  let mine: Int32Array | null = null; // this search's step graphs, once it ended
  let m, r, claimed = 0;
  // copies (a state is a view into a 64 KB slab, which it would keep alive), at most MAX_OPEN_EDGES of them
  const openEdges: OpenEdge[] = [];
  try {
    loadUserModules(w.preload ?? []); // the main thread's --load modules (their operations, variants, scenarios)
    m = buildModel(w.scenario, w.variants, w.invariants);
    const shared = new FingerprintTable(0, w.table, w.thread);
    const claim = (): number => {
      if (Atomics.load(control, STOP) !== RUN) return -1;
      const j = Atomics.add(control, NEXT_ROOT, 1);
      if (j >= w.roots.length) return -1;
      claimed++;
      return j;
    };
    let fullAt = w.fullAt;
    const shouldStop = (): boolean => {
      if (shared.size >= fullAt) Atomics.compareExchange(control, STOP, RUN, w.grow ? GROW : TABLE_FULL);
      if (Atomics.load(control, STOP) === GROW) {
        const next = pauseForLargerTable(control, w.tables, shared);
        if (next !== null) fullAt = next;
      }
      return Atomics.load(control, STOP) !== RUN;
    };
    const onOpenEdge = (from: Int32Array, to: Int32Array, actor: number): void => {
      if (openEdges.length < MAX_OPEN_EDGES) openEdges.push([from.slice(), to.slice(), actor]);
    };
    const stepGraph = new StepGraph(m);
    r = exploreDfs(m, {
      roots: w.roots, claim, shared, onOpenEdge, stepGraph, shouldStop, deadlock: w.deadlock, livelock: w.livelock,
      ...(w.resume ? { resume: w.resume } : {}),
      ...(w.maxStates !== undefined ? { maxStates: w.maxStates } : {}),
      ...(w.deadline !== undefined ? { timeBudgetMs: Math.max(1, w.deadline - Date.now()) } : {}),
    });
    if (r.snapshot) Atomics.add(control, STOPPED, 1); // (before this search counts as done)
    if (r.violation) {
      // stop the others, those waiting for a larger table too
      Atomics.compareExchange(control, STOP, RUN, VIOLATION);
      Atomics.compareExchange(control, STOP, GROW, VIOLATION);
    }
    mine = stepGraph.bits;
  } finally {
    searchDone(control, sharedSteps, mine);
    w.tables.close();
  }
  // the edges into other workers' states are checked for cycles here, in parallel with the other workers, once
  // all searches ended: only then are the step graphs complete
  // when another worker's search was stopped by a bound, this worker's edges go into the checkpoint instead
  let cycle: boolean | null | undefined, cycleMs: number | undefined;
  let keepEdges = !!r.snapshot && !r.violation;
  if (w.livelock && r.verdict === 'clean') {
    const t = nowMs();
    if (!allSearchesDone(control, w.workers)) cycle = null;
    else if (Atomics.load(control, STOPPED) > 0) keepEdges = true;
    else if (openEdges.length >= MAX_OPEN_EDGES) cycle = null;
    else cycle = closesCycle(m, openEdges, undefined, new StepGraph(m, Int32Array.from(sharedSteps, (_, i) => Atomics.load(sharedSteps, i))));
    if (!keepEdges) cycleMs = Math.round(nowMs() - t);
  }
  return {
    verdict: r.verdict, ...(r.violation ? { violation: r.violation, schedule: r.schedule } : {}),
    ...(r.bound ? { bound: r.bound } : {}), openEdges: r.openEdges ?? 0, ...(cycle !== undefined ? { cycle, cycleMs } : {}),
    roots: claimed, stats: r.stats, cpuMs: cpu0 < 0 ? -1 : threadCpuMs() - cpu0,
    ...(r.snapshot && !r.violation ? { snapshot: r.snapshot } : {}),
    ...(keepEdges ? { edges: openEdges, edgesOverflow: (r.openEdges ?? 0) > openEdges.length } : {}),
  };
}

/** Jobs come as messages (the pool keeps this thread for the next job); each gets one answer. */
parentPort!.on('message', (w: WorkerInput) => {
  let out: WorkerOutput;
  try {
    out = run(w);
  } catch (e) {
    out = { verdict: 'bounded', openEdges: 0, roots: 0, stats: { states: 0, transitions: 0, maxDepth: 0, ms: 0, statesPerSec: 0, visitedBytes: 0, omission: 0 }, error: (e as Error).stack ?? String(e) };
  }
  parentPort!.postMessage(out);
});
