// Checkpoint and resume of the full search: a run stopped by a state budget writes a checkpoint; resuming it
// (through the file) reaches the same verdict, states and transitions as an uninterrupted run; corrupt and
// mismatched checkpoints are refused with a usage error; the reduced search cannot resume.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runJob, type JobResult } from '../src/explorer/job';
import { readCheckpoint, writeCheckpoint } from '../src/explorer/checkpoint';
import { stressScenarios } from '../src/model/scenarios/stress';
import { findScenario } from '../src/model/scenarios';
import { UsageError } from '../src/model/variants';

const sc = stressScenarios.find((s) => s.name === 'stress-independent-domains-2')!;
const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));

function viaFile(r: JobResult, name: string): ReturnType<typeof readCheckpoint> {
  assert.ok(r.checkpoint, 'a stopped full search returns a checkpoint');
  const file = join(dir, name);
  writeCheckpoint(file, r.checkpoint);
  return readCheckpoint(file);
}

test('interrupted twice and resumed, the full search ends as an uninterrupted one', () => {
  const whole = runJob({ scenario: sc, variants: [] }, { reduction: false });
  assert.equal(whole.verdict, 'clean');
  assert.ok(whole.stats.states > 3000, `${whole.stats.states} states`);
  const a = runJob({ scenario: sc, variants: [] }, { reduction: false, maxStates: 1000 });
  assert.equal(a.verdict, 'bounded');
  assert.equal(a.stats.states, 1000);
  const b = runJob({ scenario: sc, variants: [] }, { reduction: false, maxStates: 2500, resume: viaFile(a, 'a.json') });
  assert.equal(b.verdict, 'bounded');
  assert.equal(b.stats.states, 2500);
  const c = runJob({ scenario: sc, variants: [] }, { reduction: false, resume: viaFile(b, 'b.json') });
  assert.equal(c.verdict, 'clean');
  assert.equal(c.stats.states, whole.stats.states);
  assert.equal(c.stats.transitions, whole.stats.transitions);
  assert.equal(c.checkpoint, undefined);
});

test('a resumed faulty run finds the violation the uninterrupted run finds', () => {
  const s = findScenario('free-racing-attach-detach');
  const job = { scenario: s, variants: ['free-ignores-attach-count'] };
  const whole = runJob(job, { reduction: false, minimize: false });
  assert.equal(whole.verdict, 'violation');
  const a = runJob(job, { reduction: false, minimize: false, maxStates: 5 });
  assert.equal(a.verdict, 'bounded');
  const r = runJob(job, { reduction: false, minimize: false, shortenBudget: 0, resume: viaFile(a, 'f.json') });
  const w0 = runJob(job, { reduction: false, minimize: false, shortenBudget: 0 });
  assert.equal(r.violation?.invariant, whole.violation?.invariant);
  assert.deepEqual(r.schedule, w0.schedule);
  assert.equal(r.stats.states, w0.stats.states);
});

test('a corrupt or mismatched checkpoint is refused with a usage error', () => {
  const a = runJob({ scenario: sc, variants: [] }, { reduction: false, maxStates: 300 });
  const file = join(dir, 'c.json');
  writeCheckpoint(file, a.checkpoint!);
  const text = readFileSync(file, 'utf8');
  writeFileSync(join(dir, 'edited.json'), text.replace('"transitions":', '"transitions":1'));
  assert.throws(() => readCheckpoint(join(dir, 'edited.json')), (e: Error) => e instanceof UsageError && /corrupt/.test(e.message));
  writeFileSync(join(dir, 'trunc.json'), text.slice(0, 100));
  assert.throws(() => readCheckpoint(join(dir, 'trunc.json')), UsageError);
  assert.throws(() => readCheckpoint(join(dir, 'missing.json')), /cannot read/);
  const c = readCheckpoint(file);
  assert.throws(() => runJob({ scenario: sc, variants: [] }, { reduction: false, maxDepth: 40, resume: c }), /search options/);
  const other = findScenario('free-racing-attach-detach');
  assert.throws(() => runJob({ scenario: other, variants: [] }, { reduction: false, resume: c }), /different model/);
  assert.throws(() => runJob({ scenario: sc, variants: [] }, { resume: c }), /the checkpoint continues the full search, this run asks for the reduced search/);
});

for (const name of ['free-racing-attach-detach', 'device-rebound-racing-unbind']) {
  test(`${name}: the reduced search stopped three times and resumed through files ends as an uninterrupted one`, () => {
    const job = { scenario: findScenario(name), variants: [] };
    const whole = runJob(job);
    assert.equal(whole.verdict, 'clean');
    let r = runJob(job, { maxStates: 100 });
    for (const [k, more] of [[1, 200], [2, 400]] as const) {
      assert.equal(r.verdict, 'bounded');
      const c = viaFile(r, `${name}-r${k}.json`);
      assert.equal(c.search, 'reduced');
      r = runJob(job, { maxStates: r.stats.states + more, resume: c });
    }
    r = runJob(job, { resume: viaFile(r, `${name}-r3.json`) });
    assert.equal(r.verdict, 'clean');
    assert.equal(r.stats.states, whole.stats.states);
    assert.equal(r.stats.transitions, whole.stats.transitions);
  });
}

test('a resumed reduced faulty run finds the violation, with the schedule, of the uninterrupted run', () => {
  const job = { scenario: findScenario('free-racing-attach-detach'), variants: ['free-ignores-attach-count'] };
  const o = { minimize: false, shortenBudget: 0 };
  const whole = runJob(job, o);
  assert.equal(whole.verdict, 'violation');
  const a = runJob(job, { ...o, maxStates: 20 });
  assert.equal(a.verdict, 'bounded');
  const r = runJob(job, { ...o, resume: viaFile(a, 'rf.json') });
  assert.equal(r.violation?.invariant, whole.violation?.invariant);
  assert.deepEqual(r.schedule, whole.schedule);
  assert.equal(r.stats.states, whole.stats.states);
});

test('a reduced checkpoint is refused by the full search, and an edited one as corrupt', () => {
  const a = runJob({ scenario: sc, variants: [] }, { maxStates: 100 });
  const c = viaFile(a, 'rc.json');
  assert.throws(() => runJob({ scenario: sc, variants: [] }, { reduction: false, resume: c }), /continues the reduced search/);
  const text = readFileSync(join(dir, 'rc.json'), 'utf8');
  writeFileSync(join(dir, 'rc-edited.json'), text.replace('"round":', '"round":1'));
  assert.throws(() => readCheckpoint(join(dir, 'rc-edited.json')), (e: Error) => e instanceof UsageError && /corrupt/.test(e.message));
});

test('the breadth-first search stopped twice and resumed ends as an uninterrupted one, with the same shortest counterexample', () => {
  const clean = { scenario: findScenario('device-rebound-racing-unbind'), variants: [] };
  const whole = runJob(clean, { strategy: 'bfs' });
  let r = runJob(clean, { strategy: 'bfs', maxStates: 500 });
  assert.equal(r.verdict, 'bounded');
  const c1 = viaFile(r, 'b1.json');
  assert.equal(c1.search, 'bfs');
  r = runJob(clean, { strategy: 'bfs', maxStates: 2500, resume: c1 });
  r = runJob(clean, { strategy: 'bfs', resume: viaFile(r, 'b2.json') });
  assert.equal(r.verdict, whole.verdict);
  assert.equal(r.stats.states, whole.stats.states);
  assert.equal(r.stats.transitions, whole.stats.transitions);
  const faulty = { scenario: findScenario('free-racing-attach-detach'), variants: ['free-ignores-attach-count'] };
  const o = { strategy: 'bfs' as const, minimize: false };
  const w = runJob(faulty, o);
  const f = runJob(faulty, { ...o, resume: viaFile(runJob(faulty, { ...o, maxStates: 30 }), 'bf.json') });
  assert.equal(f.violation?.invariant, w.violation?.invariant);
  assert.deepEqual(f.schedule, w.schedule);
  assert.throws(() => runJob(clean, { resume: c1 }), /continues the breadth-first search/);
});
