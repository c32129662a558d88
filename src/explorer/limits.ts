// Owns the resource bounds every search polls: states, resident memory, a time budget and an external stop
// request (SIGINT, SIGTERM), the periodic progress callback and the end of a time slice (slices.ts). poll() is
// cheap: it looks at the clock every 1024 calls.
import type { ExploreOptions } from './result';
import { nowMs } from './clock';

/** poll() looks at the clock, the stop request and the bounds once every this many calls */
export const POLL_EVERY = 1024;

/** the share of --max-memory a search may use: the rest is room for the garbage collector's lag and for writing
 * the report and the checkpoint after it stops (the checkpoint reads the visited table a chunk at a time,
 * visitedpairs.ts, so it needs no room in proportion to the table) */
export const MEMORY_USABLE = 0.9;

/** poll()'s answer when the search's time slice is up: yield, then go on (not a bound) */
export const SLICE = 'slice';

export class Limits {
  readonly maxStates: number;
  private readonly maxBytes: number;
  private readonly deadline: number;
  private calls = 0;
  private readonly t0 = nowMs();
  private lastProgress = 0;
  private readonly sliceMs: number;
  private nextSlice: number;

  constructor(private readonly opts: ExploreOptions, private readonly storedBytes: () => number) {
    this.maxStates = opts.maxStates ?? Infinity;
    this.maxBytes = opts.maxMemoryMB ? opts.maxMemoryMB * 1024 * 1024 : Infinity;
    this.deadline = opts.timeBudgetMs ? this.t0 + opts.timeBudgetMs : Infinity;
    this.sliceMs = opts.sliceMs ?? Infinity;
    this.nextSlice = this.t0 + this.sliceMs;
  }

  /**
   * null to go on, SLICE to yield and go on, or the bound that stops the search. `states` may be a getter (read
   * only when looking). Memory is the process's resident set plus twice the visited table's size (what its
   * next growth allocates beside it), against MEMORY_USABLE of the bound, so the bound holds before the table
   * grows past it and while the checkpoint is written.
   */
  poll(statesNow: number | (() => number), transitions: number, depth: number, frontier: number): string | null {
    if ((this.calls++ & (POLL_EVERY - 1)) !== 0) return null; // the first call looks too
    const states = typeof statesNow === 'number' ? statesNow : statesNow();
    const now = nowMs();
    if (this.opts.shouldStop?.()) return 'interrupted';
    if (now > this.deadline) return `time ${Math.round(this.opts.timeBudgetMs! / 1000)} s`;
    const progress = this.opts.onProgress && now - this.lastProgress >= (this.opts.progressEveryMs ?? 1000);
    if (this.maxBytes !== Infinity || progress) {
      const rss = process.memoryUsage.rss();
      if (rss + 2 * this.storedBytes() > this.maxBytes * MEMORY_USABLE) return `memory ${this.opts.maxMemoryMB} MB`;
      if (progress && this.opts.onProgress) {
        this.lastProgress = now;
        const secs = (now - this.t0) / 1000;
        this.opts.onProgress({ states, transitions, depth, frontier, secs, statesPerSec: Math.round(states / Math.max(secs, 1e-3)), bytes: rss });
      }
    }
    if (now >= this.nextSlice) {
      this.nextSlice = now + this.sliceMs;
      return SLICE;
    }
    return null;
  }
}
