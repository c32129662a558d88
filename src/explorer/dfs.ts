// Owns the unreduced depth-first exhaustive search: every interleaving of the scenario's threads and
// hardware actors, deduplicated by fingerprint, invariants checked in every new state, deadlocks and
// livelocks (fair cycles without progress) reported, and the bounds: depth, preemptions, operations per
// thread, states, memory, time. A search stopped by a bound says which one; its verdict is 'bounded'.
// For the scale-out searches it can start from several roots (shards, workers), hand back the snapshot of
// its stack when a stop bound ends it (checkpoints) and continue from such a snapshot (--resume).
// The pieces live beside it: the stack (dfsstack.ts), snapshots (dfsresume.ts), the in-state bounds
// (dfsbounds.ts), parallel workers' open edges (openedges.ts); this file holds the loop that ties them.
import type { Model, Violation } from '../model/model';
import { FingerprintTable, SMALL_TABLE } from './fptable';
import { deadlockIn } from './deadlock';
import { livelockIn } from './livelock';
import { Collector, checkEach } from './collect';
import { H, fingerprint, hash2, rememberHash } from '../model/statehash';
import type { StepGraph } from './stepgraph';
import { Limits, SLICE } from './limits';
import { toEnd, type Sliced } from './slices';
import { shufflePairs } from './swarm';
import { statsOf, type ExploreOptions, type ExploreResult, type Schedule } from './result';
import { DfsStack } from './dfsstack';
import { checkSnapshotRoot, rebuildStack, takeSnapshot, type DfsSnapshot } from './dfsresume';
import { contextKey, dropOverOpsBound, stoppedByOpsBound } from './dfsbounds';
import { OpenEdges } from './openedges';
import { nowMs } from './clock';

export type { DfsSnapshot } from './dfsresume';

/** A state the search starts from, with the schedule that reaches it from the initial state. */
export interface DfsRoot {
  state: Int32Array;
  schedule: Schedule;
}

export interface DfsOptions extends ExploreOptions {
  /** start from these states (default: the initial state); they count as visited but are checked here */
  roots?: DfsRoot[];
  /** which root to explore next (parallel workers claim roots from a shared counter); -1 when none is left */
  claim?: () => number;
  /** continue from a snapshot (the visited set must be the one it was taken with) */
  resume?: DfsSnapshot;
  /** called with every state the search checks (shard coverage tests; the state is the search's own: copy it to keep it) */
  onState?: (s: Int32Array) => void;
  /** parallel workers: a shared table whose slots carry 'explored' flags, for cycles across workers */
  shared?: FingerprintTable;
  /** parallel workers: told of each edge that could close a cycle with another worker, and of the actor that
   * takes it (the states are the search's own: copy what you keep) */
  onOpenEdge?: (from: Int32Array, to: Int32Array, actor: number) => void;
  /** parallel workers checking livelocks: every transition is noted in it */
  stepGraph?: StepGraph;
  /** a swarm shard: explore each state's successors in the order this seed draws (swarm.ts); 0 = the model's */
  orderSeed?: number;
}

export interface DfsResult extends ExploreResult {
  /** set when a stop bound (states, memory, time, interrupt) ended the search: where to continue from */
  snapshot?: DfsSnapshot;
  /** parallel workers: edges into a state another worker is still exploring (a cycle is possible) */
  openEdges?: number;
}

export function exploreDfs(m: Model, opts: DfsOptions = {}): DfsResult {
  return toEnd(dfsSearch(m, opts));
}

/** The full search, yielding at the end of each time slice (slices.ts). */
export function* dfsSearch(m: Model, opts: DfsOptions = {}): Sliced<DfsResult> {
  const t0 = nowMs();
  const maxDepth = opts.maxDepth ?? Infinity;
  const maxPre = opts.maxPreemptions ?? Infinity;
  const maxOps = opts.maxOpsPerThread ?? Infinity;
  const checkDeadlock = opts.deadlock !== false;
  const checkLivelock = opts.livelock !== false;
  const collect = opts.collectAll ? new Collector() : null;
  const T = m.threads;
  const preemptionBound = Number.isFinite(maxPre);
  const opsBound = Number.isFinite(maxOps);
  const shared = opts.shared ?? null;
  const stepGraph = checkLivelock ? opts.stepGraph : undefined;
  const visited = shared ?? opts.visited ?? new FingerprintTable(SMALL_TABLE);
  const limits = new Limits(opts, () => visited.bytes);
  const sizeNow = (): number => visited.size; // a shared table sums per-thread counters: read it only when needed
  // with a depth bound, the shallowest depth each state was met at
  const depthMet = Number.isFinite(maxDepth) ? new Map<number, number>() : null;
  const stack = new DfsStack();
  const { states, succ, next } = stack;
  const openEdges = shared && checkLivelock ? new OpenEdges(shared, opts.onOpenEdge) : null;
  const orderSeed = opts.orderSeed ?? 0;
  /** steps are taken on the parent state and undone (Model.stepInPlace) unless an edge check needs both states */
  const inPlace = !stepGraph && !openEdges;
  let transitions = 0;
  let bound: string | undefined;
  let snapshot: DfsSnapshot | undefined;
  const roots = opts.roots ?? [{ state: m.initial(), schedule: [] }];
  let nextRoot = opts.resume ? opts.resume.root + 1 : 0;
  const claim = opts.claim ?? (() => (nextRoot < roots.length ? nextRoot++ : -1));
  let current = -1;
  let rootSchedule: Schedule = [];

  const finish = (extra: Partial<DfsResult>): DfsResult => ({
    verdict: extra.violation ? 'violation' : bound ? 'bounded' : 'clean',
    ...(bound && !extra.violation ? { bound } : {}),
    ...extra,
    ...(collect ? { violations: collect.list } : {}),
    ...(shared ? { openEdges: openEdges?.kept ?? 0 } : {}),
    stats: statsOf(visited.size, transitions, stack.deepest, t0, visited.bytes, visited.omissionProbability),
  });
  const path = (frames: number): Schedule => (rootSchedule.length ? [...rootSchedule, ...stack.path(frames)] : stack.path(frames));
  /** a violation found at the state `frames` steps below the root: the end of the search, or one more collected */
  const found = (v: Violation, frames: number): DfsResult | null => {
    if (!collect) return finish({ violation: v, schedule: path(frames) });
    collect.add(v, path(frames));
    return null;
  };
  const check = (s: Int32Array, frames: number): Violation | null => {
    opts.onState?.(s);
    if (!collect) return m.check(s);
    checkEach(m, s, (v) => collect.add(v, path(frames)));
    return null;
  };
  /** Pushes s with its successors; a deadlock in s is returned (a thread stopped by the ops bound is not one). */
  const push = (s: Int32Array, key: number, last: number, pre: number, slot: number): Violation | null => {
    hash2(s); // remembered from the key's computation
    const list = stack.push(s, key, H.a, H.b, last, pre, slot);
    m.steps(s, list);
    if (opsBound && dropOverOpsBound(m, s, list, maxOps)) bound ??= `${maxOps} operations per thread`;
    if (orderSeed !== 0 && list.length > 2) shufflePairs(list, key, orderSeed);
    if (list.length > 0 || !checkDeadlock) return null;
    if (opsBound && stoppedByOpsBound(m, s, maxOps)) {
      bound ??= `${maxOps} operations per thread`;
      return null;
    }
    return deadlockIn(m, s);
  };
  const rootSlot = (s: Int32Array): number => {
    if (!shared) {
      visited.add(preemptionBound ? contextKey(s, -1, 0) : s);
      return -1;
    }
    const k = shared.addSlot(s);
    return k >= 0 ? k : -1 - k;
  };

  if (opts.resume) {
    const r = opts.resume;
    checkSnapshotRoot(r, roots.length);
    current = r.root;
    rootSchedule = roots[current].schedule;
    transitions = r.transitions;
    stack.deepest = r.deepest;
    if (r.noted) bound = r.noted;
    if (depthMet && r.depthMet) for (const [k, d] of r.depthMet) depthMet.set(k, d);
    rebuildStack(r, stack, roots[current].state, T, (s, last, pre) => void push(s, fingerprint(s), last, pre, rootSlot(s)),
      (s, actor, choice) => m.apply(s, actor, choice));
  }

  for (;;) {
    if (stack.depth === 0) {
      if (snapshot) break;
      const r = claim();
      if (r < 0) break;
      const end = startRoot(r);
      if (end) return end;
      continue;
    }
    const depth = stack.depth, top = depth - 1;
    const stop = limits.poll(sizeNow, transitions, depth, depth);
    if (stop !== null) {
      if (stop === SLICE) yield;
      else {
        stopAt(stop);
        break;
      }
    }
    openEdges?.relocateIfMoved(stack); // the poll may have waited for a larger shared table
    const list = succ[top];
    if (next[top] >= list.length || top >= maxDepth) {
      popFrame(top);
      continue;
    }
    const actor = list[next[top]], choice = list[next[top] + 1];
    next[top] += 2;
    let last = -1, pre = 0; // counted only under a preemption bound (they are part of the state then)
    if (preemptionBound) {
      [last, pre] = stack.preemptionsAfter(top, actor, T);
      if (pre > maxPre) {
        bound ??= `${maxPre} preemptions`;
        continue;
      }
    }
    // built on the parent itself, undone at once (most successors were met before: copied only when kept); the
    // parallel searches' edge checks read the parent and the successor together, so they build it in the model's
    // scratch array instead
    const parent = states[top];
    let scratch: Int32Array;
    if (inPlace) {
      m.stepInPlace(parent, actor, choice, stack.hashA[top], stack.hashB[top]);
      scratch = parent;
    } else scratch = m.applyHashed(parent, actor, choice, stack.hashA[top], stack.hashB[top], true);
    const ha = m.hashA, hb = m.hashB;
    rememberHash(scratch, ha, hb);
    transitions++;
    // every edge of the graph is met once, here: the threads' step graphs, for the cycle checks (stepgraph.ts)
    stepGraph?.note(parent, scratch, actor);
    const key = fingerprint(scratch);
    let slot = -1;
    const isNew = shared ? (slot = shared.addSlot(scratch)) >= 0 : visited.add(preemptionBound ? contextKey(scratch, last, pre) : scratch);
    // with a depth bound, a state met before is explored again when met shallower than before
    const again = !isNew && depthMet !== null && !shared && (depthMet.get(key) ?? 0) > depth;
    const s = isNew || again ? stack.copyAt(depth, scratch) : null;
    if (inPlace) {
      m.undoStep(parent);
      rememberHash(parent, stack.hashA[top], stack.hashB[top]);
    }
    if (s === null) {
      // only a state met before can close a cycle of this stack
      if (checkLivelock && !preemptionBound) {
        const at = stack.frameOf(key);
        if (at >= 0) {
          const end = livelockOnStack(at, top);
          if (end) return end;
          continue;
        }
      }
      // another worker may still be below that state: a cycle through this edge is possible when no operation
      // completes and no counter moves on it (Model.makesProgress); held until this state is done
      if (openEdges && !shared!.isDone(-1 - slot) && !m.makesProgress(parent, scratch, actor)) openEdges.hold(top, m.keep(scratch), -1 - slot, actor);
      continue;
    }
    depthMet?.set(key, depth);
    rememberHash(s, ha, hb);
    const v = check(s, depth);
    if (v) return finish({ violation: v, schedule: path(depth) });
    const d = push(s, key, last, pre, slot);
    const end = d && found(d, depth);
    if (end) return end;
    if (limits.maxStates !== Infinity && visited.size >= limits.maxStates) {
      stopAt(`${limits.maxStates} states`);
      break;
    }
  }
  return finish(snapshot ? { snapshot } : {});

  /** Root r of the roots claimed: checked and pushed; the end of the search when it violates (or deadlocks). */
  function startRoot(r: number): DfsResult | null {
    current = r;
    rootSchedule = roots[r].schedule;
    const st = roots[r].state;
    const slot = rootSlot(st);
    const v0 = check(st, 0);
    if (v0) return finish({ violation: v0, schedule: path(0) });
    const d0 = push(st, fingerprint(st), -1, 0, slot);
    return d0 && found(d0, 0);
  }

  /** Frame `top` is done (every successor tried, or at the depth bound): off the stack. */
  function popFrame(top: number): void {
    if (top >= maxDepth && succ[top].length > 0) bound ??= `depth ${maxDepth}`;
    if (openEdges) {
      // (done flags serve only the livelock checks between workers)
      openEdges.settle(top, stack);
      shared!.markDone(stack.slots[top]);
    }
    stack.pop();
  }

  /** A stop bound ends the search: the snapshot to continue from (a parallel worker keeps its held edges). */
  function stopAt(why: string): void {
    snapshot = takeSnapshot(stack, current, transitions, bound, depthMet);
    openEdges?.keepAll(stack);
    bound = why;
  }

  /** The step from frame `top` returns to frame `at`: a livelock if that cycle is fair and makes no progress. */
  function livelockOnStack(at: number, top: number): DfsResult | null {
    const cyc = states.slice(at, top + 1);
    const steps = stack.path(top + 1).slice(at);
    const ll = livelockIn(m, cyc, steps, cyc.map((_, k) => stack.enabledAt(at + k)));
    return ll && found(ll, top + 1);
  }
}
