// Tests of the HTML report and its swimlane diagram: lanes per actor, boxes per step, hand-off arrows from the
// data (structured diff first, printed changes as the fallback), the violation marked, model-supplied names
// escaped everywhere, and the replay path working from the report's folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runJob } from '../src/explorer/job';
import { findScenario } from '../src/model/scenarios';
import type { Counterexample, TraceStep } from '../src/result/format';
import { renderHtml } from '../src/report/html';
import { handOffs, lanesOf, renderSwimlane } from '../src/report/swimlane';
import { changesOf } from '../src/report/changes';
import { viewOfSaved } from '../src/cli/saved';

function found(scenario: string, variant: string): Counterexample {
  const r = runJob({ scenario: findScenario(scenario), variants: [variant] });
  assert.ok(r.minimized ?? r.counterexample, `${scenario} [${variant}] finds a counterexample`);
  return structuredClone(r.minimized ?? r.counterexample!);
}

/** The counterexample with its scenario, thread and message made hostile markup. */
function hostile(cx: Counterexample): Counterexample {
  const evil = (s: string) => `<script>alert("${s}")</script><img src=x onerror=alert(1)>&`;
  const names = new Map(cx.scenario.threads.map((t) => [t.name, evil(t.name)]));
  cx.scenario = { ...cx.scenario, name: evil('scenario'), threads: cx.scenario.threads.map((t) => ({ ...t, name: names.get(t.name)! })) };
  cx.trace = cx.trace.map((t) => ({ ...t, thread: names.get(t.thread) ?? t.thread, step: t.step + ' <b>' }));
  cx.violation = { invariant: cx.violation!.invariant, message: evil('message') };
  return cx;
}

function saveIn(cx: Counterexample): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'iommu-check-html-'));
  mkdirSync(join(dir, 'counterexamples'));
  const file = join(dir, 'counterexamples', 'x.min.json');
  writeFileSync(file, JSON.stringify(cx));
  return { dir, file };
}

test('the diagram has a lane per actor (threads and hardware), a box per step, the violating step marked', () => {
  const cx = found('two-instances-share-domain', 'sync-one-instance');
  const actors = new Set(cx.trace.map((t) => t.thread));
  assert.ok([...actors].some((a) => /cmdq-consumer/.test(a)), 'the trace has a hardware actor');
  const svg = renderSwimlane(cx);
  assert.equal((svg.match(/<g class="lane"/g) ?? []).length, actors.size);
  assert.equal((svg.match(/<g class="step/g) ?? []).length, cx.trace.length);
  assert.equal((svg.match(/class="step violation"/g) ?? []).length, 1);
  assert.match(svg, new RegExp(`data-step="${cx.trace[cx.trace.length - 1].n}" data-lane`));
  assert.deepEqual(lanesOf(cx).slice(0, 1), [cx.scenario.threads.find((t) => actors.has(t.name))!.name], 'CPU threads come first');
  // the driver queued commands that the consumer executed: queue arrows, from the driver's lane to the consumer's
  const hs = handOffs(cx.trace).filter((h) => h.kind === 'queue');
  assert.ok(hs.length > 0);
  for (const h of hs) assert.notEqual(cx.trace[h.from].thread, cx.trace[h.to].thread);
  assert.equal((svg.match(/class="handoff queue"/g) ?? []).length, hs.length);
  // the consumer's CONS reached the PROD the driver wrote: the driver's next step sees its commands complete
  const done = handOffs(cx.trace).filter((h) => h.kind === 'complete');
  assert.equal(done.length, 1);
  assert.match(cx.trace[done[0].from].thread, /cmdq-consumer/);
  assert.match(cx.trace[done[0].to].step, /wait for CMD_SYNC/);
  assert.equal((svg.match(/class="handoff complete"/g) ?? []).length, 1);
});

test('a lock released by one thread and taken by another is a lock hand-off arrow; ghosts and same-thread changes are not', () => {
  const step = (n: number, thread: string, changes: string[]): TraceStep => ({ n, thread, op: 'op()', step: `s${n}`, changes });
  const trace = [
    step(1, 'a', ['domain.lock[0]: 0 -> 1', 'ghost.x[0]: 0 -> 1']),
    step(2, 'a', ['domain.lock[0]: 1 -> 0', 'ghost.x[0]: 1 -> 0']),
    step(3, 'b', ['domain.lock[0]: 0 -> 1', 'ghost.x[0]: 0 -> 2', 'domain.refs[0]: 1 -> 2']),
  ];
  assert.deepEqual(handOffs(trace), [{ from: 1, to: 2, key: 'domain.lock[0]', kind: 'lock' }]);
  // PROD written by two producers is no hand-off; CONS reaching the first one's PROD completes its commands
  const q = [
    step(1, 'a', ['q.prod[0]: 0 -> 1']), step(2, 'b', ['q.prod[0]: 1 -> 2']), step(3, 'hw', ['q.cons[0]: 0 -> 1']),
    step(4, 'b', []), step(5, 'a', []), step(6, 'hw', ['q.cons[0]: 1 -> 2']), step(7, 'b', []),
  ];
  assert.deepEqual(handOffs(q), [{ from: 2, to: 4, key: 'q.cons[0] = 1', kind: 'complete' }, { from: 5, to: 6, key: 'q.cons[0] = 2', kind: 'complete' }]);
});

test('the structured diff is read when the trace has it, the printed changes otherwise', () => {
  const t: TraceStep = {
    n: 1, thread: 'a', op: 'free()', step: 'mark freed', changes: ['domain.state[0]: 1 -> 2'],
    diff: [{ field: 'domain.state', index: 0, from: 1, to: 2, fromText: 'LIVE', toText: 'FREED' }, { field: 'ghost.freed', from: 0, to: 1, fromText: '0', toText: '1', ghost: true }],
  };
  assert.deepEqual(changesOf(t).map((c) => [c.key, c.fromText, c.toText, c.ghost]), [['domain.state[0]', 'LIVE', 'FREED', false], ['ghost.freed', '0', '1', true]]);
  assert.deepEqual(changesOf({ ...t, diff: undefined }).map((c) => [c.key, c.fromText, c.toText]), [['domain.state[0]', '1', '2']]);
});

test('HTML report: summary, invariant description, diagram, state diff, violating row, replay path from the report folder', () => {
  const cx = found('unmap-racing-dma-with-sync', 'sync-no-wait');
  const { dir, file } = saveIn(cx);
  const html = renderHtml(viewOfSaved({ kind: 'counterexample', cx }, file, dir));
  assert.match(html, /^<!DOCTYPE html>/);
  assert.match(html, /<table class="summary">/);
  assert.match(html, /<p class="invariant"><b>no-stale-tlb-after-sync<\/b>: once a sync/);
  assert.match(html, /<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="swimlane"/);
  assert.equal((html.match(/<tr class="trace-step/g) ?? []).length, cx.trace.length);
  assert.equal((html.match(/<tr class="trace-step violating"/g) ?? []).length, 1);
  assert.match(html, /cmdq\.lock\[0\]: free → held by driver/);
  const replay = /<code class="replay">npx iommu-check replay ([^<]+)<\/code>/.exec(html);
  assert.ok(replay);
  assert.equal(replay[1], 'counterexamples/x.min.json');
  assert.ok(existsSync(join(dir, replay[1])));
  assert.doesNotMatch(html, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/, 'nothing fetched from the network');
  assert.doesNotMatch(html, /<script/i);
});

test('model-supplied names are escaped everywhere: a scenario, thread or message with <script> renders as text', () => {
  const cx = hostile(found('two-instances-share-domain', 'sync-one-instance'));
  const { dir, file } = saveIn(cx);
  const html = renderHtml(viewOfSaved({ kind: 'counterexample', cx }, file, dir));
  assert.doesNotMatch(html, /<script|<img/i);
  assert.doesNotMatch(html, /goto end <b>/);
  assert.match(html, /goto end &lt;b&gt;/);
  assert.match(html, /&lt;script&gt;alert\(&quot;scenario&quot;\)&lt;\/script&gt;&lt;img src=x onerror=alert\(1\)&gt;&amp;/);
  assert.match(html, /data-lane="&lt;script&gt;alert\(&quot;driver/);
  assert.match(html, /&lt;script&gt;alert\(&quot;message&quot;\)/);
});

test('HTML report: the set-up, the initial state and the violating state with the fields the invariant read, when the trace has them', () => {
  const cx = found('unmap-racing-dma-with-sync', 'sync-no-wait');
  cx.prologue = ['attach device 0 to domain 0', 'map <page> 0'];
  cx.initial = [{ field: 'pte', index: 0, value: 1, text: 'maps phys 0' }];
  cx.final = [{ field: 'pte', index: 0, value: 0, text: 'clear' }, { field: 'iotlb', index: 0, value: 1, text: 'maps phys 0', read: true }];
  const { dir, file } = saveIn(cx);
  const html = renderHtml(viewOfSaved({ kind: 'counterexample', cx }, file, dir));
  assert.match(html, /<ul class="prologue"><li>attach device 0 to domain 0<\/li><li>map &lt;page&gt; 0<\/li><\/ul>/);
  assert.match(html, /<table class="initial">.*<td>pte\[0\]<\/td><td>maps phys 0<\/td>/s);
  assert.match(html, /<table class="final">.*<tr class=""><td>pte\[0\]<\/td><td>clear<\/td><td><\/td><\/tr><tr class="read"><td>iotlb\[0\]<\/td><td>maps phys 0<\/td><td>read by the invariant<\/td><\/tr>/s);
});

test('the HTML leaves ghost fields out of the state diffs and the state tables, and says how to see them', () => {
  const cx = found('two-instances-share-domain', 'sync-one-instance');
  assert.ok(cx.trace.some((t) => t.diff?.some((c) => c.ghost)), 'the trace has ghost changes');
  const { dir, file } = saveIn(cx);
  const html = renderHtml(viewOfSaved({ kind: 'counterexample', cx }, file, dir));
  assert.doesNotMatch(html, /ghost\./);
  assert.match(html, /--show-ghosts/);
  assert.match(html, /cmdq\.lock\[0\]: free → held by driver/);
});
