// Owns running a search in time slices. Every search is a generator that yields when its slice is up
// (Limits.poll returns SLICE): the async driver gives the event loop a turn between slices, so SIGINT and
// SIGTERM handlers run and a stop request reaches the search within a slice; the sync driver runs it to its end
// without a pause (tests, the library API). Neither changes what the search visits or in what order.
export type Sliced<R> = Generator<void, R, void>;

/** How long a search runs before it gives the event loop a turn, under the async driver. */
export const SLICE_MS = 50;

/** Runs a sliced search to its end, synchronously. */
export function toEnd<R>(g: Sliced<R>): R {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs a sliced search, letting pending events (signals, timers, messages) run between its slices. */
export async function runSliced<R>(g: Sliced<R>): Promise<R> {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
    await turn();
  }
}
