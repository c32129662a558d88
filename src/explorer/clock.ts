// Owns the monotonic clock every search, fuzz campaign and mutation run times itself with: milliseconds from
// process.hrtime, one clock for the main thread and the workers. Not node's `performance` global: its first use
// loads perf_hooks (a millisecond or more of every short run's start-up), and each worker counts from its own
// origin.
export function nowMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}
