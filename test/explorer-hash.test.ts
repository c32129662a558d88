// State fingerprints: the fingerprint a step updates write by write (Model.applyHashed) is the one a full
// pass over the new state gives, on every built-in and stress scenario, also for a step taken on its parent and
// undone (Model.stepInPlace); and the halves tell states apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allScenarios } from '../src/model/scenarios';
import { stressScenarios } from '../src/model/scenarios/stress';
import { buildModel } from '../src/model/model';
import { H, hash2 } from '../src/model/statehash';
import { traverse } from './helpers';

/** Both halves by a full pass over a copy (a fresh array: nothing remembered). */
function fullHash(s: Int32Array): [number, number] {
  hash2(s.slice());
  return [H.a, H.b];
}

test('a step updates its parent\'s fingerprint to the new state\'s, on random walks through every scenario', () => {
  let seed = 12345, steps = 0;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  for (const sc of [...allScenarios(), ...stressScenarios]) {
    const m = buildModel(sc);
    for (let walk = 0; walk < 40; walk++) {
      let s = m.initial();
      let [a, b] = fullHash(s);
      for (let k = 0; k < 100; k++) {
        const l: number[] = [];
        m.steps(s, l);
        if (l.length === 0) break;
        const j = 2 * rand(l.length / 2);
        const n = m.applyHashed(s, l[j], l[j + 1], a, b);
        [a, b] = [m.hashA >>> 0, m.hashB >>> 0];
        assert.deepEqual([a, b], fullHash(n), `${sc.name}: ${m.label(s, l[j], l[j + 1]).step}`);
        assert.deepEqual(n, m.apply(s, l[j], l[j + 1]), 'the same state as apply');
        s = n;
        steps++;
      }
    }
  }
  assert.ok(steps > 10_000, `${steps} steps`);
});

test('a step taken on its parent state (Model.stepInPlace) gives apply\'s state and fingerprint, and undoStep gives the parent back', () => {
  let seed = 777, steps = 0;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  for (const sc of [...allScenarios(), ...stressScenarios]) {
    const m = buildModel(sc);
    for (let walk = 0; walk < 20; walk++) {
      let s = m.initial();
      let [a, b] = fullHash(s);
      for (let k = 0; k < 100; k++) {
        const l: number[] = [];
        m.steps(s, l);
        if (l.length === 0) break;
        const before = s.slice();
        for (let j = 0; j < l.length; j += 2) {
          const want = m.apply(before, l[j], l[j + 1]);
          m.stepInPlace(s, l[j], l[j + 1], a, b);
          const step = `${sc.name}: ${m.label(before, l[j], l[j + 1]).step}`;
          assert.deepEqual(s, want, step);
          assert.deepEqual([m.hashA >>> 0, m.hashB >>> 0], fullHash(want), step);
          m.undoStep(s);
          assert.deepEqual(s, before, `${step} undone`);
          steps++;
        }
        const j = 2 * rand(l.length / 2);
        s = m.apply(s, l[j], l[j + 1]);
        [a, b] = fullHash(s);
      }
    }
  }
  assert.ok(steps > 10_000, `${steps} steps`);
});

test('fingerprints tell the states of a full search apart (no collision among 120k states)', () => {
  const m = buildModel(stressScenarios.find((s) => s.name === 'stress-shared-domain')!);
  const fps = new Set<string>();
  let states = 0;
  traverse(m, {
    state: (s) => {
      const [a, b] = fullHash(s);
      fps.add(`${a}:${b}`);
      states++;
    },
  });
  assert.equal(fps.size, states);
  assert.ok(states > 100_000);
});
