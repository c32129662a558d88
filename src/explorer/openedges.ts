// Owns a parallel worker's open edges: edges from a state on its stack into a state another worker is still
// below, which could close a cycle no single stack sees (the livelock check between workers). Each is held until
// its source state is done, then kept (handed to the caller) only if its target is still not done; and when the
// shared table grows (FingerprintTable.rebind) the slots of the stack's states and the held edges' targets are
// looked up again.
//
// Why that is enough: in a cycle no stack saw, take the state c done first and its successor c' on the cycle. c'
// was not new when c's worker met the edge (a child is done before its parent), nor on that worker's stack (the
// stack would show the cycle), nor done (it is done after c), so the edge was noted; and c' is still not done when
// c is, so it is kept.
import type { DfsStack } from './dfsstack';
import type { FingerprintTable } from './fptable';

interface HeldEdge {
  frame: number;
  to: Int32Array;
  slot: number;
  actor: number;
}

export class OpenEdges {
  /** edges kept so far */
  kept = 0;
  private readonly held: HeldEdge[] = [];
  private generation: number;

  constructor(
    private readonly shared: FingerprintTable,
    private readonly onKept?: (from: Int32Array, to: Int32Array, actor: number) => void,
  ) {
    this.generation = shared.generation;
  }

  /** An edge from frame `frame` into the (kept) state `to` in slot `slot`, taken by `actor`. */
  hold(frame: number, to: Int32Array, slot: number, actor: number): void {
    this.held.push({ frame, to, slot, actor });
  }

  /** Frame `frame` is done: its held edges whose targets are still not done are kept. */
  settle(frame: number, stack: DfsStack): void {
    const held = this.held;
    while (held.length > 0 && held[held.length - 1].frame === frame) {
      const e = held.pop()!;
      if (this.shared.isDone(e.slot)) continue;
      this.kept++;
      this.onKept?.(stack.states[frame], e.to, e.actor);
    }
  }

  /** The search stops with frames still open (a checkpoint): every held edge is kept, done target or not. Keeping
   * more edges is the cautious side: each kept edge is only checked for lying on a cycle. */
  keepAll(stack: DfsStack): void {
    for (const e of this.held.splice(0)) {
      this.kept++;
      this.onKept?.(stack.states[e.frame], e.to, e.actor);
    }
  }

  /** After the shared table moved to a larger one: the stack's and the held edges' slots, looked up again. */
  relocateIfMoved(stack: DfsStack): void {
    const shared = this.shared;
    if (shared.generation === this.generation) return;
    const slotOf = (s: Int32Array): number => {
      const k = shared.addSlot(s);
      if (k >= 0) throw new Error('parallel search: a state was lost when the table grew');
      return -1 - k;
    };
    for (let k = 0; k < stack.depth; k++) stack.slots[k] = slotOf(stack.states[k]);
    for (const e of this.held) e.slot = slotOf(e.to);
    this.generation = shared.generation;
  }
}
