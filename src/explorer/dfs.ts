// Owns the unreduced depth-first exhaustive search: every interleaving of the scenario's threads and
// hardware actors, deduplicated by fingerprint, invariants checked in every new state, deadlocks and
// livelocks (fair cycles without progress) reported, and the bounds: depth, preemptions, operations per
// thread, states, memory, time. A search stopped by a bound says which one; its verdict is 'bounded'.
import type { Model, Violation } from '../model/model';
import { VisitedSet } from './visited';
import { deadlockIn } from './deadlock';
import { livelockIn } from './livelock';
import { Collector, checkEach } from './collect';
import { fingerprint } from './dpor';
import { Limits } from './limits';
import { statsOf, type ExploreOptions, type ExploreResult, type Schedule } from './result';

export function exploreDfs(m: Model, opts: ExploreOptions = {}): ExploreResult {
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
  const visited = opts.visited ?? new VisitedSet();
  const limits = new Limits(opts, () => visited.bytes);
  // states on the current path (for cycles); with a depth bound, the shallowest depth each state was met at
  const onStack = new Map<number, number>();
  const depthMet = Number.isFinite(maxDepth) ? new Map<number, number>() : null;
  const states: Int32Array[] = [];
  const keys: number[] = [];
  const succ: number[][] = [];
  const next: number[] = [];
  const lastThread: number[] = [];
  const preempt: number[] = [];
  let transitions = 0, deepest = 0;
  let bound: string | undefined;
  const finish = (extra_: Partial<ExploreResult>): ExploreResult => ({
    verdict: extra_.violation ? 'violation' : bound ? 'bounded' : 'clean',
    ...(bound && !extra_.violation ? { bound } : {}),
    ...extra_,
    ...(collect ? { violations: collect.list } : {}),
    stats: statsOf(visited.size, transitions, deepest, t0, visited.bytes, visited.omissionProbability),
  });
  const path = (depth: number): Schedule => {
    const out: Schedule = [];
    for (let k = 0; k < depth; k++) out.push([succ[k][next[k] - 2], succ[k][next[k] - 1]]);
    return out;
  };
  const keyOf = (s: Int32Array, last: number, pre: number): Int32Array => {
    if (!extra) return s;
    const k = new Int32Array(s.length + 2);
    k.set(s);
    k[s.length] = last;
    k[s.length + 1] = pre;
    return k;
  };
  const check = (s: Int32Array, depth: number): Violation | null => {
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

  let depth = 0;
  const push = (s: Int32Array, key: number, last: number, pre: number): Violation | null => {
    states[depth] = s;
    keys[depth] = key;
    lastThread[depth] = last;
    preempt[depth] = pre;
    onStack.set(key, depth);
    const list = (succ[depth] ??= []);
    list.length = 0;
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
    next[depth] = 0;
    const dl = list.length === 0 && checkDeadlock ? deadlockOf(s) : null;
    if (depth > deepest) deepest = depth;
    depth++;
    return dl;
  };

  const init = m.initial();
  visited.add(keyOf(init, -1, 0));
  const v0 = check(init, 0);
  if (v0) return finish({ violation: v0, schedule: [] });
  const r0 = push(init, fingerprint(init), -1, 0);
  if (r0) {
    if (!collect) return finish({ violation: r0, schedule: [] });
    collect.add(r0, []);
  }
  while (depth > 0) {
    const top = depth - 1;
    const list = succ[top];
    if (next[top] >= list.length || top >= maxDepth) {
      if (top >= maxDepth && list.length > 0) bound ??= `depth ${maxDepth}`;
      onStack.delete(keys[top]);
      depth--;
      continue;
    }
    const actor = list[next[top]], choice = list[next[top] + 1];
    next[top] += 2;
    // context bounding: switching away from a thread that could go on is a preemption (hardware actors are free)
    let last = lastThread[top], pre = preempt[top];
    if (actor < T) {
      if (last >= 0 && last !== actor && list.some((a, j) => j % 2 === 0 && a === last)) pre++;
      last = actor;
    }
    if (pre > maxPre) {
      bound ??= `${maxPre} preemptions`;
      continue;
    }
    const s = m.apply(states[top], actor, choice);
    transitions++;
    const stop = limits.poll(visited.size, transitions, depth, depth);
    if (stop) {
      bound = stop;
      break;
    }
    const key = fingerprint(s);
    if (checkLivelock && !extra) {
      const at = onStack.get(key);
      if (at !== undefined) {
        const cyc = states.slice(at, top + 1);
        const steps = path(top + 1).slice(at);
        const ll = livelockIn(m, cyc, steps, cyc.map((_, k) => enabledSet(at + k)));
        if (ll) {
          if (!collect) return finish({ violation: ll, schedule: path(top + 1) });
          collect.add(ll, path(top + 1));
        }
        continue;
      }
    }
    if (!visited.add(keyOf(s, last, pre))) {
      if (!depthMet) continue;
      const was = depthMet.get(key);
      if (was === undefined || was <= top + 1) continue; // met before at least as shallow
    }
    depthMet?.set(key, top + 1);
    const v = check(s, top + 1);
    if (v) return finish({ violation: v, schedule: path(top + 1) });
    if (visited.size >= limits.maxStates) {
      bound = `${limits.maxStates} states`;
      break;
    }
    const r = push(s, key, last, pre);
    if (r) {
      if (!collect) return finish({ violation: r, schedule: path(top + 1) });
      collect.add(r, path(top + 1));
    }
  }
  return finish({});
}
