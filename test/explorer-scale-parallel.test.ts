// Parallel full search over worker threads: a complete run stores and expands each state once, so states and
// transitions equal the sequential search's; a violation is decided by the sequential search (same
// violation and counterexample as one worker); workers run under ts-node here and from dist/ in the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel } from '../src/model/model';
import { exploreDfs } from '../src/explorer/dfs';
import { exploreParallel } from '../src/explorer/parallel/search';
import { runJob, runJobAsync } from '../src/explorer/job';
import { closesCycle, topRegion, type OpenEdge } from '../src/explorer/shard';
import { StepGraph } from '../src/explorer/stepgraph';
import type { Model } from '../src/model/model';
import { join } from 'node:path';
import { stressScenarios } from '../src/model/scenarios/stress';
import { findScenario } from '../src/model/scenarios';
import { FingerprintTable } from '../src/explorer/fptable';
import { tiny, traverse } from './helpers';
import './fixtures/spin-ops';

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

test('a shared table that fills up grows 4 times larger while the workers wait, and the search goes on', async () => {
  const shared = stressScenarios.find((s) => s.name === 'stress-shared-domain')!;
  const seq = exploreDfs(buildModel(shared));
  // asked for 2^10 slots, the table starts at the least that leaves room for two workers' inserts between polls
  const p = await exploreParallel({ scenario: shared, variants: [] }, undefined, { workers: 2, tableLog2: 10 });
  assert.equal(p.verdict, 'clean');
  assert.equal(p.stats.states, seq.stats.states, `${seq.stats.states} states do not fit 3/4 of 2^14 slots`);
  assert.equal(p.stats.transitions, seq.stats.transitions);
  // 2^14 slots -> 2^16 -> 2^18 -> 2^20 (3/4 of 2^18 is less than the scenario's states)
  assert.ok(seq.stats.states > 0.75 * 2 ** 18 && seq.stats.states <= 0.75 * 2 ** 20, `${seq.stats.states} states`);
  assert.deepEqual([p.parallel.tableLog2, p.parallel.tableGrowths], [20, 3]);
  // livelock checks too (their kept edges and done flags follow the states to the new slots), without them
  const q = await exploreParallel({ scenario: shared, variants: [] }, undefined, { workers: 2, tableLog2: 10, livelock: false });
  assert.deepEqual([q.verdict, q.stats.states, q.stats.transitions, q.parallel.tableGrowths], ['clean', seq.stats.states, seq.stats.transitions, 3]);
  // with --max-memory the table has the size it allows, and a full one ends the search as bounded
  const capped = await exploreParallel({ scenario: shared, variants: [] }, undefined, { workers: 2, tableLog2: 14, maxMemoryMB: 1 });
  assert.equal(capped.verdict, 'bounded');
  assert.match(capped.bound ?? '', /shared table of 2\^14 slots full/);
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
  const actor = region.frontier[0].schedule.at(-1)![0];
  assert.ok(actor < m.threads);
  assert.equal(closesCycle(m, [[a, b, actor]]), false, 'the initial state is not reachable again');
  // a self-edge closes a cycle trivially
  assert.equal(closesCycle(m, [[b, b, actor]]), true);
  assert.equal(closesCycle(m, [[a, b, actor]], 0), null, 'no budget: undecided');
  // ... unless the step graphs say the thread's step cannot be on a cycle
  const bb = m.apply(b, actor, 0);
  const none = new StepGraph(m);
  assert.equal(closesCycle(m, [[b, bb, actor], [bb, bb, actor]]), true, 'without step graphs, a self-edge counts');
  assert.equal(none.mayCycle(b, bb, actor), false, 'no noted step leads back');
});

/** Every transition of the full search, noted in a step graph (as the workers and the top region do). */
function allTransitions(m: Model): { g: StepGraph; edges: OpenEdge[] } {
  const g = new StepGraph(m), edges: OpenEdge[] = [];
  traverse(m, {
    edge: (s, actor, _choice, x) => {
      g.note(s, x, actor);
      edges.push([s, x, actor]);
    },
  });
  return { g, edges };
}

test('step graphs: a spinner\'s loop may cycle; straight lines and loops whose every round queues a command may not', () => {
  const spin = buildModel(tiny([{ name: 'spinner', ops: [['test_spin2_until_unused']] }, { name: 'user', ops: [['detach', 0]] }], { setup: [['attach', 0, 0]] }));
  const s0 = spin.initial(), s1 = spin.apply(s0, 0, 0);
  const searched = new StepGraph(spin);
  exploreDfs(spin, { shared: new FingerprintTable(0, FingerprintTable.sharedBuffers(12), 1), stepGraph: searched });
  assert.equal(searched.mayCycle(s0, s1, 0), true, 'the spinner reads, pauses and reads again');
  assert.equal(topRegion(spin, 1000).steps.mayCycle(s0, s1, 0), true, 'the top region notes its edges too');
  assert.equal(allTransitions(spin).g.mayCycle(s0, s1, 0), true);
  // straight-line operations (domain_free, detach) have no step on a cycle; a sync's loop over instances queues a
  // command each round (a counter moves), so its queueing steps are on none either
  const flagged = (name: string): string[] => {
    const m = buildModel(findScenario(name));
    const { g, edges } = allTransitions(m);
    const thread = edges.filter((e) => e[2] < m.threads);
    assert.ok(thread.length > 10);
    return [...new Set(thread.filter((e) => g.mayCycle(e[0], e[1], e[2])).map((e) => m.label(e[0], e[2], 0).step))];
  };
  assert.deepEqual(flagged('two-frees-one-domain'), []);
  assert.deepEqual(flagged('two-detaches-one-device'), []);
  // the limit: loops whose progress is in the thread's locals repeat their steps — the sync's scan of the
  // devices' STEs, an unmap of two pages
  assert.deepEqual(flagged('two-instances-share-domain'), ['read device STE']);
  assert.deepEqual(flagged('unmap-racing-dma-with-sync'), ['read pte', 'clear pte']);
});

test('an edge into another worker\'s state is kept for the cycle check unless that state is done before its source', () => {
  // a spinner (two steps: read, pause) and a detach: the spinner's first step leads to a state that "another
  // worker" (the pre-inserted, not done s1) is below; the first worker records the edge from the initial state
  const sc = tiny([{ name: 'spinner', ops: [['test_spin2_until_unused']] }, { name: 'user', ops: [['detach', 0]] }], { setup: [['attach', 0, 0]] });
  const m = buildModel(sc);
  const s0 = m.initial();
  const s1 = m.apply(s0, 0, 0);
  const run = (doneEarly: boolean) => {
    const shared = new FingerprintTable(0, FingerprintTable.sharedBuffers(12), 1);
    const slot1 = shared.addSlot(s1);
    const edges: [Int32Array, Int32Array][] = [];
    let checked = 0;
    const r = exploreDfs(m, {
      shared, roots: [{ state: s0, schedule: [] }],
      onOpenEdge: (from, to, actor) => {
        assert.equal(actor, 0, 'the spinner takes it');
        edges.push([from.slice(), to.slice()]);
      },
      // the other worker finishes s1 after the edge s0 -> s1 was met (s0's first successor), while the initial
      // state's subtree is still being explored (the second state checked is s0's next successor)
      onState: () => { if (++checked === 2 && doneEarly) shared.markDone(slot1); },
    });
    return { r, edges };
  };
  const kept = run(false);
  assert.equal(kept.r.openEdges, 1);
  assert.deepEqual(kept.edges.map(([a, b]) => [[...a], [...b]]), [[[...s0], [...s1]]]);
  const dropped = run(true);
  assert.equal(dropped.r.openEdges, 0, 'the target was done before its source: no cycle can need this edge');
  assert.equal(dropped.edges.length, 0);
});

test('2 workers on a graph with cycles that cross the split: the sequential search decides', async () => {
  // the spinner's read/pause cycle exists in every configuration, the top region's included, so some cycle
  // runs between states the workers did not search themselves
  const fixture = join(__dirname, 'fixtures', 'spin-ops.ts');
  const sc = tiny([{ name: 'spinner', ops: [['test_spin2_until_unused']] }, { name: 'user', ops: [['detach', 0]] },
    { name: 'mapper', ops: [['map', 0, 1, 1], ['unmap', 0, 1, 1]] }, { name: 'dev', ops: [['dma', 0, 0], ['dma', 0, 1]] }],
  { setup: [['attach', 0, 0], ['map', 0, 0, 0]] });
  const seq = exploreDfs(buildModel(sc));
  assert.equal(seq.verdict, 'clean', 'the spinning is not a livelock: the detach it starves is enabled throughout');
  const p = await exploreParallel({ scenario: sc, variants: [] }, undefined, { workers: 2, rootsPerWorker: 4, preload: [fixture] });
  assert.equal(p.deferred, true);
  assert.match(p.parallel.sequential ?? '', /a cycle spans workers/);
  // without livelock checks, cycles do not matter: the workers decide alone, with the sequential state count
  const q = await exploreParallel({ scenario: sc, variants: [] }, undefined, { workers: 2, rootsPerWorker: 4, livelock: false, preload: [fixture] });
  assert.equal(q.deferred, undefined, q.parallel.sequential);
  assert.equal(q.verdict, 'clean');
  assert.equal(q.stats.states, seq.stats.states);
});
