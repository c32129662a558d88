// Tests of counterexamples: exact replay, shortest traces, and clear errors on corrupt files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runJob } from '../src/explorer/job';
import { findScenario } from '../src/model/scenarios';
import { parseCounterexample, CounterexampleError } from '../src/explorer/counterexample';
import { replayCounterexample } from '../src/explorer/replay';
import { exploreBfs } from '../src/explorer/bfs';
import { exploreDfs } from '../src/explorer/dfs';
import { model } from './helpers';

const job = { scenario: findScenario('unmap-racing-dma-with-sync'), variants: ['sync-no-wait'] };

test('a counterexample survives a JSON round trip and replays the same violation step by step', () => {
  const r = runJob(job);
  const cx = parseCounterexample(JSON.stringify(r.counterexample), 'mem');
  const out = replayCounterexample(cx);
  assert.ok(out.reproduced);
  assert.equal(out.steps.length, r.schedule!.length);
  assert.deepEqual(out.steps, r.counterexample!.trace);
});

test('the saved trace is a shortest one: no schedule of fewer steps reaches the violation', () => {
  const r = runJob(job);
  const b = exploreBfs(model('unmap-racing-dma-with-sync', ['sync-no-wait']));
  assert.equal(r.schedule!.length, b.schedule!.length);
});

test('depth-first and breadth-first agree on every verdict and state count of a clean scenario', () => {
  const m = model('free-racing-attach-detach');
  const d = exploreDfs(m), b = exploreBfs(m);
  assert.equal(d.verdict, 'clean');
  assert.equal(b.verdict, 'clean');
  assert.equal(d.stats.states, b.stats.states);
});

test('bounds are reported as bounds, never as clean', () => {
  const m = model('free-racing-attach-detach');
  const r = exploreDfs(m, { maxStates: 50 });
  assert.equal(r.verdict, 'bounded');
  assert.equal(r.bound, '50 states');
  const d = exploreDfs(m, { maxDepth: 3 });
  assert.equal(d.verdict, 'bounded');
  assert.equal(d.bound, 'depth 3');
});

test('a corrupt counterexample is rejected with a message naming the problem', () => {
  const good = runJob(job).counterexample!;
  const bad = (text: string, re: RegExp) =>
    assert.throws(() => replayCounterexample(parseCounterexample(text, 'cx.json'), 'cx.json'), (e: Error) => e instanceof CounterexampleError && re.test(e.message));
  bad('{', /cx\.json: not valid JSON/);
  bad('[]', /"format" must be/);
  bad(JSON.stringify({ ...good, version: 99 }), /unsupported version 99/);
  bad(JSON.stringify({ ...good, schedule: [[0]] }), /"schedule" must be a list of \[actor, choice\]/);
  bad(JSON.stringify({ ...good, schedule: [[7, 0]] }), /step 1 of the schedule \(actor 7, choice 0\) is not enabled/);
  bad(JSON.stringify({ ...good, variants: ['nope'] }), /unknown variant 'nope'/);
  bad(JSON.stringify({ ...good, scenario: { ...good.scenario, pages: 99 } }), /pages: 99 is out of range/);
});

test('a schedule that reaches no violation is reported as not reproduced', () => {
  const good = runJob(job).counterexample!;
  const out = replayCounterexample({ ...good, schedule: good.schedule.slice(0, 2) });
  assert.equal(out.violation, null);
  assert.equal(out.reproduced, false);
});
