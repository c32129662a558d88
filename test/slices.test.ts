// Sliced searches (slices.ts): run under the async driver, each search (full, reduced, breadth-first, a whole
// job) gives the event loop turns while it runs, and visits exactly what it visits run synchronously; a stop
// request set from a timer (as a signal handler would) stops it as 'interrupted'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel } from '../src/model/model';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dfsSearch, exploreDfs } from '../src/explorer/dfs';
import { dporSearch, exploreDpor } from '../src/explorer/dpor';
import { bfsSearch, exploreBfs } from '../src/explorer/bfs';
import { runSliced } from '../src/explorer/slices';
import { runJob, runJobAsync } from '../src/explorer/job';
import { findScenario } from '../src/model/scenarios';
import type { ExploreResult } from '../src/result/format';

const tlb = JSON.parse(readFileSync(join(__dirname, '..', 'bench', 'spin', 'tlb-p3-t2.json'), 'utf8'));

/** Runs a sliced search while counting the event-loop turns taken during it. */
async function counted<R>(g: Generator<void, R, void>): Promise<{ r: R; turns: number }> {
  let turns = 0, on = true;
  const tick = (): void => {
    if (!on) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  const r = await runSliced(g);
  on = false;
  return { r, turns };
}

for (const [name, sliced, plain] of [
  ['full', dfsSearch, exploreDfs],
  ['reduced', dporSearch, exploreDpor],
  ['breadth-first', bfsSearch, exploreBfs],
] as const) {
  test(`the ${name} search, sliced every 2 ms, takes event-loop turns and visits what it visits unsliced`, async () => {
    const m = buildModel(tlb);
    const want = plain(m, { maxStates: 6000 });
    const { r, turns } = await counted(sliced(m, { maxStates: 6000, sliceMs: 2 }) as Generator<void, ExploreResult, void>);
    assert.equal(r.stats.states, want.stats.states);
    assert.equal(r.stats.transitions, want.stats.transitions);
    assert.equal(r.verdict, want.verdict);
    assert.ok(turns > 1, `${turns} turns`);
  });
}

test('a job run by runJobAsync stops as interrupted when a timer sets its stop request', async () => {
  let stop = false;
  setTimeout(() => (stop = true), 30);
  const r = await runJobAsync({ scenario: tlb, variants: [] }, { shouldStop: () => stop, reduction: false, workers: 1 });
  assert.equal(r.verdict, 'bounded');
  assert.equal(r.bound, 'interrupted');
  assert.ok(r.checkpoint, 'the full search leaves a checkpoint');
});

test('a faulty job gives the same counterexample sliced and unsliced', async () => {
  const job = { scenario: findScenario('unmap-racing-dma-with-sync'), variants: ['sync-no-wait'] };
  const a = runJob(job);
  const b = await runJobAsync(job, { sliceMs: 1 });
  assert.deepEqual(b.schedule, a.schedule);
  assert.deepEqual(b.minimized?.schedule, a.minimized?.schedule);
});
