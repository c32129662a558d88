// Owns the depth-first search's snapshot: what a stopped search hands back (which root, the choice index of each
// stack frame, the stack's schedule to validate a restore, the counters) and the rebuilding of the stack from it,
// replaying each frame's last choice and refusing a snapshot that does not replay in this model.
import type { DfsStack } from './dfsstack';
import type { Schedule } from './result';

/** Enough to continue a stopped search exactly: which root, and the choice index of each stack frame. */
export interface DfsSnapshot {
  root: number;
  /** per stack frame, the index (in pairs) of the next transition to try */
  next: number[];
  /** the schedule of the stack (from the root), to validate a restore */
  path: Schedule;
  transitions: number;
  deepest: number;
  /** a bound noted but not stopping the search (operations per thread) */
  noted?: string;
  /** with a depth bound: the shallowest depth each state key was met at */
  depthMet?: [number, number][];
}

export function takeSnapshot(stack: DfsStack, root: number, transitions: number, noted: string | undefined,
  depthMet: Map<number, number> | null): DfsSnapshot {
  return {
    root, next: stack.next.slice(0, stack.depth), path: stack.path(stack.depth - 1), transitions, deepest: stack.deepest,
    ...(noted ? { noted } : {}),
    ...(depthMet ? { depthMet: [...depthMet] } : {}),
  };
}

const mismatch = (why: string) => new Error(`checkpoint does not match this search: ${why}`);

export function checkSnapshotRoot(r: DfsSnapshot, roots: number): void {
  if (!Number.isInteger(r.root) || r.root < 0 || r.root >= roots) throw mismatch(`root ${r.root} of ${roots}`);
}

/**
 * Rebuilds the snapshot's stack on an empty one: pushes the root, then replays each frame's last choice (checked
 * against the snapshot's schedule) and sets each frame's next choice index. `pushState` is the search's push
 * (it fills the frame's successor list); `apply` the model's step.
 */
export function rebuildStack(r: DfsSnapshot, stack: DfsStack, root: Int32Array, threads: number,
  pushState: (s: Int32Array, last: number, pre: number) => void,
  apply: (s: Int32Array, actor: number, choice: number) => Int32Array): void {
  if (r.next.length === 0) return;
  pushState(root, -1, 0);
  for (let k = 0; k < r.next.length; k++) {
    const n = r.next[k], list = stack.succ[k];
    if (!Number.isInteger(n) || n < 0 || n % 2 !== 0 || n > list.length) throw mismatch(`frame ${k} has choice index ${n} of ${list.length / 2}`);
    stack.next[k] = n;
    if (k === r.next.length - 1) break;
    const actor = list[n - 2], choice = list[n - 1];
    if (n === 0 || r.path[k]?.[0] !== actor || r.path[k]?.[1] !== choice) throw mismatch(`step ${k} of the stack does not replay`);
    const [last, pre] = stack.preemptionsAfter(k, actor, threads);
    pushState(apply(stack.states[k], actor, choice), last, pre);
  }
}
