// Owns the resource bounds every search polls: states, memory, a time budget and an external stop request
// (SIGINT), plus the periodic progress callback. poll() is cheap: it looks at the clock every 1024 calls.
import type { ExploreOptions } from './result';

/** poll() looks at the clock, the stop request and the bounds once every this many calls */
export const POLL_EVERY = 1024;

export class Limits {
  readonly maxStates: number;
  private readonly maxBytes: number;
  private readonly deadline: number;
  private calls = 0;
  private readonly t0 = performance.now();
  private lastProgress = 0;

  constructor(private readonly opts: ExploreOptions, private readonly storedBytes: () => number) {
    this.maxStates = opts.maxStates ?? Infinity;
    this.maxBytes = opts.maxMemoryMB ? opts.maxMemoryMB * 1024 * 1024 : Infinity;
    this.deadline = opts.timeBudgetMs ? this.t0 + opts.timeBudgetMs : Infinity;
  }

  /** null to go on, or the bound that stops the search. `states` may be a getter (read only when looking). */
  poll(statesNow: number | (() => number), transitions: number, depth: number, frontier: number): string | null {
    if ((this.calls++ & (POLL_EVERY - 1)) !== 0) return null; // the first call looks too
    const states = typeof statesNow === 'number' ? statesNow : statesNow();
    const now = performance.now();
    if (this.opts.shouldStop?.()) return 'interrupted';
    if (now > this.deadline) return `time ${Math.round(this.opts.timeBudgetMs! / 1000)} s`;
    const progress = this.opts.onProgress && now - this.lastProgress >= (this.opts.progressEveryMs ?? 1000);
    if (this.maxBytes === Infinity && !progress) return null; // process.memoryUsage() is costly: only when asked
    const bytes = this.storedBytes() + process.memoryUsage().heapUsed;
    if (bytes > this.maxBytes) return `memory ${this.opts.maxMemoryMB} MB`;
    if (progress && this.opts.onProgress) {
      this.lastProgress = now;
      const secs = (now - this.t0) / 1000;
      this.opts.onProgress({ states, transitions, depth, frontier, secs, statesPerSec: Math.round(states / Math.max(secs, 1e-3)), bytes });
    }
    return null;
  }
}
