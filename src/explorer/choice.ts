// Owns the automatic choice between the reduced and the full search (`reduction: 'auto'`, the CLI's default).
// A job first runs the full search for FULL_PROBE_STATES states (job.ts): most jobs end there, and for them the
// full search is the faster. For a job that does not, this rule decides, deterministically and cheaply: walk
// SAMPLE_WALKS deterministic random walks to the end of the threads' programs, noting at each state what each
// actor (thread or hardware actor) reads and writes there, and join two actors when one writes what the other
// reads or writes. If the threads fall into two or more groups that never touch each other's objects, not even
// through a hardware actor, interleavings of different groups commute and the reduced search collapses them
// (issue 13 measured 29-700x fewer states on such scenarios); otherwise it prunes little and costs 3-23x more
// per state, so the full search runs. The sample stops as soon as every thread is in one group: walks reach the
// steps where threads meet sooner than a breadth-first sample did (every contended built-in and stress scenario
// within 26 states, against up to 317), and cost a third of its 500 states on the independent ones.
import type { Model } from '../model/model';
import { dependent, orInto } from './footprint';
import { seededIndex } from './seeded';

/** Walks sampled, and the most steps of one. */
export const SAMPLE_WALKS = 4;
export const SAMPLE_WALK_STEPS = 200;

export interface SearchChoice {
  search: 'reduced' | 'full';
  /** why, in words, for the report */
  why: string;
  /** states the sample met */
  sampled: number;
}

export function chooseSearch(m: Model): SearchChoice {
  const A = m.actors, T = m.threads;
  const words = (m.sys.layout.objectNames.length + 31) >>> 5;
  const R = Array.from({ length: A }, () => new Uint32Array(words));
  const W = Array.from({ length: A }, () => new Uint32Array(words));
  const group = Array.from({ length: A }, (_, i) => i);
  const find = (x: number): number => (group[x] === x ? x : (group[x] = find(group[x])));
  const threadGroups = (): number => new Set(Array.from({ length: T }, (_, t) => find(t))).size;
  const r = new Uint32Array(words), w = new Uint32Array(words);
  const pick = seededIndex(0x2545f491);
  let sampled = 0;
  walks: for (let walk = 0; walk < SAMPLE_WALKS; walk++) {
    let s = m.initial();
    for (let d = 0; d < SAMPLE_WALK_STEPS; d++) {
      sampled++;
      const next: Int32Array[] = [];
      for (let p = 0; p < A; p++) {
        const choices: number[] = [], succs: Int32Array[] = [];
        const fp = m.actorFootprint(s, p, choices, succs);
        if (choices.length === 0) continue;
        r.fill(0);
        w.fill(0);
        for (const o of fp.reads) r[o >>> 5] |= 1 << (o & 31);
        for (const o of fp.writes) w[o >>> 5] |= 1 << (o & 31);
        orInto(R[p], r);
        orInto(W[p], w);
        next.push(...succs);
      }
      for (let p = 0; p < A; p++)
        for (let q = p + 1; q < A; q++) if (find(p) !== find(q) && dependent(R[p], W[p], R[q], W[q])) group[find(p)] = find(q);
      if (T < 2 || threadGroups() === 1) break walks;
      if (next.length === 0) break;
      s = next[pick(next.length)];
    }
  }
  const groups = T < 2 ? 1 : threadGroups();
  if (groups > 1) return { search: 'reduced', why: `the threads form ${groups} groups that touch disjoint objects (sampled ${sampled} states)`, sampled };
  return { search: 'full', why: `every thread shares objects with the others, directly or through a hardware actor (sampled ${sampled} states)`, sampled };
}
