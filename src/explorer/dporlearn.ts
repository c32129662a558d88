// Owns the reduced search's warm-up: learning which objects the invariants read before its first round. The
// search learns those reads as it meets them (footprint.ts) and must redo a round whenever they grow (dpor.ts);
// reads first met deep in the graph cost a round each. Here the invariants are evaluated, with their reads
// recorded, on the states of a few deterministic random walks to the end of the threads' programs, so that the
// first round usually knows them all (the built-in and stress scenarios but the two largest: 134 rounds in all
// -> 60, the same states and transitions). Learning more than the search would meet only makes it more
// cautious, never unsound: every state learnt from is reachable.
import type { Model } from '../model/model';
import { FingerprintTable, SMALL_TABLE } from './fptable';
import { FootprintSpace } from './footprint';
import { seededIndex } from './seeded';

/** Random walks, and the most steps of one. A few walks to the end meet the reads first met deep in the graph,
 * which cost whole rounds; shallow ones cost little (a round is cut short at the first growth), and learning more
 * than this took longer than the rounds it saved (measured over the built-in scenarios). */
export const LEARN_WALKS = 4;
export const LEARN_WALK_STEPS = 200;

/** every invariant is evaluated, violated or not (each records its reads) */
const ignore = (): void => {};

/** The invariants' reads, per atom, as met on those states (the seed of the reduced search's first round). */
export function learnInvariantReads(m: Model): Uint32Array[] {
  const fs = new FootprintSpace(m);
  const seen = new FingerprintTable(SMALL_TABLE);
  const look = (s: Int32Array): void => {
    if (seen.add(s)) fs.check(s, ignore);
  };
  look(m.initial());
  const list: number[] = [];
  const pick = seededIndex(0x9e3779b9);
  for (let w = 0; w < LEARN_WALKS; w++) {
    let s = m.initial();
    for (let d = 0; d < LEARN_WALK_STEPS; d++) {
      list.length = 0;
      m.steps(s, list);
      if (list.length === 0) break;
      const k = pick(list.length / 2);
      s = m.apply(s, list[2 * k], list[2 * k + 1]);
      look(s);
    }
  }
  return fs.invReads;
}
