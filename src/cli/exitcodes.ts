// Owns the exit codes every command and script ends with, so CI can tell what a run proved.
// A violation found beats bounded: a run that found one exits 1 even if it was also stopped by a bound.

/** Every invariant holds over the whole search (a proof, within the model). */
export const EXIT_CLEAN = 0;
/** An invariant failed (explore, merge), or `verify` found an expectation not met, or a problem (nightly, fuzz). */
export const EXIT_VIOLATION = 1;
/** Bad usage or bad input: one line on stderr. */
export const EXIT_USAGE = 2;
/** `replay` did not reproduce the recorded verdict. */
export const EXIT_NOT_REPRODUCED = 3;
/** Clean up to bound: no violation, but a bound, a time budget, a memory limit or a signal stopped the search. */
export const EXIT_BOUNDED = 4;
/** A second SIGINT/SIGTERM ended the process at once, without its report (128 + SIGINT, the shell's convention). */
export const EXIT_KILLED = 130;

/** The exit code of a run: violation beats bounded beats clean. */
export function exitCodeOf(violated: boolean, bounded: boolean): number {
  return violated ? EXIT_VIOLATION : bounded ? EXIT_BOUNDED : EXIT_CLEAN;
}
