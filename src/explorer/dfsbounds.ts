// Owns the two bounds the full search applies inside a state rather than by polling: operations per thread (a
// thread at its bound takes no more steps, and a state where only such threads could go on is not a deadlock) and
// the preemption bound's state key (with it, a state is the model state plus the last thread and the preemptions
// used, since the same model state reached with fewer preemptions left has fewer successors).
import type { Model } from '../model/model';

/** Drops from a successor list the steps of threads that have done `maxOps` operations; true when any was. */
export function dropOverOpsBound(m: Model, s: Int32Array, list: number[], maxOps: number): boolean {
  let w = 0, dropped = false;
  for (let j = 0; j < list.length; j += 2) {
    if (list[j] < m.threads && s[m.sys.opIndex(list[j])] >= maxOps) {
      dropped = true;
      continue;
    }
    list[w++] = list[j];
    list[w++] = list[j + 1];
  }
  list.length = w;
  return dropped;
}

/** Some unfinished thread of s is stopped by the operations bound. */
export function stoppedByOpsBound(m: Model, s: Int32Array, maxOps: number): boolean {
  for (let t = 0; t < m.threads; t++) if (!m.finished(s, t) && s[m.sys.opIndex(t)] >= maxOps) return true;
  return false;
}

/** The visited-set key of s under a preemption bound: its words, then the last thread and preemptions used. */
export function contextKey(s: Int32Array, last: number, pre: number): Int32Array {
  const k = new Int32Array(s.length + 2);
  k.set(s);
  k[s.length] = last;
  k[s.length + 1] = pre;
  return k;
}
