// Owns the depth-first exhaustive search: every interleaving of the scenario's threads and hardware
// actors, deduplicated by fingerprint, invariants checked in every new state, deadlocks reported.
import type { Model } from '../model/model';
import { VisitedSet } from './visited';
import { deadlockIn } from './deadlock';
import { statsOf, type ExploreOptions, type ExploreResult, type Schedule } from './result';

export function exploreDfs(m: Model, opts: ExploreOptions = {}): ExploreResult {
  const t0 = performance.now();
  const maxStates = opts.maxStates ?? Infinity;
  const maxDepth = opts.maxDepth ?? Infinity;
  const checkDeadlock = opts.deadlock !== false;
  const visited = new VisitedSet();
  const states: Int32Array[] = [];
  const succ: number[][] = [];
  const next: number[] = [];
  let transitions = 0, deepest = 0;
  let bound: string | undefined;
  const finish = (extra: Partial<ExploreResult>): ExploreResult => ({
    verdict: extra.violation ? 'violation' : bound ? 'bounded' : 'clean',
    ...(bound && !extra.violation ? { bound } : {}),
    ...extra,
    stats: statsOf(visited.size, transitions, deepest, t0, visited.bytes, visited.omissionProbability),
  });
  const path = (depth: number): Schedule => {
    const out: Schedule = [];
    for (let k = 0; k < depth; k++) out.push([succ[k][next[k] - 2], succ[k][next[k] - 1]]);
    return out;
  };

  const init = m.initial();
  visited.add(init);
  const v0 = m.check(init);
  if (v0) return finish({ violation: v0, schedule: [] });
  let depth = 0;
  const push = (s: Int32Array): ExploreResult | null => {
    states[depth] = s;
    const list = (succ[depth] ??= []);
    list.length = 0;
    m.steps(s, list);
    next[depth] = 0;
    if (list.length === 0 && checkDeadlock) {
      const dl = deadlockIn(m, s);
      if (dl) return finish({ violation: dl, schedule: path(depth) });
    }
    depth++;
    if (depth - 1 > deepest) deepest = depth - 1;
    return null;
  };
  const r0 = push(init);
  if (r0) return r0;
  while (depth > 0) {
    const top = depth - 1;
    const list = succ[top];
    if (next[top] >= list.length || top >= maxDepth) {
      if (top >= maxDepth && list.length > 0) bound ??= `depth ${maxDepth}`;
      depth--;
      continue;
    }
    const actor = list[next[top]], choice = list[next[top] + 1];
    next[top] += 2;
    const s = m.apply(states[top], actor, choice);
    transitions++;
    if (!visited.add(s)) continue;
    const v = m.check(s);
    if (v) return finish({ violation: v, schedule: [...path(top + 1)] });
    if (visited.size >= maxStates) {
      bound = `${maxStates} states`;
      break;
    }
    const r = push(s);
    if (r) return r;
  }
  return finish({});
}
