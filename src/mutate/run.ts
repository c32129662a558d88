// Owns running mutants: each mutant is explored (to the default bounds, no shortening or minimizing) on every
// scenario that calls its operation until one kills it (some invariant fails, no-deadlock included); what
// survives is matched against the documented equivalent mutants (equivalent.ts).
import { runJobAsync } from '../explorer/job';
import type { Mutant } from './mutants';
import { equivalenceReason } from './equivalent';
import { nowMs } from '../explorer/clock';

export interface MutantOutcome {
  id: string;
  op: string;
  subsystem: string;
  operator: string;
  where: string;
  verdict: 'killed' | 'survived' | 'equivalent' | 'error';
  /** killed: the scenario and invariant that killed it */
  killedBy?: { scenario: string; invariant: string; message: string; states: number };
  /** survived or equivalent: the scenarios it ran on, and whether a bound cut any of them */
  ranOn?: string[];
  bounded?: boolean;
  reason?: string;
  error?: string;
  ms: number;
}

export interface MutateOptions {
  maxStates?: number;
  /** called after each mutant (progress) */
  onMutant?: (o: MutantOutcome, done: number, total: number) => void;
  /** polled by each exploration: true stops the run (the mutant being explored is left out, as are the rest) */
  shouldStop?: () => boolean;
  /** outcomes of mutants already explored (a resumed run): kept as they are, those mutants not run again */
  done?: readonly MutantOutcome[];
}

export async function runMutants(mutants: readonly Mutant[], opts: MutateOptions = {}): Promise<MutantOutcome[]> {
  const out: MutantOutcome[] = [];
  const done = new Map((opts.done ?? []).map((o) => [o.id, o]));
  for (const mu of mutants) {
    const before = done.get(mu.id);
    if (before) {
      out.push(before);
      continue;
    }
    // a turn of the event loop between mutants: a signal's handler runs even when every exploration is one slice
    await new Promise((r) => setImmediate(r));
    if (opts.shouldStop?.()) break;
    const o = await runMutant(mu, opts.maxStates ?? 200_000, opts.shouldStop);
    if (opts.shouldStop?.()) break; // cut short: its verdict is not known
    out.push(o);
    opts.onMutant?.(o, out.length, mutants.length);
  }
  return out;
}

async function runMutant(mu: Mutant, maxStates: number, shouldStop?: () => boolean): Promise<MutantOutcome> {
  const t0 = nowMs();
  const base = { id: mu.id, op: mu.op, subsystem: mu.subsystem, operator: mu.operator, where: mu.where };
  let bounded = false;
  try {
    for (const sc of mu.scenarios) {
      const r = await runJobAsync({ scenario: sc, variants: [mu.variant] }, { maxStates, minimize: false, shortenBudget: 0, checkpoint: false, ...(shouldStop ? { shouldStop } : {}) });
      if (r.violation) {
        return { ...base, verdict: 'killed', killedBy: { scenario: sc.name, invariant: r.violation.invariant, message: r.violation.message, states: r.stats.states }, ms: nowMs() - t0 };
      }
      if (r.verdict !== 'clean') bounded = true;
    }
  } catch (e) {
    return { ...base, verdict: 'error', error: (e as Error).message, ms: nowMs() - t0 };
  }
  const reason = equivalenceReason(mu);
  return { ...base, verdict: reason ? 'equivalent' : 'survived', ranOn: mu.scenarios.map((s) => s.name), bounded, ...(reason ? { reason } : {}), ms: nowMs() - t0 };
}
