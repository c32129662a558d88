// Owns the unreduced depth-first exhaustive search: every interleaving of the scenario's threads and
// hardware actors, deduplicated by fingerprint, invariants checked in every new state, deadlocks and
// livelocks (fair cycles without progress) reported, and the bounds: depth, preemptions, operations per
// thread, states, memory, time. A search stopped by a bound says which one; its verdict is 'bounded'.
// For the scale-out searches it can start from several roots (shards, workers), hand back the snapshot of
// its stack when a stop bound ends it (checkpoints) and continue from such a snapshot (--resume).
import type { Model, Violation } from '../model/model';
import { FingerprintTable, SMALL_TABLE } from './fptable';
import { deadlockIn } from './deadlock';
import { livelockIn } from './livelock';
import { Collector, checkEach } from './collect';
import { H, fingerprint, hash2, rememberHash } from './hash';
import type { StepGraph } from './stepgraph';
import { Limits, SLICE } from './limits';
import { toEnd, type Sliced } from './slices';
import { shufflePairs } from './swarm';
import { statsOf, type ExploreOptions, type ExploreResult, type Schedule } from './result';

/** A state the search starts from, with the schedule that reaches it from the initial state. */
export interface DfsRoot {
  state: Int32Array;
  schedule: Schedule;
}

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

export interface DfsOptions extends ExploreOptions {
  /** start from these states (default: the initial state); they count as visited but are checked here */
  roots?: DfsRoot[];
  /** which root to explore next (parallel workers claim roots from a shared counter); -1 when none is left */
  claim?: () => number;
  /** continue from a snapshot (the visited set must be the one it was taken with) */
  resume?: DfsSnapshot;
  /** called with every state the search checks (shard coverage tests) */
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
  const t0 = performance.now();
  const maxDepth = opts.maxDepth ?? Infinity;
  const maxPre = opts.maxPreemptions ?? Infinity;
  const maxOps = opts.maxOpsPerThread ?? Infinity;
  const checkDeadlock = opts.deadlock !== false;
  const checkLivelock = opts.livelock !== false;
  const collect = opts.collectAll ? new Collector() : null;
  const T = m.threads;
  // with a preemption bound, a state is the model state plus (last thread, preemptions used)
  const extra = Number.isFinite(maxPre) ? 2 : 0;
  const shared = opts.shared ?? null;
  const stepGraph = checkLivelock ? opts.stepGraph : undefined;
  const visited = shared ?? opts.visited ?? new FingerprintTable(SMALL_TABLE);
  const limits = new Limits(opts, () => visited.bytes);
  const sizeNow = (): number => visited.size; // a shared table sums per-thread counters: read it only when needed
  // states on the current path (for cycles); with a depth bound, the shallowest depth each state was met at
  const depthMet = Number.isFinite(maxDepth) ? new Map<number, number>() : null;
  const states: Int32Array[] = [];
  const keys: number[] = [];
  const onStack = new StackKeys(keys);
  const succ: number[][] = [];
  const next: number[] = [];
  const lastThread: number[] = [];
  const preempt: number[] = [];
  const slots: number[] = [];
  /** the fingerprint halves of each stack state: a successor's are updated from its parent's (Model.applyHashed) */
  const hashA: number[] = [];
  const hashB: number[] = [];
  let transitions = 0, deepest = 0, openEdges = 0;
  let bound: string | undefined;
  let snapshot: DfsSnapshot | undefined;
  const roots = opts.roots ?? [{ state: m.initial(), schedule: [] }];
  let nextRoot = opts.resume ? opts.resume.root + 1 : 0;
  const claim = opts.claim ?? (() => (nextRoot < roots.length ? nextRoot++ : -1));
  let current = -1;
  let rootSchedule: Schedule = [];
  const finish = (extra_: Partial<DfsResult>): DfsResult => ({
    verdict: extra_.violation ? 'violation' : bound ? 'bounded' : 'clean',
    ...(bound && !extra_.violation ? { bound } : {}),
    ...extra_,
    ...(collect ? { violations: collect.list } : {}),
    ...(shared ? { openEdges } : {}),
    stats: statsOf(visited.size, transitions, deepest, t0, visited.bytes, visited.omissionProbability),
  });
  /** the schedule of the stack below the root */
  const localPath = (depth: number): Schedule => {
    const out: Schedule = [];
    for (let k = 0; k < depth; k++) out.push([succ[k][next[k] - 2], succ[k][next[k] - 1]]);
    return out;
  };
  const path = (depth: number): Schedule => (rootSchedule.length ? [...rootSchedule, ...localPath(depth)] : localPath(depth));
  const keyOf = (s: Int32Array, last: number, pre: number): Int32Array => {
    if (!extra) return s;
    const k = new Int32Array(s.length + 2);
    k.set(s);
    k[s.length] = last;
    k[s.length + 1] = pre;
    return k;
  };
  const onState = opts.onState;
  const orderSeed = opts.orderSeed ?? 0;
  const check = (s: Int32Array, depth: number): Violation | null => {
    if (onState) onState(s);
    if (!collect) return m.check(s);
    checkEach(m, s, (v) => collect.add(v, path(depth)));
    return null;
  };
  /** A bound-stopped thread (ops per thread) is not deadlocked. */
  const deadlockOf = (s: Int32Array): Violation | null => {
    if (Number.isFinite(maxOps)) {
      let stoppedByBound = false;
      for (let t = 0; t < T; t++) if (!m.finished(s, t) && s[m.sys.opIndex(t)] >= maxOps) stoppedByBound = true;
      if (stoppedByBound) {
        bound ??= `${maxOps} operations per thread`;
        return null;
      }
    }
    return deadlockIn(m, s);
  };
  const enabledSet = (k: number): Set<number> => {
    const e = new Set<number>();
    for (let j = 0; j < succ[k].length; j += 2) e.add(succ[k][j]);
    return e;
  };
  /** (last thread, preemptions used) after `actor` moves from frame `top` */
  const preemptionsAfter = (top: number, actor: number): [number, number] => {
    let last = lastThread[top], pre = preempt[top];
    const list = succ[top];
    if (actor < T) {
      if (last >= 0 && last !== actor && list.some((a, j) => j % 2 === 0 && a === last)) pre++;
      last = actor;
    }
    return [last, pre];
  };

  /**
   * Edges into states another worker was below, from the states on this stack, until their source is done. Only
   * an edge whose target is still not done then can matter: in a cycle no stack saw, take the state c done
   * first and its successor c' on the cycle. c' was not new when c's worker met the edge (a child is done before
   * its parent), nor on that worker's stack (the stack would show the cycle), nor done (it is done after c), so
   * the edge was noted; and c' is still not done when c is, so it is kept. Kept edges go to onOpenEdge.
   */
  const pending: { depth: number; to: Int32Array; slot: number; actor: number }[] = [];
  const settleOpenEdges = (top: number): void => {
    while (pending.length > 0 && pending[pending.length - 1].depth === top) {
      const e = pending.pop()!;
      if (shared!.isDone(e.slot)) continue;
      openEdges++;
      opts.onOpenEdge?.(states[top], e.to, e.actor);
    }
  };

  /** The shared table moved to a larger one (FingerprintTable.rebind): the slots of the stack's states and of the
   * kept edges' targets are looked up again. */
  let tableGeneration = shared?.generation ?? 0;
  const relocate = (): void => {
    const slotOf = (s: Int32Array): number => {
      const k = shared!.addSlot(s);
      if (k >= 0) throw new Error('parallel search: a state was lost when the table grew');
      return -1 - k;
    };
    for (let k = 0; k < depth; k++) slots[k] = slotOf(states[k]);
    for (const e of pending) e.slot = slotOf(e.to);
    tableGeneration = shared!.generation;
  };

  let depth = 0;
  const push = (s: Int32Array, key: number, last: number, pre: number, slot: number): Violation | null => {
    states[depth] = s;
    keys[depth] = key;
    hash2(s); // remembered from the key's computation
    hashA[depth] = H.a;
    hashB[depth] = H.b;
    lastThread[depth] = last;
    preempt[depth] = pre;
    slots[depth] = slot;
    onStack.push(key);
    const list: number[] = (succ[depth] = []);
    m.steps(s, list);
    if (Number.isFinite(maxOps)) {
      let w = 0;
      for (let j = 0; j < list.length; j += 2) {
        if (list[j] < T && s[m.sys.opIndex(list[j])] >= maxOps) {
          bound ??= `${maxOps} operations per thread`;
          continue;
        }
        list[w++] = list[j];
        list[w++] = list[j + 1];
      }
      list.length = w;
    }
    if (orderSeed !== 0 && list.length > 2) shufflePairs(list, key, orderSeed);
    next[depth] = 0;
    const dl = list.length === 0 && checkDeadlock ? deadlockOf(s) : null;
    if (depth > deepest) deepest = depth;
    depth++;
    return dl;
  };
  const rootSlot = (s: Int32Array): number => {
    if (!shared) {
      visited.add(keyOf(s, -1, 0));
      return -1;
    }
    const k = shared.addSlot(s);
    return k >= 0 ? k : -1 - k;
  };
  const takeSnapshot = (): DfsSnapshot => ({
    root: current, next: next.slice(0, depth), path: localPath(depth - 1), transitions, deepest,
    ...(bound ? { noted: bound } : {}),
    ...(depthMet ? { depthMet: [...depthMet] } : {}),
  });

  if (opts.resume) restore(opts.resume);

  function restore(r: DfsSnapshot): void {
    const bad = (why: string) => new Error(`checkpoint does not match this search: ${why}`);
    if (!Number.isInteger(r.root) || r.root < 0 || r.root >= roots.length) throw bad(`root ${r.root} of ${roots.length}`);
    current = r.root;
    rootSchedule = roots[current].schedule;
    transitions = r.transitions;
    deepest = r.deepest;
    if (r.noted) bound = r.noted;
    if (depthMet && r.depthMet) for (const [k, d] of r.depthMet) depthMet.set(k, d);
    if (r.next.length === 0) return;
    const st = roots[current].state;
    push(st, fingerprint(st), -1, 0, rootSlot(st));
    for (let k = 0; k < r.next.length; k++) {
      const n = r.next[k];
      if (!Number.isInteger(n) || n < 0 || n % 2 !== 0 || n > succ[k].length) throw bad(`frame ${k} has choice index ${n} of ${succ[k].length / 2}`);
      next[k] = n;
      if (k === r.next.length - 1) break;
      const actor = succ[k][n - 2], choice = succ[k][n - 1];
      if (n === 0 || r.path[k]?.[0] !== actor || r.path[k]?.[1] !== choice) throw bad(`step ${k} of the stack does not replay`);
      const [last, pre] = preemptionsAfter(k, actor);
      const s = m.apply(states[k], actor, choice);
      push(s, fingerprint(s), last, pre, rootSlot(s));
      next[k] = n; // push reset only the new frame
    }
  }

  for (;;) {
    if (depth === 0) {
      if (snapshot) break;
      const r = claim();
      if (r < 0) break;
      current = r;
      rootSchedule = roots[r].schedule;
      const st = roots[r].state;
      const slot = rootSlot(st);
      const v0 = check(st, 0);
      if (v0) return finish({ violation: v0, schedule: path(0) });
      const r0 = push(st, fingerprint(st), -1, 0, slot);
      if (r0) {
        if (!collect) return finish({ violation: r0, schedule: path(0) });
        collect.add(r0, path(0));
      }
      continue;
    }
    const top = depth - 1;
    const stop = limits.poll(sizeNow, transitions, depth, depth);
    if (stop !== null) {
      if (stop === SLICE) yield;
      else {
        snapshot = takeSnapshot();
        bound = stop;
        break;
      }
    }
    if (shared && shared.generation !== tableGeneration) relocate(); // the poll waited for a larger table
    const list = succ[top];
    if (next[top] >= list.length || top >= maxDepth) {
      if (top >= maxDepth && list.length > 0) bound ??= `depth ${maxDepth}`;
      onStack.pop(keys[top]);
      if (shared && checkLivelock) {
        // (done flags serve only the livelock checks between workers)
        settleOpenEdges(top);
        shared.markDone(slots[top]);
      }
      depth--;
      continue;
    }
    const actor = list[next[top]], choice = list[next[top] + 1];
    next[top] += 2;
    // context bounding: switching away from a thread that could go on is a preemption (hardware actors are free)
    let last = -1, pre = 0; // counted only under a preemption bound (they are part of the state then)
    if (extra) {
      [last, pre] = preemptionsAfter(top, actor);
      if (pre > maxPre) {
        bound ??= `${maxPre} preemptions`;
        continue;
      }
    }
    // built in the model's scratch array (most successors were met before): copied only when kept
    const scratch = m.applyHashed(states[top], actor, choice, hashA[top], hashB[top], true);
    const ha = m.hashA, hb = m.hashB;
    rememberHash(scratch, ha, hb);
    transitions++;
    // every edge of the graph is met once, here: the threads' step graphs, for the cycle checks (stepgraph.ts)
    stepGraph?.note(states[top], scratch, actor);
    const key = fingerprint(scratch);
    let slot = -1;
    const isNew = shared ? (slot = shared.addSlot(scratch)) >= 0 : visited.add(keyOf(scratch, last, pre));
    // a state on the stack was visited: only a state met before can close a cycle of this stack
    if (!isNew && checkLivelock && !extra) {
      const at = onStack.depthOf(key, depth);
      if (at >= 0) {
        const cyc = states.slice(at, top + 1);
        const steps = localPath(top + 1).slice(at);
        const ll = livelockIn(m, cyc, steps, cyc.map((_, k) => enabledSet(at + k)));
        if (ll) {
          if (!collect) return finish({ violation: ll, schedule: path(top + 1) });
          collect.add(ll, path(top + 1));
        }
        continue;
      }
    }
    if (!isNew) {
      if (shared) {
        // another worker may still be below that state: a cycle through this edge is possible when no operation
        // completes and no counter moves on it (Model.makesProgress); kept until this state is done
        if (checkLivelock && !shared.isDone(-1 - slot) && !m.makesProgress(states[top], scratch, actor)) pending.push({ depth: top, to: m.keep(scratch), slot: -1 - slot, actor });
        continue;
      }
      if (!depthMet) continue;
      const was = depthMet.get(key);
      if (was === undefined || was <= top + 1) continue; // met before at least as shallow
    }
    depthMet?.set(key, top + 1);
    const s = m.keep(scratch);
    rememberHash(s, ha, hb);
    const v = check(s, top + 1);
    if (v) return finish({ violation: v, schedule: path(top + 1) });
    const r = push(s, key, last, pre, slot);
    if (r) {
      if (!collect) return finish({ violation: r, schedule: path(top + 1) });
      collect.add(r, path(top + 1));
    }
    if (limits.maxStates !== Infinity && visited.size >= limits.maxStates) {
      snapshot = takeSnapshot();
      bound = `${limits.maxStates} states`;
      break;
    }
  }
  return finish(snapshot ? { snapshot } : {});
}

/**
 * The stack's state keys, for "is this state on the stack?" on every revisit: a count per low 12 bits of the key
 * answers "no" at once for nearly all of them (a Map of the keys cost 10% of a search); else the stack is scanned.
 */
class StackKeys {
  private readonly count = new Uint16Array(4096);

  constructor(private readonly keys: number[]) {}

  push(key: number): void {
    this.count[key & 4095]++;
  }

  pop(key: number): void {
    this.count[key & 4095]--;
  }

  /** The depth of the state with this key on the stack of the given depth, or -1. */
  depthOf(key: number, depth: number): number {
    if (this.count[key & 4095] === 0) return -1;
    for (let k = depth - 1; k >= 0; k--) if (this.keys[k] === key) return k;
    return -1;
  }
}
