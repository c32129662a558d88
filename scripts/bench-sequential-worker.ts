// Owns the benchmark's one-thread baseline for the 2-worker speed-up: a worker thread of its own that runs the
// full search in one thread (what --workers 1 runs), so that, like the parallel search's workers, its code has
// met only the jobs it is asked to time (the benchmark's main thread has run every scenario by then, which
// slows its own runs of any one of them).
import { parentPort } from 'node:worker_threads';
import '../src/model/scenarios';
import { buildModel } from '../src/model/model';
import { exploreDfs } from '../src/explorer/dfs';
import type { ScenarioSpec } from '../src/model/scenario';

export interface SequentialJob {
  scenario: ScenarioSpec;
  livelock: boolean;
  runs: number;
}

/** Each job: the best wall-clock ms of `runs` full searches, and the states they stored. */
parentPort!.on('message', (j: SequentialJob) => {
  const m = buildModel(j.scenario);
  let best = Infinity, states = 0;
  for (let k = 0; k < j.runs; k++) {
    const t = performance.now();
    states = exploreDfs(m, { livelock: j.livelock }).stats.states;
    best = Math.min(best, performance.now() - t);
  }
  parentPort!.postMessage({ ms: best, states });
});
