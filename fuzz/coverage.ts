// Owns what a fuzzing campaign covered, beyond runs/s: the distinct states its runs reached (by 53-bit
// fingerprint, as the explorer tells states apart; counted up to a cap so memory stays bounded), the steps taken
// and steps/s, and how many times each operation (by name) completed. Shrinking's re-runs are not counted.
import type { Model } from '../src/model/model';
import { fingerprint } from '../src/explorer/hash';

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
}

export class Coverage {
  private readonly seen = new Set<number>();
  private capped = false;
  steps = 0;
  private readonly ops = new Map<string, number>();

  /** A state a run reached. */
  state(s: Int32Array): void {
    if (this.seen.size >= STATE_CAP) {
      if (!this.seen.has(fingerprint(s))) this.capped = true;
      return;
    }
    this.seen.add(fingerprint(s));
  }

  /** A step from `before` to `after` by `actor`: counts it, and the operation it completed, if any. */
  step(m: Model, before: Int32Array, after: Int32Array, actor: number): void {
    this.steps++;
    this.state(after);
    if (actor >= m.programs.length || m.completedReturn(before, after, actor) === null) return;
    const cur = m.currentStep(before, actor);
    if (!cur) return;
    const name = cur.op.text.replace(/\(.*$/, '');
    this.ops.set(name, (this.ops.get(name) ?? 0) + 1);
  }

  report(ms: number): CoverageReport {
    const operations: Record<string, number> = {};
    for (const k of [...this.ops.keys()].sort()) operations[k] = this.ops.get(k)!;
    return { states: this.seen.size, statesCapped: this.capped, steps: this.steps, stepsPerSec: Math.round((this.steps / Math.max(ms, 1)) * 1000), operations };
  }
}
