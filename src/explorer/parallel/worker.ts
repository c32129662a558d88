// Owns one worker thread of the parallel search: for each job it is sent, rebuilds the model, then claims roots of the
// shared frontier one at a time and runs the full depth-first search below each, inserting into the shared
// fingerprint table; stops when the main thread, another worker (violation) or the table says so. Then
// checks its edges into other workers' states for cycles.
import { parentPort } from 'node:worker_threads';
import { threadCpuMs } from './cpu';
import '../../model/scenarios';
import { buildModel } from '../../model/model';
import { exploreDfs } from '../dfs';
import { FingerprintTable } from '../fptable';
import { closesCycle } from '../shard';
import { RUN, VIOLATION, TABLE_FULL, MAX_OPEN_EDGES, type WorkerInput, type WorkerOutput } from './protocol';

function run(w: WorkerInput): WorkerOutput {
  const cpu0 = threadCpuMs();
  for (const file of w.preload ?? []) require(file);
  const m = buildModel(w.scenario, w.variants, w.invariants);
  const shared = new FingerprintTable(0, w.table, w.thread);
  const control = new Int32Array(w.control);
  let claimed = 0;
  const claim = (): number => {
    if (Atomics.load(control, 0) !== RUN) return -1;
    const j = Atomics.add(control, 1, 1);
    if (j >= w.roots.length) return -1;
    claimed++;
    return j;
  };
  const shouldStop = (): boolean => {
    if (shared.size >= w.fullAt) Atomics.compareExchange(control, 0, RUN, TABLE_FULL);
    return Atomics.load(control, 0) !== RUN;
  };
  // copies (a state is a view into a 64 KB slab, which it would keep alive), at most MAX_OPEN_EDGES of them
  const openEdges: [Int32Array, Int32Array][] = [];
  const onOpenEdge = (from: Int32Array, to: Int32Array): void => {
    if (openEdges.length < MAX_OPEN_EDGES) openEdges.push([from.slice(), to.slice()]);
  };
  const r = exploreDfs(m, {
    roots: w.roots, claim, shared, onOpenEdge, shouldStop, deadlock: w.deadlock, livelock: w.livelock,
    ...(w.maxStates !== undefined ? { maxStates: w.maxStates } : {}),
    ...(w.deadline !== undefined ? { timeBudgetMs: Math.max(1, w.deadline - Date.now()) } : {}),
  });
  if (r.violation) Atomics.compareExchange(control, 0, RUN, VIOLATION);
  // the edges into other workers' states are checked for cycles here, while the other workers still search
  let cycle: boolean | null | undefined, cycleMs: number | undefined;
  if (w.livelock && r.verdict === 'clean') {
    const t = performance.now();
    cycle = openEdges.length >= MAX_OPEN_EDGES ? null : closesCycle(m, openEdges);
    cycleMs = Math.round(performance.now() - t);
  }
  return {
    verdict: r.verdict, ...(r.violation ? { violation: r.violation, schedule: r.schedule } : {}),
    ...(r.bound ? { bound: r.bound } : {}), openEdges: r.openEdges ?? 0, ...(cycle !== undefined ? { cycle, cycleMs } : {}),
    roots: claimed, stats: r.stats, cpuMs: cpu0 < 0 ? -1 : threadCpuMs() - cpu0,
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
