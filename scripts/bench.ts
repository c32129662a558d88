// The explorer benchmark (`npm run bench`): for every built-in scenario (default variants) and the stress
// scenarios, states, transitions, states/s, bytes per stored state, and the reduction ratio (states and
// transitions of the full search over the reduced one). Each figure is measured here, on this machine;
// runs are repeated for at least 300 ms and the best 20 ms batch counts. The speed-up of 2 workers over 1: the
// wall time of the full search in one thread (what --workers 1 runs; timed in a worker thread of its own, see
// bench-sequential-worker.ts) over that of the parallel search on 2 worker threads, best of 7 each, taking
// turns, for runs large enough to start workers; with and without livelock checks.
// Writes reports/bench/explore.{json,md} with --write only (bench-output.ts); other arguments name scenarios.
import { existsSync, readFileSync } from 'node:fs';
import { benchArgs, benchDir, writeBenchFiles } from './bench-output';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { allScenarios } from '../src/model/scenarios';
import { stressScenarios } from '../src/model/scenarios/stress';
import { buildModel } from '../src/model/model';
import { exploreDfs } from '../src/explorer/dfs';
import { exploreDpor } from '../src/explorer/dpor';
import type { ExploreResult } from '../src/explorer/result';
import { markdownTable } from '../src/report/table';
import { exploreParallel } from '../src/explorer/parallel/search';
import { PARALLEL_AFTER } from '../src/explorer/job';
import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SequentialJob } from './bench-sequential-worker';
import type { ScenarioSpec } from '../src/model/scenario';

interface Row {
  scenario: string;
  states: number;
  transitions: number;
  statesPerSec: number;
  bytesPerState: number;
  reducedStates: number;
  reducedTransitions: number;
  reducedStatesPerSec: number;
  stateRatio: number;
  transitionRatio: number;
  speedup2Workers: string;
  /** ms of the full search in one thread and on 2 workers (best of 7), and the cycle check's share of the
   * latter, when measured; the same two without livelock checks */
  ms1Worker?: number;
  ms2Workers?: number;
  cycleCheckMs?: number;
  ms1WorkerNoLivelock?: number;
  ms2WorkersNoLivelock?: number;
}

/**
 * Runs `run` repeatedly for at least 300 ms, in batches of at least 20 ms, and reports the best batch's
 * rate: the machine may be shared, and the best batch is the one least disturbed by other processes.
 */
function timed(run: () => ExploreResult): { r: ExploreResult; statesPerSec: number } {
  let r = run();
  let best = 0;
  const t0 = performance.now();
  do {
    const b0 = performance.now();
    let n = 0, ms = 0;
    do {
      r = run();
      n++;
      ms = performance.now() - b0;
    } while (ms < 20);
    best = Math.max(best, (r.stats.states * n) / (ms / 1000));
  } while (performance.now() - t0 < 300);
  return { r, statesPerSec: Math.round(best) };
}

let sequentialWorker: Worker | null = null;

/** Best of `runs` wall-clock ms of the full search in one thread, timed in a worker of its own (kept for the next). */
function sequentialMs(scenario: ScenarioSpec, livelock: boolean, runs: number): Promise<{ ms: number; states: number }> {
  sequentialWorker ??= new Worker(join(__dirname, 'bench-sequential-worker.js'));
  const w = sequentialWorker;
  return new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
    w.postMessage({ scenario, livelock, runs } satisfies SequentialJob);
  });
}

/** Runs of each kind for the 2-worker speed-up, one-thread and 2-worker runs taking turns (so that a slow spell
 * of the machine, which shares its cores, weighs on both alike); the best of each counts. */
const SPEEDUP_RUNS = 7;

/** Best wall-clock ms of the full search in one thread (what --workers 1 runs) and on 2 workers. */
async function bestWalls(sc: ScenarioSpec, states: number, livelock: boolean): Promise<{ one: number; two: number; cycle: number } | string> {
  let one = Infinity, two = Infinity, cycle = 0;
  for (let k = 0; k < SPEEDUP_RUNS; k++) {
    const seq = await sequentialMs(sc, livelock, 1);
    if (seq.states !== states) throw new Error(`${sc.name}: one thread stored ${seq.states} states, expected ${states}`);
    one = Math.min(one, seq.ms);
    const t = performance.now();
    const p = await exploreParallel({ scenario: sc, variants: [] }, undefined, { workers: 2, livelock });
    if (p.deferred) return `n/a (${p.parallel.sequential})`;
    if (p.stats.states !== states) throw new Error(`${sc.name}: 2 workers stored ${p.stats.states} states, one thread ${states}`);
    const w = performance.now() - t;
    if (w < two) [two, cycle] = [w, p.parallel.cycleCheckMs ?? 0];
  }
  return { one, two, cycle };
}

async function workersSpeedup(sc: ScenarioSpec, states: number): Promise<Pick<Row, 'speedup2Workers' | 'ms1Worker' | 'ms2Workers' | 'cycleCheckMs' | 'ms1WorkerNoLivelock' | 'ms2WorkersNoLivelock'>> {
  if (states <= PARALLEL_AFTER) return { speedup2Workers: `n/a (<= ${PARALLEL_AFTER} states: one thread)` };
  const a = await bestWalls(sc, states, true);
  if (typeof a === 'string') return { speedup2Workers: a };
  const b = await bestWalls(sc, states, false);
  if (typeof b === 'string') return { speedup2Workers: b };
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    speedup2Workers: `${r(a.one / a.two)}x wall (${Math.round(a.one)} / ${Math.round(a.two)} ms, of which cycle check ${a.cycle} ms); --no-livelock: ${r(b.one / b.two)}x (${Math.round(b.one)} / ${Math.round(b.two)} ms)`,
    ms1Worker: Math.round(a.one), ms2Workers: Math.round(a.two), cycleCheckMs: a.cycle,
    ms1WorkerNoLivelock: Math.round(b.one), ms2WorkersNoLivelock: Math.round(b.two),
  };
}

async function bench(sc: ScenarioSpec, name: string): Promise<Row> {
  const m = buildModel(sc);
  const full = timed(() => exploreDfs(m));
  const red = timed(() => exploreDpor(m));
  const f = full.r.stats, d = red.r.stats;
  return {
    scenario: name, states: f.states, transitions: f.transitions, statesPerSec: full.statesPerSec,
    bytesPerState: Math.round((f.visitedBytes / f.states) * 10) / 10,
    reducedStates: d.states, reducedTransitions: d.transitions, reducedStatesPerSec: red.statesPerSec,
    stateRatio: Math.round((f.states / d.states) * 100) / 100, transitionRatio: Math.round((f.transitions / d.transitions) * 100) / 100,
    ...(await workersSpeedup(sc, f.states)),
  };
}

/**
 * States and states/s before the steps were split at shared accesses (explore-before-split.json: the benchmark
 * of the last landing with atomic critical sections, same machine) against this run's, per scenario in both.
 */
function beforeAfter(root: string, rows: Row[]): string {
  const file = join(root, 'explore-before-split.json');
  if (!existsSync(file)) return '';
  const before = new Map((JSON.parse(readFileSync(file, 'utf8')) as { rows: Row[] }).rows.map((r) => [r.scenario, r]));
  const body = rows.filter((r) => before.has(r.scenario)).map((r) => {
    const b = before.get(r.scenario)!;
    return [r.scenario, b.states, r.states, `${Math.round((r.states / b.states) * 10) / 10}x`, b.statesPerSec, r.statesPerSec, b.reducedStates, r.reducedStates].map(String);
  });
  return `\n## Before and after steps were split at shared accesses\n\n${markdownTable([
    ['scenario', 'states before', 'states after', 'growth', 'states/s before (full)', 'states/s after (full)', 'reduced before', 'reduced after'], ...body])}\n`;
}

async function main(): Promise<void> {
const rows: Row[] = [];
const args = benchArgs(process.argv.slice(2));
const only = args.rest;
for (const sc of [...allScenarios(), ...stressScenarios]) {
  if (only.length && !only.includes(sc.name)) continue;
  rows.push(await bench(sc, sc.name));
  process.stderr.write(`${sc.name}: done\n`);
}
await sequentialWorker?.terminate();
const meta = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, date: new Date().toISOString(), loadAverage1m: Math.round(loadavg()[0] * 100) / 100 };
const table = markdownTable([
  ['scenario', 'states', 'transitions', 'states/s (full)', 'bytes/state (visited table)', 'states reduced', 'transitions reduced', 'states/s (reduced)', 'state ratio', 'transition ratio', '2 workers vs 1'],
  ...rows.map((r) => [r.scenario, r.states, r.transitions, r.statesPerSec, r.bytesPerState, r.reducedStates, r.reducedTransitions, r.reducedStatesPerSec, `${r.stateRatio}x`, `${r.transitionRatio}x`, r.speedup2Workers].map(String)),
]);
const split = beforeAfter(benchDir(), rows);
writeBenchFiles(args.out, {
  'explore.json': JSON.stringify({ meta, rows }, null, 1) + '\n',
  'explore.md': `# Explorer benchmark\n\n${meta.date} · node ${meta.node} · ${meta.cpu} (${meta.cores} cores, load average ${meta.loadAverage1m} at the end)\n\n${table}\n${split}`,
}, args.write);
console.log(table);
console.log(split);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
