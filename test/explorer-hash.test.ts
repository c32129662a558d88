// State fingerprints: the fingerprint a step updates write by write (Model.applyHashed) is the one a full
// pass over the new state gives, on every built-in and stress scenario, also for a step taken on its parent and
// undone (Model.stepInPlace); and the halves tell states apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allScenarios } from '../src/model/scenarios';
import { stressScenarios } from '../src/model/scenarios/stress';
import { buildModel, type Model } from '../src/model/model';
import { H, hash2 } from '../src/model/statehash';
import { traverse } from './helpers';

/** Both halves by a full pass over a copy (a fresh array: nothing remembered). */
function fullHash(s: Int32Array): [number, number] {
  hash2(s.slice());
  return [H.a, H.b];
}

/**
 * Random walks of at most 100 steps, `count` from each built-in and stress scenario's initial state: at each state,
 * `at` gets its successor list and the index of a pair drawn at random, and returns the state to go on from. The
 * number of states stepped from.
 */
function walks(count: number, seed: number, at: (m: Model, s: Int32Array, list: number[], j: number, walkStart: boolean) => Int32Array): number {
  let x = seed, steps = 0;
  for (const sc of [...allScenarios(), ...stressScenarios]) {
    const m = buildModel(sc);
    for (let w = 0; w < count; w++) {
      let s = m.initial();
      for (let k = 0; k < 100; k++) {
        const l: number[] = [];
        m.steps(s, l);
        if (l.length === 0) break;
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        s = at(m, s, l, 2 * ((x >>> 8) % (l.length / 2)), k === 0);
        steps++;
      }
    }
  }
  return steps;
}

test('a step updates its parent\'s fingerprint to the new state\'s, on random walks through every scenario', () => {
  let a = 0, b = 0;
  const steps = walks(40, 12345, (m, s, l, j, walkStart) => {
    if (walkStart) [a, b] = fullHash(s);
    const n = m.applyHashed(s, l[j], l[j + 1], a, b);
    [a, b] = [m.hashA >>> 0, m.hashB >>> 0];
    assert.deepEqual([a, b], fullHash(n), `${m.scenario.name}: ${m.label(s, l[j], l[j + 1]).step}`);
    assert.deepEqual(n, m.apply(s, l[j], l[j + 1]), 'the same state as apply');
    return n;
  });
  assert.ok(steps > 10_000, `${steps} steps`);
});

test('a step taken on its parent state (Model.stepInPlace) gives apply\'s state and fingerprint, and undoStep gives the parent back', () => {
  let steps = 0;
  walks(20, 777, (m, s, l, j) => {
    const [a, b] = fullHash(s);
    const before = s.slice();
    for (let k = 0; k < l.length; k += 2) {
      const want = m.apply(before, l[k], l[k + 1]);
      m.stepInPlace(s, l[k], l[k + 1], a, b);
      const step = `${m.scenario.name}: ${m.label(before, l[k], l[k + 1]).step}`;
      assert.deepEqual(s, want, step);
      assert.deepEqual([m.hashA >>> 0, m.hashB >>> 0], fullHash(want), step);
      m.undoStep(s);
      assert.deepEqual(s, before, `${step} undone`);
      steps++;
    }
    return m.apply(s, l[j], l[j + 1]);
  });
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
