// Owns `iommu-check explore` and `iommu-check verify`: build the jobs, run them, print the summary,
// write the report; exit 0 when all hold (explore) or all met their expectation (verify), else 1.
import { Command, Option } from 'commander';
import { runJob, metExpectation, type JobOptions, type JobResult, type JobSpec } from '../explorer/job';
import { VariantSet } from '../model/variants';
import { checkInvariantNames } from '../invariants';
import type { ScenarioSpec } from '../model/scenario';
import { collect, positiveInt } from './parse';
import { resolveScenarios } from './scenarios';
import { writeRun } from './output';
import { summaryRows, textTable } from '../report/table';
import { formatTrace } from '../explorer/trace';

interface ExploreFlags {
  file: string[];
  variant: string[];
  invariant?: string[];
  maxStates?: number;
  maxDepth?: number;
  shortest?: boolean;
  shorten: boolean;
  deadlock: boolean;
  out: string;
  quiet?: boolean;
}

/** The correct runs of a scenario: its defaults, plus each correct alternative it lists. */
export function correctJobs(sc: ScenarioSpec): JobSpec[] {
  return [[], ...(sc.alternatives ?? [])].map((variants) => ({ scenario: sc, variants, expect: 'clean' }));
}

/** The faulty runs of a scenario: each variant it exists to catch, with the invariant expected to catch it. */
export function faultyJobs(sc: ScenarioSpec): JobSpec[] {
  return (sc.catches ?? []).map((c) => ({ scenario: sc, variants: [c.variant], expect: c.invariant }));
}

function jobOptions(f: ExploreFlags): JobOptions {
  return {
    maxStates: f.maxStates, maxDepth: f.maxDepth, deadlock: f.deadlock, strategy: f.shortest ? 'bfs' : 'dfs',
    shortenBudget: f.shorten ? undefined : 0, invariants: f.invariant,
  };
}

function runAll(jobs: JobSpec[], f: ExploreFlags, command: string, name: string): JobResult[] {
  const opts = jobOptions(f);
  const started = new Date();
  const results: JobResult[] = [];
  for (const job of jobs) {
    const r = runJob(job, opts);
    results.push(r);
    if (!f.quiet) process.stderr.write(`${r.scenario} [${r.variants.join('+') || 'default'}]: ${r.violation ? `VIOLATION ${r.violation.invariant}` : r.verdict}, ${r.stats.states} states\n`);
  }
  const w = writeRun(f.out, name, command, { ...opts }, started, results);
  console.log(textTable(summaryRows(w.report.jobs)));
  for (const r of results) {
    if (!r.counterexample || f.quiet) continue;
    console.log(`\n${r.scenario} [${r.variants.join('+') || 'default'}] violates ${r.violation!.invariant}: ${r.violation!.message}`);
    console.log(formatTrace(r.counterexample.trace).join('\n'));
  }
  const t = w.report.totals;
  console.log(`\n${t.jobs} job(s), ${t.violations} violation(s), ${t.states} states, ${t.transitions} transitions in ${t.ms} ms (${t.statesPerSec} states/s)`);
  console.log(`report: ${w.markdown} and ${w.json}`);
  return results;
}

function common(cmd: Command): Command {
  return cmd
    .option('-f, --file <scenario.json>', 'also run a scenario from a JSON file (repeatable)', collect, [])
    .option('-i, --invariant <id>', 'check only these invariants (repeatable, comma-separated)', collect)
    .option('--max-states <n>', 'stop after this many distinct states (result: clean up to bound)', positiveInt)
    .option('--max-depth <n>', 'do not go deeper than this many steps (result: clean up to bound)', positiveInt)
    .option('--shortest', 'breadth-first search: the first violation found has a shortest schedule')
    .option('--no-shorten', 'keep the depth-first counterexample as found (skip the breadth-first shortening)')
    .option('--no-deadlock', 'do not report deadlocks')
    .option('-o, --out <dir>', 'where to write the report and counterexamples', 'reports')
    .option('-q, --quiet', 'print only the summary table');
}

export function exploreCommand(): Command {
  return common(new Command('explore')
    .description('explore every interleaving of scenarios (default: every built-in, with its correct variants)')
    .argument('[scenario...]', 'built-in scenario names (see `list scenarios`)')
    .addOption(new Option('-v, --variant <name>', 'run with these variants instead of the correct ones (repeatable)').argParser(collect).default([])))
    .action((names: string[], f: ExploreFlags) => {
      if (f.invariant) checkInvariantNames(f.invariant);
      if (f.variant.length) new VariantSet(f.variant);
      const scenarios = resolveScenarios(names, f.file);
      const jobs = scenarios.flatMap((sc) => (f.variant.length ? [{ scenario: sc, variants: f.variant }] : correctJobs(sc)));
      const results = runAll(jobs, f, ['explore', ...process.argv.slice(3)].join(' '), 'explore');
      process.exitCode = results.some((r) => r.violation) ? 1 : 0;
    });
}

export function verifyCommand(): Command {
  return common(new Command('verify')
    .description('check the checker: every correct variant explores clean and every faulty one is caught by its invariant')
    .argument('[scenario...]', 'built-in scenario names (default: all)'))
    .action((names: string[], f: ExploreFlags) => {
      if (f.invariant) checkInvariantNames(f.invariant);
      const scenarios = resolveScenarios(names, f.file);
      const jobs = scenarios.flatMap((sc) => [...correctJobs(sc), ...faultyJobs(sc)]);
      const results = runAll(jobs, { ...f, quiet: true }, ['verify', ...process.argv.slice(3)].join(' '), 'verify');
      const missed = results.filter((r) => metExpectation(r) === false);
      for (const r of missed) console.log(`NOT AS EXPECTED: ${r.scenario} [${r.variants.join('+') || 'default'}] wanted ${r.expect}, got ${r.violation?.invariant ?? r.verdict}`);
      process.exitCode = missed.length ? 1 : 0;
    });
}
