// Owns the parallel search's snapshot: what a stopped `--workers N` search needs to continue exactly. The shared
// table's fingerprints with their done flags travel in the checkpoint's `visited` field; here are the rest: the
// split (level and sizes of the top region, which the resumed run recomputes and checks), the next frontier root
// to claim, each worker's stack (a DfsSnapshot, null for a worker whose search had ended), the counters, the
// threads' step graphs so far, and the edges into other workers' states met so far, which the livelock check
// needs at the end (with `edgesOverflow` when more were met than kept: the resumed run then leaves the verdict
// to the sequential search, as an uninterrupted one would).
import type { DfsSnapshot } from '../dfsresume';
import type { OpenEdge } from '../shard';
import { toBase64, wordsOfBase64 } from '../packing';

export interface ParallelSnapshot {
  workers: number;
  rootsPerWorker: number;
  level: number;
  top: number;
  frontier: number;
  /** the shared table's size (log2 slots) when it stopped */
  tableLog2: number;
  nextRoot: number;
  stacks: (DfsSnapshot | null)[];
  /** transitions the workers took so far (the top region's are counted at the end) */
  transitions: number;
  /** the deepest worker frame so far (below the top region) */
  maxDepth: number;
  /** the threads' step graphs (StepGraph bits), Int32 words, base64 */
  stepGraph: string;
  /** the edges into other workers' states: per edge the actor, then both states' words; Int32, base64 */
  edges: string;
  edgeCount: number;
  edgesOverflow: boolean;
}

/** Packs open edges as Int32 words: [actor, from..., to...] per edge. */
export function packEdges(edges: readonly OpenEdge[], words: number): string {
  const out = new Int32Array(edges.length * (1 + 2 * words));
  let w = 0;
  for (const [from, to, actor] of edges) {
    out[w++] = actor;
    out.set(from, w);
    out.set(to, w + words);
    w += 2 * words;
  }
  return toBase64(out);
}

export function unpackEdges(s: ParallelSnapshot, words: number): OpenEdge[] {
  const per = 1 + 2 * words;
  const all = wordsOfBase64('i32', s.edges, s.edgeCount * per, 'the edges between workers');
  const out: OpenEdge[] = [];
  for (let i = 0; i < s.edgeCount; i++) {
    const at = i * per;
    out.push([all.slice(at + 1, at + 1 + words), all.slice(at + 1 + words, at + per), all[at]]);
  }
  return out;
}

export function stepGraphOf(s: ParallelSnapshot, words: number): Int32Array {
  return wordsOfBase64('i32', s.stepGraph, words, 'the step graphs');
}

/** Checks the snapshot's split against the resumed run's own (the same model gives the same top region). */
export function checkSplit(s: ParallelSnapshot, region: { level: number; top: unknown[]; frontier: unknown[] }): void {
  const want = `level ${s.level}, ${s.top} top states, ${s.frontier} roots`;
  const have = `level ${region.level}, ${region.top.length} top states, ${region.frontier.length} roots`;
  if (want !== have) throw new Error(`checkpoint does not match this search: the parallel split was ${want}, now ${have}`);
  if (s.stacks.length !== s.workers) throw new Error(`checkpoint does not match this search: ${s.stacks.length} worker stacks for ${s.workers} workers`);
  if (!Number.isInteger(s.nextRoot) || s.nextRoot < 0) throw new Error(`checkpoint does not match this search: next root ${s.nextRoot}`);
}
