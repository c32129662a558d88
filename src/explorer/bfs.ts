// Owns the breadth-first search: slower and hungrier than depth-first, but the first violation it meets
// is reached by a shortest schedule; used for --shortest and to shorten a depth-first counterexample. It polls
// the same bounds as the other searches (time, memory, stop request) and yields at the end of each time slice.
import type { Model } from '../model/model';
import { FingerprintTable, SMALL_TABLE } from './fptable';
import { deadlockIn } from './deadlock';
import { H, hash2, rememberHash } from '../model/statehash';
import { Limits, SLICE } from './limits';
import { toEnd, type Sliced } from './slices';
import { packBfs, unpackBfs, type BfsSnapshot } from './bfssnapshot';
import { statsOf, type ExploreOptions, type ExploreResult, type Schedule } from './result';
import { nowMs } from './clock';

export function exploreBfs(m: Model, opts: BfsOptions = {}): BfsResult {
  return toEnd(bfsSearch(m, opts));
}

export interface BfsOptions extends ExploreOptions {
  /** the visited table to fill (a checkpoint's, restored), instead of a new one */
  table?: FingerprintTable;
  /** continue from a snapshot taken with that table */
  resume?: BfsSnapshot;
  /** when a stop bound ends the search, take a snapshot to continue from (costs a copy of the queue) */
  snapshot?: boolean;
}

export interface BfsResult extends ExploreResult {
  /** set when a stop bound (states, memory, time, interrupt) ended the search: where to continue from */
  snapshot?: BfsSnapshot;
}

/** The breadth-first search, yielding at the end of each time slice (slices.ts). */
export function* bfsSearch(m: Model, opts: BfsOptions = {}): Sliced<BfsResult> {
  const t0 = nowMs();
  const maxStates = opts.maxStates ?? Infinity;
  const maxDepth = opts.maxDepth ?? Infinity;
  const checkDeadlock = opts.deadlock !== false;
  const visited = opts.table ?? new FingerprintTable(SMALL_TABLE);
  const limits = new Limits(opts, () => visited.bytes);
  const states: Int32Array[] = [];
  const parent: number[] = [];
  const via: number[] = []; // actor, choice per node
  const depthOf: number[] = [];
  /** each queued state's fingerprint halves: a successor's are updated from them (Model.applyHashed) */
  const hashA: number[] = [], hashB: number[] = [];
  let transitions = 0, deepest = 0;
  let bound: string | undefined;
  const schedule = (node: number): Schedule => {
    const out: Schedule = [];
    for (let n = node; n > 0; n = parent[n]) out.push([via[2 * n], via[2 * n + 1]]);
    return out.reverse();
  };
  const finish = (extra: Partial<BfsResult>): BfsResult => ({
    verdict: extra.violation ? 'violation' : bound ? 'bounded' : 'clean',
    ...(bound && !extra.violation ? { bound } : {}),
    ...extra,
    stats: statsOf(visited.size, transitions, deepest, t0, visited.bytes, visited.omissionProbability),
  });
  const stateWords = m.initial().length;
  const snap = (head: number, at: number): BfsSnapshot | undefined => !opts.snapshot ? undefined :
    packBfs({ head, at, transitions, deepest, ...(bound && !bound.endsWith(' states') ? { noted: bound } : {}), states, parent, via, depthOf, stateWords });
  let first = 0, firstAt = 0;
  if (opts.resume) {
    const r = opts.resume, q = unpackBfs(r, stateWords);
    states.push(...q.states);
    parent.push(...q.parent);
    via.push(...q.via);
    depthOf.push(...q.depthOf);
    for (let k = 0; k < q.states.length; k++) {
      if (k < r.head) hashA.push(0), hashB.push(0);
      else {
        hash2(q.states[k]);
        hashA.push(H.a);
        hashB.push(H.b);
      }
    }
    transitions = r.transitions;
    deepest = r.deepest;
    if (r.noted) bound = r.noted;
    first = r.head;
    firstAt = r.at;
  } else {
    const init = m.initial();
    visited.add(init);
    const v0 = m.check(init);
    if (v0) return finish({ violation: v0, schedule: [] });
    states.push(init);
    hash2(init);
    hashA.push(H.a);
    hashB.push(H.b);
    parent.push(-1);
    via.push(-1, -1);
    depthOf.push(0);
  }
  const list: number[] = [];
  for (let head = first; head < states.length; head++) {
    const stop = limits.poll(visited.size, transitions, depthOf[head], states.length - head);
    if (stop !== null) {
      if (stop === SLICE) yield;
      else {
        const s = snap(head, head === first ? firstAt : 0);
        bound = stop;
        return finish(s ? { snapshot: s } : {});
      }
    }
    const s = states[head];
    list.length = 0;
    m.steps(s, list);
    const from = head === first ? firstAt : 0; // a resumed head: the successors it had already given
    if (list.length === 0 && checkDeadlock && from === 0) {
      const dl = deadlockIn(m, s);
      if (dl) return finish({ violation: dl, schedule: schedule(head) });
    }
    if (depthOf[head] >= maxDepth) {
      if (list.length > 0) bound ??= `depth ${maxDepth}`;
      continue;
    }
    for (let k = from; k < list.length; k += 2) {
      // built in the model's scratch array, copied only when new
      const scratch = m.applyHashed(s, list[k], list[k + 1], hashA[head], hashB[head], true);
      const a = m.hashA, b = m.hashB;
      rememberHash(scratch, a, b);
      transitions++;
      if (!visited.add(scratch)) continue;
      const n = m.keep(scratch);
      const node = states.length;
      states.push(n);
      hashA.push(a >>> 0);
      hashB.push(b >>> 0);
      parent.push(head);
      via.push(list[k], list[k + 1]);
      depthOf.push(depthOf[head] + 1);
      if (depthOf[node] > deepest) deepest = depthOf[node];
      const v = m.check(n);
      if (v) return finish({ violation: v, schedule: schedule(node) });
      if (visited.size >= maxStates) {
        const sn = snap(head, k + 2);
        bound = `${maxStates} states`;
        return finish(sn ? { snapshot: sn } : {});
      }
    }
    states[head] = undefined as unknown as Int32Array; // expanded: free it
  }
  return finish({});
}
