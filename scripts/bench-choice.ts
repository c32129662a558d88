// The search-choice benchmark (`npm run bench:choice [--runs N] [--write]`): for every built-in, stress and tlb
// scenario, the job's wall time (search plus choice, in this process, alternating, best of N) under the default
// automatic choice (choice.ts), the full search and the reduced search (the three alternating, round after round,
// best of N; at least 7 rounds where the full search takes under 50 ms), and whether the default is within 10 %
// of the better of the two (issue 13's goal). A search that would run past 3 times the better one's time is cut
// there and shown as "> t". Writes reports/bench/choice.{md,json} with --write only (bench-output.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import '../src/model/scenarios';
import { allScenarios } from '../src/model/scenarios';
import { stressScenarios } from '../src/model/scenarios/stress';
import { runJob, type JobOptions } from '../src/explorer/job';
import type { ScenarioSpec } from '../src/model/scenario';
import { validateScenario } from '../src/model/scenario';
import { benchArgs, onlyRuns, writeBenchFiles } from './bench-output';
import { markdownTable } from '../src/report/table';

const ROOT = __dirname.includes('dist') ? join(__dirname, '..', '..') : join(__dirname, '..');
const TLB = ['tlb-p3-t2', 'tlb-p4-t3'];

function fail(msg: string, code = 1): never {
  process.stderr.write(`bench:choice: ${msg}\n`);
  process.exit(code);
}

interface Timed { ms: number; states: number; cut: boolean; ran?: string }

/** One run's wall ms of one job, stopped at `capMs` (then cut), kept in `best` when faster. */
function timedOnce(sc: ScenarioSpec, opts: JobOptions, best: Timed, capMs?: number): Timed {
  if (best.cut) return best; // a cut search is not run again
  const t0 = performance.now();
  const r = runJob({ scenario: sc, variants: [] }, { ...opts, minimize: false, checkpoint: false, ...(capMs ? { timeBudgetMs: capMs } : {}) });
  const ms = performance.now() - t0;
  const cut = r.bound !== undefined && r.bound.startsWith('time');
  return ms < best.ms || cut ? { ms, states: r.stats.states, cut, ...(r.search ? { ran: r.search.ran } : {}) } : best;
}

const NONE: Timed = { ms: Infinity, states: 0, cut: false };

/** Runs per search: more where a run is short (timer and GC noise), one where the full search takes over 2 s. */
function runsFor(fullMs: number, runs: number): number {
  return fullMs > 2000 ? 1 : fullMs < 50 ? Math.max(runs, 7) : runs;
}

function main(): void {
  const args = benchArgs(process.argv.slice(2));
  const runs = onlyRuns(args.rest, 3, fail);
  const tlb = TLB.map((n) => validateScenario(JSON.parse(readFileSync(join(ROOT, 'bench', 'spin', `${n}.json`), 'utf8')) as ScenarioSpec));
  const rows: string[][] = [['scenario', 'default ran', 'default ms', 'full ms', 'reduced ms', 'default / better', 'within 10 %',
    'states full / reduced', 'reduced cost per state / full']];
  const costs: number[] = [];
  const json: unknown[] = [];
  let misses = 0;
  // warm-up: the built-ins' searches once each, so that the first timed scenarios do not pay the JIT's start
  for (const sc of allScenarios()) for (const reduction of [false, true, 'auto'] as const) runJob({ scenario: sc, variants: [] }, { reduction, minimize: false });
  for (const sc of [...allScenarios(), ...stressScenarios, ...tlb]) {
    // the three searches alternate, round after round, each keeping its best run
    let full = timedOnce(sc, { reduction: false }, NONE), reduced = NONE, auto = NONE;
    const n = runsFor(full.ms, runs);
    for (let k = 0; k < n; k++) {
      if (k > 0) full = timedOnce(sc, { reduction: false }, full);
      reduced = timedOnce(sc, { reduction: true }, reduced, 3 * full.ms + 50);
      auto = timedOnce(sc, { reduction: 'auto' }, auto, 3 * Math.min(full.ms, reduced.cut ? Infinity : reduced.ms) + 50);
    }
    const better = Math.min(full.ms, reduced.cut ? Infinity : reduced.ms);
    const ratio = auto.ms / better;
    const ok = ratio <= 1.1 || auto.ms - better < 1; // under a millisecond apart: timer noise
    if (!ok) misses++;
    const fmt = (t: Timed) => (t.cut ? `> ${t.ms.toFixed(0)}` : t.ms < 10 ? t.ms.toFixed(2) : t.ms.toFixed(0));
    // issue 13's reduction goals: how many fewer states, at what cost per state (a cut run: over the states it met)
    const fewer = full.states / Math.max(reduced.states, 1);
    const cost = reduced.ms / Math.max(reduced.states, 1) / (full.ms / Math.max(full.states, 1));
    costs.push(cost);
    rows.push([sc.name, auto.ran ?? '?', fmt(auto), fmt(full), fmt(reduced), `${ratio.toFixed(2)}×`, ok ? 'yes' : 'NO',
      reduced.cut ? `(cut at ${reduced.states})` : `${full.states} / ${reduced.states} = ${fewer.toFixed(fewer < 10 ? 2 : 0)}×`, `${cost.toFixed(1)}×${reduced.cut ? ' (cut)' : ''}`]);
    json.push({ scenario: sc.name, ran: auto.ran, autoMs: auto.ms, fullMs: full.ms, reducedMs: reduced.ms, reducedCut: reduced.cut, ratio, ok,
      fullStates: full.states, reducedStates: reduced.states, costPerState: cost });
    process.stderr.write(`${rows[rows.length - 1].join('  ')}\n`);
  }
  const head = `# Search choice\n\n\`npm run bench:choice\` · ${new Date().toISOString()} · node ${process.version} · best of ${runs} runs per search, alternating (7 where the full search takes under 50 ms, 1 where it takes over 2 s), job wall time in-process (choice included); a reduced search past 3× the full one's time is cut (> t). Default within 10 % of the better (or under 1 ms apart) on ${rows.length - 1 - misses} of ${rows.length - 1} scenarios. The reduced search's cost per state (its ms per state over the full search's, job wall times): ${Math.min(...costs).toFixed(1)}–${Math.max(...costs).toFixed(1)}×, median ${[...costs].sort((a, b) => a - b)[Math.floor(costs.length / 2)].toFixed(1)}×.\n\n`;
  const md = head + markdownTable(rows) + '\n';
  console.log(md);
  writeBenchFiles(args.out, { 'choice.md': md, 'choice.json': `${JSON.stringify(json, null, 1)}\n` }, args.write);
}

main();
