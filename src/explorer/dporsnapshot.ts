// Owns the snapshot of a stopped reduced search (dpor.ts), the part of a checkpoint that lets --resume continue
// it exactly: the round and what the invariants were seen to read so far, the counters, the stack as each
// frame's actor, choice index, backtrack and done sets, subtree footprints and fallback flag (its states are
// recomputed by re-running the path), and the stored summaries (the reduced search's visited set: each state's
// reference and the distinct summaries, summaries.ts). Bit sets
// and keys are packed little-endian and base64-encoded; unpacking checks every length against the model.
import type { Frame } from './dpor';
import type { SummaryStore } from './summaries';
import { toBase64 as b64, wordsOf, wordsOfBase64 } from './packing';

export interface DporFrameSnapshot {
  cur: number;
  ci: number;
  backtrack: number[];
  done: number[];
  top: boolean;
}

export interface DporSnapshot {
  round: number;
  /** an invariant read an object this round had not treated as visible (the round is redone at its end) */
  grew: boolean;
  states: number;
  transitions: number;
  deepest: number;
  /** per invariant unit, the objects it was seen to read (units × words Uint32) */
  units: number;
  invReads: string;
  frames: DporFrameSnapshot[];
  /** per frame, sumR then sumW of every actor (frames × 2 × actors × words Uint32) */
  frameSums: string;
  /** states with a summary: Float64 keys and Uint32 references (distinct summary * 2 + fallback flag) */
  summaryCount: number;
  summaryKeys: string;
  summaryRefs: string;
  /** the distinct summaries, 2 × actors × words Uint32 each */
  distinctCount: number;
  summaryFlats: string;
}

export interface DporState {
  round: number;
  grew: boolean;
  invReads: readonly Uint32Array[];
  states: number;
  transitions: number;
  deepest: number;
  stack: readonly Frame[];
  summaries: SummaryStore;
  A: number;
  words: number;
}

export function packSnapshot(d: DporState): DporSnapshot {
  const { A, words } = d;
  const reads = new Uint32Array(d.invReads.length * words);
  d.invReads.forEach((r, u) => reads.set(r, u * words));
  const sums = new Uint32Array(d.stack.length * 2 * A * words);
  d.stack.forEach((f, k) => {
    for (let q = 0; q < A; q++) {
      sums.set(f.sumR[q], ((k * 2) * A + q) * words);
      sums.set(f.sumW[q], ((k * 2 + 1) * A + q) * words);
    }
  });
  const n = d.summaries.size, per = 2 * A * words, distinct = d.summaries.distinctFlats();
  const keys = new Float64Array(n), refs = new Uint32Array(n), flats = new Uint32Array(distinct.length * per);
  let i = 0;
  for (const [key, ref] of d.summaries.entries()) {
    keys[i] = key;
    refs[i++] = ref;
  }
  distinct.forEach((f, k) => flats.set(f, k * per));
  return {
    round: d.round, grew: d.grew, states: d.states, transitions: d.transitions, deepest: d.deepest,
    units: d.invReads.length, invReads: b64(reads),
    frames: d.stack.map((f) => ({ cur: f.cur, ci: f.ci, backtrack: [...f.backtrack], done: [...f.done], top: f.top })),
    frameSums: b64(sums), summaryCount: n, summaryKeys: b64(keys), summaryRefs: b64(refs), distinctCount: distinct.length, summaryFlats: b64(flats),
  };
}

/** The invariants' read sets saved in a snapshot (the seed of its round). */
export function unpackReads(s: DporSnapshot): Uint32Array[] {
  const buf = Buffer.from(s.invReads ?? '', 'base64');
  if (!Number.isInteger(s.units) || s.units <= 0 || buf.length % (4 * s.units) !== 0) throw new Error('checkpoint does not match this search: invariant read sets');
  const all = wordsOf('u32', buf, buf.length / 4, 'the invariant read sets');
  const words = all.length / s.units;
  return Array.from({ length: s.units }, (_, u) => all.slice(u * words, (u + 1) * words));
}

export interface UnpackedFrame extends DporFrameSnapshot {
  sumR: Uint32Array[];
  sumW: Uint32Array[];
}

export function unpackSnapshot(s: DporSnapshot, A: number, words: number): { frames: UnpackedFrame[]; flats: Uint32Array[]; refs: [number, number][] } {
  if (!Array.isArray(s.frames) || s.frames.length === 0) throw new Error('checkpoint does not match this search: no stack');
  const sums = wordsOfBase64('u32', s.frameSums, s.frames.length * 2 * A * words, 'the stack');
  const frames = s.frames.map((f, k) => {
    if (f.backtrack?.length !== A || f.done?.length !== A || !Number.isInteger(f.cur) || !Number.isInteger(f.ci)) throw new Error(`checkpoint does not match this search: frame ${k}`);
    const sumR: Uint32Array[] = [], sumW: Uint32Array[] = [];
    for (let q = 0; q < A; q++) {
      sumR.push(sums.slice(((k * 2) * A + q) * words, ((k * 2) * A + q + 1) * words));
      sumW.push(sums.slice(((k * 2 + 1) * A + q) * words, ((k * 2 + 1) * A + q + 1) * words));
    }
    return { ...f, sumR, sumW };
  });
  const n = s.summaryCount, per = 2 * A * words, d = s.distinctCount;
  const kb = wordsOfBase64('f64', s.summaryKeys, n, 'the summary keys');
  const rb = wordsOfBase64('u32', s.summaryRefs, n, 'the summary references');
  const all = wordsOfBase64('u32', s.summaryFlats, d * per, 'the summaries');
  const flats = Array.from({ length: d }, (_, k) => all.slice(k * per, (k + 1) * per));
  const refs: [number, number][] = Array.from({ length: n }, (_, i) => [kb[i], rb[i]]);
  return { frames, flats, refs };
}
