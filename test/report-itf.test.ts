// Tests of the ITF output (Informal Trace Format, Apalache ADR-015): the shape the spec gives (#meta, vars,
// states with #meta.index 0..n, every variable in every state), the model's fields as variables with their
// values replayed step by step, array fields as #map, big integers as #bigint, a state per step plus the first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runJob } from '../src/explorer/job';
import { findScenario } from '../src/model/scenarios';
import { itfInt, renderItf, type ItfTrace } from '../src/report/itf';

/** ADR-015's value grammar: a JSON value where objects are #bigint, #tup, #set, #map, #unserializable or records. */
function isItfValue(v: unknown): boolean {
  if (typeof v === 'boolean' || typeof v === 'string') return true;
  if (typeof v === 'number') return Number.isSafeInteger(v);
  if (Array.isArray(v)) return v.every(isItfValue);
  if (!v || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  if ('#bigint' in o) return typeof o['#bigint'] === 'string' && /^-?\d+$/.test(o['#bigint'] as string);
  if ('#tup' in o || '#set' in o) return Array.isArray(o['#tup'] ?? o['#set']) && ((o['#tup'] ?? o['#set']) as unknown[]).every(isItfValue);
  if ('#map' in o) return Array.isArray(o['#map']) && (o['#map'] as unknown[]).every((p) => Array.isArray(p) && p.length === 2 && p.every(isItfValue));
  return Object.keys(o).every((k) => !k.startsWith('#')) && Object.values(o).every(isItfValue);
}

function checkShape(t: ItfTrace): void {
  assert.equal(t['#meta'].format, 'ITF');
  assert.ok(Array.isArray(t.vars) && t.vars.every((x) => typeof x === 'string'));
  assert.equal(new Set(t.vars).size, t.vars.length);
  t.states.forEach((s, i) => {
    assert.deepEqual(s['#meta'], { index: i });
    assert.deepEqual(Object.keys(s).filter((k) => k !== '#meta').sort(), [...t.vars].sort(), `state ${i} has every variable`);
    for (const v of t.vars) assert.ok(isItfValue(s[v]), `state ${i}: ${v} = ${JSON.stringify(s[v])}`);
  });
}

test('ITF: each counterexample is a trace of the spec\'s shape, one state before the steps and one after each', () => {
  const r = runJob({ scenario: findScenario('two-instances-share-domain'), variants: ['sync-one-instance'] });
  const cx = r.minimized!;
  const t = renderItf(cx, 'x.min.json');
  checkShape(t);
  assert.equal(t.states.length, cx.trace.length + 1);
  assert.equal(t.states[0].action, 'init');
  assert.ok(t.vars.includes('cmdq.lock') && t.vars.includes('pte'));
  // the lock is taken and released by the driver: its value follows the trace
  const lock = t.states.map((s) => (s['cmdq.lock'] as { '#map': [unknown, number][] })['#map'][0][1]);
  const takeAt = cx.trace.findIndex((s) => /spin_lock\(cmdq->lock\)/.test(s.step));
  const dropAt = cx.trace.findIndex((s) => /spin_unlock\(cmdq->lock\)/.test(s.step));
  assert.equal(lock[takeAt], 0);
  assert.equal(lock[takeAt + 1], 1);
  assert.equal(lock[dropAt + 1], 0);
  // queue slots: element (instance, slot) as a tuple; from the structured diff, the model's raw command words
  const slots = t.states[t.states.length - 1]['cmdq.slot'] as { '#map': [{ '#tup': number[] }, unknown][] };
  assert.ok(slots['#map'].length > 0 && slots['#map'].every(([k, v]) => k['#tup'].length === 2 && (typeof v === 'number' || typeof v === 'object')), JSON.stringify(slots));
  assert.match(String(t['#meta'].description), /violates no-stale-tlb-after-sync/);
});

test('ITF: integers beyond 2^53 are #bigint; structured diffs give raw values', () => {
  assert.deepEqual(itfInt(2 ** 53 + 2), { '#bigint': '9007199254740994' });
  assert.equal(itfInt(-5), -5);
  assert.deepEqual(itfInt(12345678901234567890n), { '#bigint': '12345678901234567890' });
  const r = runJob({ scenario: findScenario('unmap-racing-dma-with-sync'), variants: ['sync-no-wait'] });
  const cx = structuredClone(r.minimized!);
  cx.trace = cx.trace.map((s) => ({ ...s, diff: s.changes.filter((c) => c.startsWith('pte[0][0]')).map(() => ({ field: 'pte', index: 0, from: 1, to: 0, fromText: 'mapped', toText: 'clear' })) }));
  const t = renderItf(cx, 'x');
  checkShape(t);
  assert.deepEqual(t.states[0].pte, { '#map': [[0, 1]] });
  assert.deepEqual(t.states[t.states.length - 1].pte, { '#map': [[0, 0]] });
});
