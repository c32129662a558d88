// Owns the reduced depth-first search: stateful dynamic partial-order reduction (Flanagan-Godefroid races
// on footprints, backtracking at every conflicting stack position) with state caching made sound by
// subtree summaries (Yang et al.): a revisited state's summary holds every actor's footprint met below it,
// raced against the current stack. Cycles fall back to full expansion. Invariant visibility: footprint.ts.
import type { Model, Violation } from '../model/model';
import { fingerprint } from '../model/statehash';
import { deadlockIn } from './deadlock';
import { FootprintSpace, dependent, orInto } from './footprint';
import { statsOf, type ExploreOptions, type ExploreResult, type Schedule } from './result';
import { Collector } from './collect';
import { Limits, SLICE } from './limits';
import { toEnd, type Sliced } from './slices';
import { livelockIn } from './livelock';
import { SummaryStore } from './summaries';
import { learnInvariantReads } from './dporlearn';
import { packSnapshot, unpackReads, unpackSnapshot, type DporSnapshot } from './dporsnapshot';
import { nowMs } from './clock';

export interface Frame {
  s: Int32Array;
  key: number;
  choices: number[][];
  succs: Int32Array[][];
  R: Uint32Array[];
  W: Uint32Array[];
  backtrack: Uint8Array;
  done: Uint8Array;
  /** actor being explored, and the index of its next choice */
  cur: number;
  ci: number;
  /** footprints of every actor met in this state's explored subtree, and whether it is incomplete */
  sumR: Uint32Array[];
  sumW: Uint32Array[];
  top: boolean;
  /** the union of the footprints of the stack's transitions from the root to this frame's (valid while uCur === cur) */
  uR: Uint32Array;
  uW: Uint32Array;
  uCur: number;
}

interface Summary {
  readonly R: readonly Uint32Array[];
  readonly W: readonly Uint32Array[];
}

function sameBits(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isEmpty(b: Uint32Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

/** After this many rounds cut short by growth, a round runs to its end to learn every read at once. */
const ABORTED_ROUNDS = 16;

/**
 * Runs the reduced search until the invariants' read sets stop growing. The first round starts from the reads
 * learnt on a few short walks (dporlearn.ts). A round in which they grow is cut short at the first growth and
 * redone with the larger sets; after ABORTED_ROUNDS such rounds, a round runs to its end to learn all it meets.
 * Every round that grew adds at least one read, so this ends. The stats count every round's time, and the
 * learning's.
 */
export function exploreDpor(m: Model, opts: DporOptions = {}): DporResult {
  return toEnd(dporSearch(m, opts));
}

export interface DporOptions extends ExploreOptions {
  /** continue from a snapshot a stop bound left (dporsnapshot.ts) */
  resume?: DporSnapshot;
  /** the invariants' reads the first round starts from, per atom (default: learnt, dporlearn.ts) */
  seedReads?: Uint32Array[];
}

export interface DporResult extends ExploreResult {
  /** set when a stop bound (states, memory, time, interrupt) ended the search: where to continue from */
  snapshot?: DporSnapshot;
}

/** The reduced search, yielding at the end of each time slice (slices.ts). */
export function* dporSearch(m: Model, opts: DporOptions = {}): Sliced<DporResult> {
  const t0 = nowMs();
  let seed: Uint32Array[] = opts.resume ? unpackReads(opts.resume) : opts.seedReads ?? learnInvariantReads(m);
  for (let round = opts.resume?.round ?? 0; ; round++) {
    const fs = new FootprintSpace(m, seed);
    const r = yield* dporOnce(m, fs, opts, round < ABORTED_ROUNDS, round, round === opts.resume?.round ? opts.resume : undefined);
    // a violation is real whatever the visibility; a clean or bounded run counts only if no invariant
    // read an object the run had not already treated as visible (else redo it with the larger set)
    // a stop bound ends the search whatever the round: its snapshot carries the round and whether it grew
    if (r && (!fs.grew || r.verdict === 'violation' || r.snapshot)) {
      const ms = Math.max(nowMs() - t0, 0.001);
      return { ...r, stats: { ...r.stats, ms: Math.round(ms), statesPerSec: Math.round((r.stats.states / ms) * 1000), rounds: round + 1 } };
    }
    seed = fs.invReads;
  }
}

/** One round; null when cut short because the invariants' read sets grew (`abortOnGrowth`). */
function* dporOnce(m: Model, fs: FootprintSpace, opts: ExploreOptions, abortOnGrowth: boolean, round: number, resume?: DporSnapshot): Sliced<DporResult | null> {
  const t0 = nowMs();
  const A = m.actors;
  const limits = new Limits(opts, () => summaries.bytes + fs.memoBytes);
  const maxStates = limits.maxStates;
  const checkDeadlock = opts.deadlock !== false;
  const checkLivelock = opts.livelock !== false;
  const collect = opts.collectAll ? new Collector() : null;
  const summaries = new SummaryStore(A, fs.words);
  const scratchFlat = new Uint32Array(2 * A * fs.words);
  const onStack = new Map<number, number>();
  const stack: Frame[] = [];
  let transitions = 0, deepest = 0, states = 0;
  let bound: string | undefined;

  const path = (n: number): Schedule => {
    const out: Schedule = [];
    for (let k = 0; k < n; k++) out.push([stack[k].cur, stack[k].choices[stack[k].cur][stack[k].ci - 1]]);
    return out;
  };
  const finish = (extra: Partial<DporResult>): DporResult => ({
    verdict: extra.violation ? 'violation' : bound ? 'bounded' : 'clean',
    ...(bound && !extra.violation ? { bound } : {}),
    ...extra,
    ...(collect ? { violations: collect.list } : {}),
    stats: statsOf(states, transitions, deepest, t0, summaries.bytes + fs.memoBytes, 0),
  });

  /**
   * Whether a footprint is independent of every transition of the stack's first `upto` frames (then it races none
   * of them and the scans have nothing to do). The frames' unions are brought up to date from the highest one still
   * valid: a frame's union changes only when its own transition does, which happens only with it on top.
   */
  const independentOfStack = (r: Uint32Array, w: Uint32Array, upto: number): boolean => {
    if (upto === 0) return true;
    let i = upto - 1;
    while (i >= 0 && stack[i].uCur !== stack[i].cur) i--;
    for (let k = i + 1; k < upto; k++) {
      const g = stack[k], below = k > 0 ? stack[k - 1] : null;
      if (below) {
        g.uR.set(below.uR);
        g.uW.set(below.uW);
      } else {
        g.uR.fill(0);
        g.uW.fill(0);
      }
      orInto(g.uR, g.R[g.cur]);
      orInto(g.uW, g.W[g.cur]);
      g.uCur = g.cur;
    }
    const u = stack[upto - 1];
    return !dependent(r, w, u.uR, u.uW);
  };

  // the footprint of the transitions known to happen before p's next step (scratch of raceNext)
  const chainR = fs.empty(), chainW = fs.empty();
  const inChain = new Uint8Array(A);
  /** Whether the stack transition by actor a (footprint fr, fw) happens before p's step; if so, it joins the chain. */
  const joinsChain = (a: number, fr: Uint32Array, fw: Uint32Array): boolean => {
    if (!inChain[a] && !dependent(fr, fw, chainR, chainW)) return false;
    inChain[a] = 1;
    orInto(chainR, fr);
    orInto(chainW, fw);
    return true;
  };
  /**
   * Race actor p's next step (footprint r, w) against the stack (Flanagan-Godefroid with happens-before):
   * scanning down, a transition is in p's happens-before chain when it is p's, by an actor already in the
   * chain, or dependent with a chain transition. Every dependent transition NOT in the chain is a race; its
   * state gets p if p was enabled there, else an actor of the chain enabled there (the first step of the
   * reversed race), else every enabled actor. Frames below `from` are left out (see push).
   */
  const raceNext = (p: number, r: Uint32Array, w: Uint32Array, upto: number, from = 0): void => {
    if (isEmpty(r) && isEmpty(w)) return; // a finished thread: nothing to race
    if (independentOfStack(r, w, upto)) return;
    chainR.fill(0);
    chainW.fill(0);
    inChain.fill(0);
    inChain[p] = 1;
    for (let i = upto - 1; i >= from; i--) {
      const f = stack[i], a = f.cur, fr = f.R[a], fw = f.W[a];
      if (joinsChain(a, fr, fw) || !dependent(r, w, fr, fw)) continue;
      if (f.choices[p].length > 0) f.backtrack[p] = 1;
      else {
        let q = 0;
        while (q < A && !(inChain[q] && f.choices[q].length > 0)) q++;
        // no such actor: p's step is enabled by this very transition, the race cannot be reversed
        if (q < A) f.backtrack[q] = 1;
      }
    }
  };
  // the over-approximated chain of raceSummary
  const overR = fs.empty(), overW = fs.empty();
  const inOver = new Uint8Array(A);
  /**
   * Race actor p's steps met below a revisited state (the summary's footprint of p) against the stack. A
   * stack transition that happens before one of p's own stack transitions (the exact chain of raceNext)
   * happens before every later step of p, so it is no race. Otherwise, a dependent transition is a race.
   * Which actor to add there is chosen from an over-approximated chain, since the real one may run through
   * steps below the revisited state: the actors whose summary footprints connect to p's (its connected
   * component under dependence), then every stack transition dependent with those or by a chain actor. p is added if it was enabled there, else every
   * enabled actor of that chain (the reversed race's first step is among them; when none is enabled, the
   * race cannot be reversed).
   */
  const comp = new Int32Array(A);
  /** Connected components of the actors under dependence of their summary footprints (comp[q] = its least member). */
  const components = (sum: Summary): void => {
    for (let q = 0; q < A; q++) comp[q] = q;
    const find = (q: number): number => {
      while (comp[q] !== q) q = comp[q] = comp[comp[q]];
      return q;
    };
    for (let q = 0; q < A; q++)
      for (let q2 = q + 1; q2 < A; q2++)
        if (dependent(sum.R[q], sum.W[q], sum.R[q2], sum.W[q2])) {
          const x = find(q), y = find(q2);
          if (x !== y) comp[Math.max(x, y)] = Math.min(x, y);
        }
    for (let q = 0; q < A; q++) comp[q] = find(q);
  };
  const raceSummary = (p: number, sum: Summary, upto: number): void => {
    const r = sum.R[p], w = sum.W[p];
    if (isEmpty(r) && isEmpty(w)) return;
    if (independentOfStack(r, w, upto)) return;
    chainR.fill(0);
    chainW.fill(0);
    inChain.fill(0);
    inChain[p] = 1;
    overR.set(r);
    overW.set(w);
    for (let q = 0; q < A; q++) {
      inOver[q] = comp[q] === comp[p] ? 1 : 0;
      if (inOver[q] && q !== p) {
        orInto(overR, sum.R[q]);
        orInto(overW, sum.W[q]);
      }
    }
    for (let i = upto - 1; i >= 0; i--) {
      const f = stack[i], a = f.cur, fr = f.R[a], fw = f.W[a];
      if (!joinsChain(a, fr, fw) && dependent(r, w, fr, fw)) {
        if (f.choices[p].length > 0) f.backtrack[p] = 1;
        else for (let q = 0; q < A; q++) if (inOver[q] && f.choices[q].length > 0) f.backtrack[q] = 1;
      }
      if (inOver[a] || dependent(fr, fw, overR, overW)) {
        inOver[a] = 1;
        orInto(overR, fr);
        orInto(overW, fw);
      }
    }
  };
  const fullFallback = (): void => {
    for (const f of stack) {
      for (let q = 0; q < A; q++) if (f.choices[q].length > 0) f.backtrack[q] = 1;
      f.top = true;
    }
  };

  /**
   * The actor a new state starts with (any enabled one is sound; this choice only steers which
   * representatives are met): going down the path from the step that just ran, the first step whose actor
   * can go on or with which some enabled actor is dependent picks that actor; else the first enabled one. Keeping causally related steps
   * together lets independent groups of actors finish one after the other, so the states of one group are
   * not met again under every interleaving prefix of another.
   */
  const firstActor = (f: Frame, fallback: number): number => {
    for (let k = stack.length - 2; k >= 0; k--) {
      const g = stack[k], last = g.cur;
      if (f.choices[last].length > 0) return last;
      const lr = g.R[last], lw = g.W[last];
      for (let p = 0; p < A; p++) if (f.choices[p].length > 0 && dependent(f.R[p], f.W[p], lr, lw)) return p;
    }
    return fallback;
  };

  /** each depth's frame, reused by the next state pushed there (its arrays emptied): no frame lives off the stack */
  const frames: Frame[] = [];
  const frameAt = (depth: number): Frame => {
    let f = frames[depth];
    if (f === undefined) {
      const each = <T>(make: () => T): T[] => Array.from({ length: A }, make);
      const sets = () => each(() => fs.empty());
      f = frames[depth] = {
        s: null as unknown as Int32Array, key: 0, choices: each(() => []), succs: each(() => []), R: sets(), W: sets(),
        backtrack: new Uint8Array(A), done: new Uint8Array(A), cur: -1, ci: 0, sumR: sets(), sumW: sets(), top: false,
        uR: fs.empty(), uW: fs.empty(), uCur: -2,
      };
      return f;
    }
    f.backtrack.fill(0);
    f.done.fill(0);
    f.cur = -1;
    f.ci = 0;
    f.top = false;
    f.uCur = -2;
    for (let p = 0; p < A; p++) {
      f.choices[p].length = 0;
      f.succs[p].length = 0;
      f.R[p].fill(0);
      f.W[p].fill(0);
    }
    return f;
  };

  const push = (s: Int32Array, key: number): Violation | null => {
    const f = frameAt(stack.length);
    f.s = s;
    f.key = key;
    let any = -1;
    for (let p = 0; p < A; p++) {
      const ch = f.choices[p], su = f.succs[p];
      const fp = m.actorFootprint(s, p, ch, su);
      const r = f.R[p], w = f.W[p];
      let completes = false;
      if (p < m.threads) for (const n of su) if (n[m.sys.opIndex(p)] !== s[m.sys.opIndex(p)]) completes = true;
      fs.fill(r, w, fp.reads, fp.writes, p, completes);
      f.sumR[p].set(r);
      f.sumW[p].set(w);
      if (ch.length > 0 && any < 0) any = p;
    }
    const n = stack.length;
    stack.push(f);
    onStack.set(key, n);
    if (n > deepest) deepest = n;
    // an actor that did not move and whose next step's footprint is unchanged was raced against the stack below
    // the parent when the parent was pushed, and the scan would repeat that one exactly (the new transition,
    // by another actor, cannot join its chain): only the new transition is left to race
    const parent = n > 0 ? stack[n - 1] : null;
    for (let p = 0; p < A; p++) {
      if (parent && p !== parent.cur && sameBits(f.R[p], parent.R[p]) && sameBits(f.W[p], parent.W[p])) raceNext(p, f.R[p], f.W[p], n, n - 1);
      else raceNext(p, f.R[p], f.W[p], n);
    }
    if (any >= 0) f.backtrack[firstActor(f, any)] = 1;
    else if (checkDeadlock) return deadlockIn(m, s);
    return null;
  };

  const pop = (): void => {
    const f = stack.pop()!;
    onStack.delete(f.key);
    // stored flat: R of every actor, then W of every actor (interned: summaries.ts)
    const flat = scratchFlat;
    for (let q = 0; q < A; q++) {
      flat.set(f.sumR[q], q * fs.words);
      flat.set(f.sumW[q], (A + q) * fs.words);
    }
    summaries.set(f.key, flat, f.top);
    const parent = stack[stack.length - 1];
    if (parent) {
      for (let p = 0; p < A; p++) {
        orInto(parent.sumR[p], f.sumR[p]);
        orInto(parent.sumW[p], f.sumW[p]);
      }
      if (f.top) parent.top = true;
    }
  };

  const takeSnapshot = (): DporSnapshot => packSnapshot({ round, grew: fs.grew, invReads: fs.invReads, states, transitions, deepest, stack, summaries, A, words: fs.words });

  /** Rebuilds the stack by re-running its path (push recomputes each frame), then sets what the search had learnt. */
  const restore = (r: DporSnapshot): void => {
    const saved = unpackSnapshot(r, A, fs.words);
    fs.grew = r.grew;
    states = r.states;
    transitions = r.transitions;
    deepest = r.deepest;
    summaries.restore(saved.flats, saved.refs);
    const set = (k: number): void => {
      const f = stack[k], sf = saved.frames[k];
      f.cur = sf.cur;
      f.ci = sf.ci;
      f.backtrack.set(sf.backtrack);
      f.done.set(sf.done);
      f.top = sf.top;
      for (let q = 0; q < A; q++) {
        f.sumR[q].set(sf.sumR[q]);
        f.sumW[q].set(sf.sumW[q]);
      }
    };
    let s = m.initial();
    for (let k = 0; k < saved.frames.length; k++) {
      if (k > 0) {
        const below = saved.frames[k - 1], g = stack[k - 1];
        const n = below.cur >= 0 ? g.succs[below.cur]?.[below.ci - 1] : undefined;
        if (!n) throw new Error(`checkpoint does not match this search: frame ${k} does not replay`);
        s = n;
      }
      push(s, fingerprint(s)); // races the frame against the stack below, as when it was first pushed
      set(k);
    }
    for (let k = 0; k < saved.frames.length; k++) set(k); // the later pushes' races are in the saved sets already
  };

  if (resume) restore(resume);
  else {
    const init = m.initial();
    const v0 = fs.check(init, collect ? (v) => collect.add(v, []) : undefined);
    fs.grew = false; // no footprint was computed yet
    states = 1;
    if (v0 && !collect) return finish({ violation: v0, schedule: [] });
    const d0 = push(init, fingerprint(init));
    if (d0) {
      if (!collect) return finish({ violation: d0, schedule: [] });
      collect.add(d0, []);
    }
  }

  while (stack.length > 0) {
    const top = stack.length - 1;
    const f = stack[top];
    if (f.cur >= 0 && f.ci >= f.choices[f.cur].length) {
      f.done[f.cur] = 1;
      f.cur = -1;
    }
    if (f.cur < 0) {
      let next = -1;
      for (let p = 0; p < A; p++) if (f.backtrack[p] && !f.done[p]) { next = p; break; }
      if (next < 0) {
        pop();
        continue;
      }
      f.cur = next;
      f.ci = 0;
    }
    const n = f.succs[f.cur][f.ci++];
    transitions++;
    const stop = limits.poll(states, transitions, stack.length, stack.length);
    if (stop !== null) {
      if (stop === SLICE) yield;
      else {
        bound = stop;
        f.ci--; // the transition just taken is taken again on resume
        transitions--;
        return finish({ snapshot: takeSnapshot() });
      }
    }
    const key = fingerprint(n);
    const at = onStack.get(key);
    if (at !== undefined) {
      fullFallback();
      if (checkLivelock) {
        const cyc = stack.slice(at, top + 1);
        const ll = livelockIn(m, cyc.map((g) => g.s), path(top + 1).slice(at),
          cyc.map((g) => new Set(g.choices.flatMap((c, p) => (c.length ? [p] : [])))));
        if (ll) {
          if (!collect) return finish({ violation: ll, schedule: path(top + 1) });
          collect.add(ll, path(top + 1));
        }
      }
      continue;
    }
    const stored = summaries.ref(key);
    if (stored >= 0) {
      const sum = summaries.footprintsOf(stored), incomplete = summaries.topOf(stored);
      if (incomplete) fullFallback();
      else {
        components(sum);
        for (let p = 0; p < A; p++) raceSummary(p, sum, top + 1);
      }
      for (let p = 0; p < A; p++) {
        orInto(f.sumR[p], sum.R[p]);
        orInto(f.sumW[p], sum.W[p]);
      }
      if (incomplete) f.top = true;
      continue;
    }
    states++;
    const v = collect ? fs.check(n, (x) => collect.add(x, path(top + 1))) : fs.check(n);
    if (v && !collect) return finish({ violation: v, schedule: path(top + 1) });
    if (abortOnGrowth && fs.grew) return null;
    const dl = push(n, key);
    if (dl) {
      if (!collect) return finish({ violation: dl, schedule: path(top + 1) });
      collect.add(dl, path(top + 1));
    }
    if (states >= maxStates) {
      bound = `${maxStates} states`;
      return finish({ snapshot: takeSnapshot() });
    }
  }
  return finish({});
}
