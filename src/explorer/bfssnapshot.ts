// Owns the snapshot of a stopped breadth-first search (bfs.ts), the part of a checkpoint that lets --resume
// continue it exactly: the queue's head and how many of its successors were already taken, the counters, every
// node's parent, step and depth (so a later violation's shortest schedule can still be read back), and the states
// still queued (head onwards). Packed little-endian, base64-encoded; unpacking checks every length.
import { toBase64 as b64, wordsOfBase64 } from './packing';

export interface BfsSnapshot {
  head: number;
  /** successors of the head already taken, in (actor, choice) pairs */
  at: number;
  transitions: number;
  deepest: number;
  /** a bound noted but not stopping the search (depth) */
  noted?: string;
  nodes: number;
  stateWords: number;
  /** Int32: per node its parent, its (actor, choice) and its depth */
  parent: string;
  via: string;
  depth: string;
  /** Int32: the queued states, head to the last node */
  frontier: string;
}

export interface BfsQueue {
  head: number;
  at: number;
  transitions: number;
  deepest: number;
  noted?: string;
  states: readonly Int32Array[];
  parent: readonly number[];
  via: readonly number[];
  depthOf: readonly number[];
  stateWords: number;
}

export function packBfs(q: BfsQueue): BfsSnapshot {
  const n = q.states.length, w = q.stateWords;
  const frontier = new Int32Array((n - q.head) * w);
  for (let k = q.head; k < n; k++) frontier.set(q.states[k], (k - q.head) * w);
  return {
    head: q.head, at: q.at, transitions: q.transitions, deepest: q.deepest, ...(q.noted ? { noted: q.noted } : {}),
    nodes: n, stateWords: w, parent: b64(Int32Array.from(q.parent)), via: b64(Int32Array.from(q.via)),
    depth: b64(Int32Array.from(q.depthOf)), frontier: b64(frontier),
  };
}

export function unpackBfs(s: BfsSnapshot, stateWords: number): { parent: number[]; via: number[]; depthOf: number[]; states: Int32Array[] } {
  if (s.stateWords !== stateWords) throw new Error(`checkpoint does not match this search: states of ${s.stateWords} words, this model's have ${stateWords}`);
  if (!Number.isInteger(s.nodes) || !Number.isInteger(s.head) || s.head < 0 || s.head >= s.nodes) throw new Error('checkpoint does not match this search: queue head');
  const parent = Array.from(wordsOfBase64('i32', s.parent, s.nodes, 'parents'));
  const via = Array.from(wordsOfBase64('i32', s.via, 2 * s.nodes, 'steps'));
  const depthOf = Array.from(wordsOfBase64('i32', s.depth, s.nodes, 'depths'));
  const f = wordsOfBase64('i32', s.frontier, (s.nodes - s.head) * stateWords, 'the queue');
  const states: Int32Array[] = new Array(s.nodes);
  for (let k = s.head; k < s.nodes; k++) states[k] = f.slice((k - s.head) * stateWords, (k - s.head + 1) * stateWords);
  return { parent, via, depthOf, states };
}
