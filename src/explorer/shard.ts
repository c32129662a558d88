// Owns the `--shard i/N` spec and the top region the parallel workers share: levels 0..k-1 of the state graph
// explored breadth-first, where k is the first level with at least `minRoots` states (the frontier), whose
// states are the roots the workers' depth-first searches claim. (A shard of one job is a swarm: swarm.ts.)
import type { Model, Violation } from '../model/model';
import { deadlockIn } from './deadlock';
import type { DfsRoot } from './dfs';
import { fingerprintKey } from './fptable';
import { fingerprint } from '../model/statehash';
import { StepGraph } from './stepgraph';
import type { Schedule } from './result';

export interface ShardSpec {
  /** 1-based */
  index: number;
  count: number;
}

export interface TopRegion {
  /** states of levels 0..k-1, breadth-first order, with their schedules */
  top: DfsRoot[];
  /** level k: the roots of the depth-first searches */
  frontier: DfsRoot[];
  level: number;
  /** edges into a state no deeper than their source, on which no operation completes and no counter moves:
   * only these can close a cycle inside the top region */
  backEdges: OpenEdge[];
  /** the threads' step graphs over the edges out of top states (stepgraph.ts) */
  steps: StepGraph;
}

/** An edge that may close a cycle: source, target, and the actor taking it. */
export type OpenEdge = [Int32Array, Int32Array, number];

/** Parses "i/N" (1 <= i <= N); null when malformed. */
export function parseShard(v: string): ShardSpec | null {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  if (!m) return null;
  const index = Number(m[1]), count = Number(m[2]);
  if (count < 1 || index < 1 || index > count || count > 1 << 20) return null;
  return { index, count };
}

/** Breadth-first levels until one holds at least minRoots states (or the graph ends, or maxTop states). */
export function topRegion(m: Model, minRoots: number, maxTop = 20_000): TopRegion {
  const seen = new Map<string, number>();
  const init = m.initial();
  seen.set(fingerprintKey(init), 0);
  const backEdges: OpenEdge[] = [];
  const steps = new StepGraph(m);
  const top: DfsRoot[] = [];
  let level: DfsRoot[] = [{ state: init, schedule: [] }];
  let k = 0;
  const list: number[] = [];
  while (level.length > 0 && level.length < minRoots && top.length + level.length <= maxTop) {
    const nextLevel: DfsRoot[] = [];
    for (const r of level) {
      top.push(r);
      list.length = 0;
      m.steps(r.state, list);
      for (let j = 0; j < list.length; j += 2) {
        const s = m.apply(r.state, list[j], list[j + 1]);
        steps.note(r.state, s, list[j]);
        const key = fingerprintKey(s);
        const at = seen.get(key);
        if (at !== undefined) {
          if (at <= k && !m.makesProgress(r.state, s, list[j])) backEdges.push([r.state, s, list[j]]);
          continue;
        }
        seen.set(key, k + 1);
        nextLevel.push({ state: s, schedule: [...r.schedule, [list[j], list[j + 1]]] as Schedule });
      }
    }
    level = nextLevel;
    k++;
  }
  return { top, frontier: level, level: k, backEdges, steps };
}

/**
 * Does some edge (from, to) lie on a cycle, i.e. can `to` reach `from`? A cycle completes no operation and moves
 * no counter, so only states with the edge's operation indices and counters are searched (Model.makesProgress).
 * One pass: the strongly connected components (Tarjan, iterative) of the states reachable from the targets
 * within them; an edge closes a cycle when both ends are in one component. States are told apart by their
 * 53-bit fingerprints, as in the searches. Null when the budget of states ran out first. Checking a set of edges in parts gives the same
 * answer (each edge's answer depends on the graph alone), which lets the parallel workers share the work.
 * `steps`: the threads' step graphs over the whole state graph (stepgraph.ts), when known: then only the
 * transitions that may lie on a cycle by them are followed, edges and successors alike.
 */
export function closesCycle(m: Model, edges: readonly OpenEdge[], budget = 1_000_000, steps?: StepGraph): boolean | null {
  const mayCycle = (from: Int32Array, to: Int32Array, actor: number): boolean =>
    steps ? steps.mayCycle(from, to, actor) : !m.makesProgress(from, to, actor);
  edges = edges.filter((e) => mayCycle(e[0], e[1], e[2]));
  const index = new Map<number, number>(), low: number[] = [], onStack: boolean[] = [], comp: number[] = [];
  const stack: number[] = [];
  let n = 0, comps = 0;
  const list: number[] = [];
  for (const [, to] of edges) {
    const k0 = fingerprint(to);
    if (index.has(k0)) continue;
    // frames: [state id, successors not yet tried]
    const frames: { id: number; succ: Int32Array[] }[] = [];
    const open = (s: Int32Array, k: number): void => {
      const id = n++;
      index.set(k, id);
      low[id] = id;
      onStack[id] = true;
      stack.push(id);
      list.length = 0;
      m.steps(s, list);
      const succ: Int32Array[] = [];
      for (let j = 0; j < list.length; j += 2) {
        const x = m.apply(s, list[j], list[j + 1]);
        if (mayCycle(s, x, list[j])) succ.push(x);
      }
      frames.push({ id, succ });
    };
    open(to, k0);
    while (frames.length) {
      if (--budget < 0) return null;
      const f = frames[frames.length - 1];
      const x = f.succ.pop();
      if (x) {
        const k = fingerprint(x);
        const j = index.get(k);
        if (j === undefined) open(x, k);
        else if (onStack[j]) low[f.id] = Math.min(low[f.id], j);
        continue;
      }
      frames.pop();
      if (frames.length) low[frames[frames.length - 1].id] = Math.min(low[frames[frames.length - 1].id], low[f.id]);
      if (low[f.id] === f.id) {
        for (;;) {
          const y = stack.pop()!;
          onStack[y] = false;
          comp[y] = comps;
          if (y === f.id) break;
        }
        comps++;
      }
    }
  }
  for (const [from, to] of edges) {
    const a = index.get(fingerprint(from)), b = index.get(fingerprint(to));
    if (a !== undefined && b !== undefined && comp[a] === comp[b]) return true;
  }
  return false;
}

/** The invariant or deadlock violation of a top state, if any (every shard checks the whole top region). */
export function checkTop(m: Model, region: TopRegion, deadlock: boolean): { violation: Violation; schedule: Schedule } | null {
  const list: number[] = [];
  for (const r of region.top) {
    const v = m.check(r.state);
    if (v) return { violation: v, schedule: r.schedule };
    if (!deadlock) continue;
    list.length = 0;
    m.steps(r.state, list);
    const d = list.length === 0 ? deadlockIn(m, r.state) : null;
    if (d) return { violation: d, schedule: r.schedule };
  }
  return null;
}
