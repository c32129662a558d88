// Owns what a fuzzing campaign covered, beyond runs/s: the distinct states its runs reached (by 53-bit
// fingerprint, as the explorer tells states apart; counted up to a cap so memory stays bounded), the steps taken
// and steps/s, how many times each operation (by name) completed, and per invariant that applied to a fuzzed
// model how many of those distinct states were interesting for it (Invariant.interesting: its premise holds, so
// a bug could show), evaluated only on a state first reached; 0 = the campaign never exercised it. Shrinking's
// re-runs are not counted. A snapshot of the counts lets a resumed campaign go on counting (a fuzz checkpoint).
import type { Model } from '../src/model/model';
import type { Invariant } from '../src/invariants';
import { fingerprint } from '../src/model/statehash';
import { toBase64, wordsOf } from '../src/explorer/packing';

/** Distinct states kept at most (about 50 MB of a JS Set of numbers); past it the count is a lower bound. */
export const STATE_CAP = 1_000_000;

export interface CoverageReport {
  /** distinct states reached (a lower bound when statesCapped) */
  states: number;
  statesCapped: boolean;
  steps: number;
  stepsPerSec: number;
  /** operation name -> times it completed */
  operations: Record<string, number>;
  /** invariant id -> distinct states interesting for it, for each invariant with a premise that applied to some run */
  interesting: Record<string, number>;
  /** the invariants of `interesting` with 0: the campaign never reached a state where they had something to check */
  neverExercised: string[];
}

/** What a Coverage counted so far, as JSON holds it (a fuzz checkpoint): states as 53-bit fingerprints. */
export interface CoverageSnapshot {
  /** the distinct states' fingerprints, float64 little-endian, base64 */
  seen: string;
  capped: boolean;
  steps: number;
  operations: Record<string, number>;
  interesting: Record<string, number>;
}

export class Coverage {
  private readonly seen = new Set<number>();
  private capped = false;
  steps = 0;
  private readonly ops = new Map<string, number>();
  private readonly hits = new Map<string, number>();
  private lastModel: Model | null = null;
  private premised: Invariant[] = [];

  /** A state a run of m reached: counted if new, and then tested for each invariant's premise. */
  state(s: Int32Array, m: Model): void {
    if (m !== this.lastModel) this.enter(m);
    const h = fingerprint(s);
    if (this.seen.has(h)) return;
    if (this.seen.size >= STATE_CAP) {
      this.capped = true;
      return;
    }
    this.seen.add(h);
    for (const inv of this.premised) if (inv.interesting!(s, m)) this.hits.set(inv.id, this.hits.get(inv.id)! + 1);
  }

  /** A model whose runs follow: its invariants with a premise are reported, from 0. */
  private enter(m: Model): void {
    this.lastModel = m;
    this.premised = m.invariants.filter((inv) => inv.interesting !== undefined);
    for (const inv of this.premised) if (!this.hits.has(inv.id)) this.hits.set(inv.id, 0);
  }

  /** A step from `before` to `after` by `actor`: counts it, and the operation it completed, if any. */
  step(m: Model, before: Int32Array, after: Int32Array, actor: number): void {
    this.steps++;
    this.state(after, m);
    if (actor >= m.programs.length || m.completedReturn(before, after, actor) === null) return;
    const cur = m.currentStep(before, actor);
    if (!cur) return;
    const name = cur.op.text.replace(/\(.*$/, '');
    this.ops.set(name, (this.ops.get(name) ?? 0) + 1);
  }

  /** Everything counted so far, to continue from (Coverage.from). */
  snapshot(): CoverageSnapshot {
    return { seen: toBase64(Float64Array.from(this.seen)), capped: this.capped, steps: this.steps, operations: Object.fromEntries(this.ops), interesting: Object.fromEntries(this.hits) };
  }

  /** A Coverage that goes on counting from a snapshot: the same report as if it had counted all along. */
  static from(s: CoverageSnapshot): Coverage {
    const c = new Coverage();
    const buf = Buffer.from(s.seen, 'base64');
    for (const h of wordsOf('f64', buf, buf.length / 8, 'the distinct states')) c.seen.add(h);
    c.capped = s.capped;
    c.steps = s.steps;
    for (const [k, v] of Object.entries(s.operations)) c.ops.set(k, v);
    for (const [k, v] of Object.entries(s.interesting)) c.hits.set(k, v);
    return c;
  }

  report(ms: number): CoverageReport {
    const operations: Record<string, number> = {};
    for (const k of [...this.ops.keys()].sort()) operations[k] = this.ops.get(k)!;
    const ids = [...this.hits.keys()].sort();
    const interesting: Record<string, number> = {};
    for (const k of ids) interesting[k] = this.hits.get(k)!;
    const neverExercised = ids.filter((k) => interesting[k] === 0);
    return { states: this.seen.size, statesCapped: this.capped, steps: this.steps, stepsPerSec: Math.round((this.steps / Math.max(ms, 1)) * 1000), operations, interesting, neverExercised };
  }
}
