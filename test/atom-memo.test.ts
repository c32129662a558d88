// The reduced search's memo of invariant atoms (explorer/atommemo.ts): an atom known to hold where a state agrees
// with an earlier one on everything the atom reads is not evaluated again; a state that differs there, or an atom
// whose read set grew, is evaluated; a violated atom is never remembered; and the search meets the same states.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FootprintSpace } from '../src/explorer/footprint';
import { exploreDpor } from '../src/explorer/dpor';
import { model } from './helpers';

/** The model with every invariant's evaluations counted (whole checks and atoms alike). */
function counted(name: string, variants: string[] = []) {
  const m = model(name, variants);
  let calls = 0;
  for (const inv of m.invariants) {
    const check = inv.check.bind(inv);
    inv.check = (s, mm) => (calls++, check(s, mm));
    if (inv.checkAtom) {
      const atom = inv.checkAtom.bind(inv);
      inv.checkAtom = (s, mm, k) => (calls++, atom(s, mm, k));
    }
  }
  return { m, calls: () => calls };
}

test('an atom that held is not evaluated again on a state that agrees on what it reads; another state is', () => {
  const { m, calls } = counted('two-instances-share-domain');
  const fs = new FootprintSpace(m);
  const s = m.initial();
  assert.equal(fs.check(s), null);
  const first = calls();
  assert.ok(first > 0);
  assert.equal(fs.check(s.slice()), null);
  assert.equal(calls(), first, 'the same values: nothing evaluated');
  // along a path, the first state that changes what some atom reads: those atoms are evaluated again, the others not
  let n = s, again = 0;
  for (let k = 0; k < 30 && again === 0; k++) {
    const list: number[] = [];
    m.steps(n, list);
    n = m.apply(n, list[0], list[1]);
    fs.check(n);
    again = calls() - first;
  }
  assert.ok(again > 0 && again < first, `${again} of ${first} evaluated again`);
});

test('a violated atom is evaluated every time it is met (never remembered)', () => {
  const { m, calls } = counted('two-instances-share-domain', ['sync-one-instance']);
  const r = exploreDpor(m);
  assert.ok(r.violation, 'the faulty variant is caught');
  const fs = new FootprintSpace(m);
  let s = m.initial();
  for (const [a, c] of r.schedule!) s = m.apply(s, a, c);
  assert.ok(fs.check(s));
  const once = calls();
  assert.equal(fs.check(s)?.invariant, r.violation!.invariant);
  assert.ok(calls() > once, 'the violated atom is evaluated again');
});

test('with the memo the reduced search meets the same states, and evaluates far fewer atoms than states times atoms', () => {
  const { m, calls } = counted('free-racing-attach-detach');
  const r = exploreDpor(m);
  const units = m.invariants.reduce((n, inv) => n + Math.max(inv.atoms?.(m) ?? 0, 1), 0);
  assert.equal(r.stats.states, 931);
  assert.ok(calls() < (r.stats.states * units) / 2, `${calls()} evaluations for ${r.stats.states} states x ${units} atoms`);
});
