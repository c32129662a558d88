// Owns the reduced search's warm-up: learning which objects the invariants read before its first round. The
// search learns those reads as it meets them (footprint.ts) and must redo a round whenever they grow (dpor.ts);
// reads first met deep in the graph cost a round each. Here the invariants are evaluated, with their reads
// recorded, on the states of a short breadth-first walk and of a few deterministic random walks to the end of
// the threads' programs, so that the first round usually knows them all (the built-in and stress scenarios but
// the two largest: 134 rounds in all -> 45, the same states and transitions). Learning more than the search
// would meet only makes it more cautious, never unsound: every state learnt from is reachable.
import type { Model } from '../model/model';
import { FingerprintTable, SMALL_TABLE } from './fptable';
import { FootprintSpace } from './footprint';

/** States of the breadth-first walk, random walks, and the most steps of one walk. */
export const LEARN_BFS_STATES = 200;
export const LEARN_WALKS = 20;
export const LEARN_WALK_STEPS = 200;

/** The invariants' reads, per atom, as met on those states (the seed of the reduced search's first round). */
export function learnInvariantReads(m: Model): Uint32Array[] {
  const fs = new FootprintSpace(m);
  const seen = new FingerprintTable(SMALL_TABLE);
  const look = (s: Int32Array): void => {
    if (seen.add(s)) fs.check(s);
  };
  const queue = [m.initial()];
  look(queue[0]);
  const list: number[] = [];
  for (let head = 0; head < queue.length && head < LEARN_BFS_STATES; head++) {
    list.length = 0;
    m.steps(queue[head], list);
    for (let j = 0; j < list.length; j += 2) {
      const n = m.apply(queue[head], list[j], list[j + 1]);
      if (!seen.add(n)) continue;
      fs.check(n);
      queue.push(n);
    }
  }
  let x = 0x9e3779b9; // a fixed seed: the same walks every run
  for (let w = 0; w < LEARN_WALKS; w++) {
    let s = m.initial();
    for (let d = 0; d < LEARN_WALK_STEPS; d++) {
      list.length = 0;
      m.steps(s, list);
      if (list.length === 0) break;
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const k = (x >>> 8) % (list.length / 2);
      s = m.apply(s, list[2 * k], list[2 * k + 1]);
      look(s);
    }
  }
  return fs.invReads;
}
