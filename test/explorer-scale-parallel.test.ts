// Parallel full search over worker threads: a complete run stores and expands each state once, so states and
// transitions equal the sequential search's; a violation is decided by the sequential search (same
// violation and counterexample as one worker); workers run under ts-node here and from dist/ in the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel } from '../src/model/model';
import { exploreDfs } from '../src/explorer/dfs';
import { exploreParallel } from '../src/explorer/parallel/search';
import { runJob, runJobAsync } from '../src/explorer/job';
import { closesCycle, topRegion } from '../src/explorer/shard';
import { join } from 'node:path';
import { stressScenarios } from '../src/model/scenarios/stress';
import { findScenario } from '../src/model/scenarios';

const sc = stressScenarios.find((s) => s.name === 'stress-independent-domains-2')!;

test('2 workers: the same states and transitions as the sequential search, every root explored once', async () => {
  const seq = exploreDfs(buildModel(sc, []));
  const par = await exploreParallel({ scenario: sc, variants: [] }, undefined, { workers: 2 });
  assert.equal(par.deferred, undefined, par.parallel.sequential);
  assert.equal(par.verdict, 'clean');
  assert.equal(par.stats.states, seq.stats.states);
  assert.equal(par.stats.transitions, seq.stats.transitions);
  assert.equal(par.parallel.roots.reduce((a, b) => a + b, 0), par.parallel.frontier);
});

// the built modules (dist/, compiled by npm test before the tests run): their workers start without ts-node
const dist = (m: string) => require(join(__dirname, '..', 'dist', 'src', 'explorer', m));

test('built: a violation found by a worker is decided by the sequential search (same violation and schedule)', async () => {
  const job = { scenario: sc, variants: ['sync-no-wait'] };
  const p = await dist('parallel/search').exploreParallel(job, undefined, { workers: 2, rootsPerWorker: 1 });
  assert.equal(p.deferred, true);
  assert.match(p.parallel.sequential, /a worker found a violation/);
  const one = runJob(job, { reduction: false, minimize: false });
  assert.equal(one.verdict, 'violation');
  const two = await dist('job').runJobAsync(job, { reduction: false, minimize: false, workers: 2, parallelAfter: 0 });
  assert.equal(two.violation?.invariant, one.violation?.invariant);
  assert.deepEqual(two.schedule, one.schedule);
});

test('built: a small job never starts workers; a state budget stops the parallel search as bounded', async () => {
  const small = await runJobAsync({ scenario: findScenario('free-racing-attach-detach'), variants: [] }, { reduction: false, workers: 2 });
  assert.equal(small.parallel, undefined);
  assert.equal(small.verdict, 'clean');
  const b = await dist('parallel/search').exploreParallel({ scenario: sc, variants: [] }, undefined, { workers: 2, maxStates: 2000 });
  assert.equal(b.verdict, 'bounded');
  assert.match(b.bound ?? '', /2000 states/);
});

test('cycle check between workers: a spin loop closes a cycle, a straight line does not', () => {
  const m = buildModel(findScenario('free-racing-attach-detach'), []);
  const region = topRegion(m, 4);
  const [a, b] = [region.top[0].state, region.frontier[0].state];
  assert.equal(closesCycle(m, [[a, b]]), false, 'the initial state is not reachable again');
  // a self-edge closes a cycle trivially
  assert.equal(closesCycle(m, [[b, b]]), true);
  assert.equal(closesCycle(m, [[a, b]], 0), null, 'no budget: undecided');
});
