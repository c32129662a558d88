// Owns `npm run nightly`: the explorer over every built-in scenario to the nightly bounds (correct variants
// must explore clean, each faulty variant must be caught by its invariant), then the fuzzer for a time budget
// (--fuzz-time or IOMMU_CHECK_FUZZ_TIME, default 10m): half of it finding each faulty variant, whose minimized
// case is written to <out>/new-cases/ when it is new (not in corpus/ nor found earlier in the run: deduplicated by
// variants, invariant and minimized trace), the rest fuzzing the correct variants, where every violation is an
// alarm. corpus/ changes only with --update-corpus, which copies the new cases into it, at most --corpus-cap per
// (variants, invariant). Writes reports/nightly/nightly.{md,json} next to the explorer's and each campaign's
// report. SIGINT or SIGTERM stops it within a job or a fuzz chunk, with what was done written (a second one ends
// it at once). Exit 1 when anything is not as expected.
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { allScenarios } from '../src/model/scenarios';
import { allVariants } from '../src/model/variants';
import { runJobAsync, metExpectation, type JobResult } from '../src/explorer/job';
import { correctJobs, faultyJobs } from '../src/cli/explore';
import { writeRun } from '../src/cli/output';
import { positiveInt } from '../src/cli/parse';
import { parseDuration } from '../src/cli/fuzz';
import { EXIT_BOUNDED, EXIT_VIOLATION, EXIT_CLEAN } from '../src/cli/exitcodes';
import { stopOnSignals } from '../src/cli/signals';
import { runCampaign, type CampaignResult } from '../fuzz/campaign';
import { writeFuzzRun } from '../fuzz/report';
import { addToCorpus, caseKey, corpusKeys, type AddOutcome } from '../fuzz/corpus';
import { loadCounterexample, type Counterexample } from '../src/explorer/counterexample';
import { markdownTable } from '../src/report/table';
import { FORMAT_HELP, formatList, writeOutputs } from '../src/cli/outputs';
import type { Format } from '../src/report/formats';

interface Flags { format?: Format[]; fuzzTime?: number; fuzzRuns?: number; maxStates: number; seed?: number; out: string; corpus: string | false; updateCorpus?: boolean; corpusCap: number }

/** The group a corpus cap counts in: the case's variants and the invariant it violates. */
const capGroup = (cx: Counterexample) => `${[...cx.variants].sort().join('+')}|${cx.violation?.invariant ?? 'clean'}`;

/** How many cases of each cap group the corpus holds. */
function groupCounts(dir: string): Map<string, number> {
  const counts = new Map<string, number>();
  if (!existsSync(dir)) return counts;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
    const g = capGroup(loadCounterexample(join(dir, f)));
    counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  return counts;
}

/** --update-corpus: copies a new case (written to <out>/new-cases/) into the corpus unless its group is full. */
function intoCorpus(f: Flags, file: string, cx: Counterexample, counts: Map<string, number>): string {
  if (!f.updateCorpus || !f.corpus) return 'new case (corpus unchanged: --update-corpus adds it)';
  const g = capGroup(cx);
  if ((counts.get(g) ?? 0) >= f.corpusCap) return `not added to ${f.corpus}: ${f.corpusCap} case(s) of ${g.replace('|', ', ')} already`;
  const target = join(f.corpus, basename(file));
  if (existsSync(target)) return `not added to ${f.corpus}: ${target} exists`;
  mkdirSync(f.corpus, { recursive: true });
  copyFileSync(file, target);
  counts.set(g, (counts.get(g) ?? 0) + 1);
  return `added to ${target}`;
}

interface CampaignRow {
  name: string;
  variants: string;
  result: Omit<CampaignResult, 'finding' | 'unattributed'>;
  finding?: { invariant: string; message: string; runsToFind: number; msToFind: number; minimized: object };
  unattributed: { invariant: string; correctRun: string }[];
  corpus?: AddOutcome;
  report: string;
}

function fuzzBudget(f: Flags): number {
  if (f.fuzzTime !== undefined) return f.fuzzTime;
  const env = process.env.IOMMU_CHECK_FUZZ_TIME;
  if (env) {
    try {
      return parseDuration(env);
    } catch {
      throw new Error(`IOMMU_CHECK_FUZZ_TIME=${env}: expected a duration such as 90s, 10m, 1h`);
    }
  }
  return 10 * 60_000;
}

const stop = stopOnSignals('nightly');
const stopped = stop.stopped;
const signalName = (): string | undefined => stop.signal() ?? undefined;

async function nightly(f: Flags): Promise<number> {
  const started = new Date();
  const seed = f.seed ?? Number(started.toISOString().slice(0, 10).replace(/-/g, '')); // the date: one new seed a night
  // a runs bound makes the run reproducible from its seed: no time budget then
  const budget = f.fuzzRuns !== undefined ? Infinity : fuzzBudget(f);
  mkdirSync(f.out, { recursive: true });
  const log = (s: string) => process.stderr.write(`nightly: ${s}\n`);
  // the corpus is read first: a corrupt case stops the run before any work is done, naming the file
  const keys = f.corpus ? corpusKeys(f.corpus) : new Set<string>();
  const counts = f.corpus ? groupCounts(f.corpus) : new Map<string, number>();
  const newCases = join(f.out, 'new-cases');

  // 1. the explorer, to the nightly bounds
  const jobs = allScenarios().flatMap((sc) => [...correctJobs(sc), ...faultyJobs(sc)]);
  const results: JobResult[] = [];
  for (const j of jobs) {
    if (stopped()) break;
    results.push(await runJobAsync(j, { maxStates: f.maxStates, shouldStop: stopped }));
  }
  const w = writeRun(f.out, 'explore', 'nightly explore', { maxStates: f.maxStates }, started, results);
  const formatted = writeOutputs({ kind: 'run', report: w.report }, w.json, f.out, 'explore', f.format ?? []);
  if (formatted.length) log(`explorer report also as ${formatted.join(', ')}`);
  const missed = results.filter((r) => metExpectation(r) === false);
  log(`explorer: ${results.length} jobs, ${w.report.totals.states} states, ${missed.length} not as expected`);

  // 2. the fuzzer: each faulty variant (stop at the first find), then the correct variants for the rest
  const fuzzDir = join(f.out, 'fuzz');
  const t0 = performance.now();
  const faulty = allVariants().filter((v) => v.faulty);
  const rows: CampaignRow[] = [];
  const row = (name: string, variants: string, r: CampaignResult, corpus?: AddOutcome): CampaignRow => {
    const { finding, unattributed, resumeFrom: _resume, ...result } = r;
    const written = writeFuzzRun(fuzzDir, name, `nightly ${name}`, { seed, variants }, started, r);
    return {
      name, variants, result, report: written.markdown, unattributed: unattributed.map((u) => ({ invariant: u.invariant, correctRun: u.correctRun })),
      ...(finding ? { finding: { invariant: finding.violation.invariant, message: finding.violation.message, runsToFind: finding.runsToFind, msToFind: finding.msToFind, minimized: finding.minimized } } : {}),
      ...(corpus ? { corpus } : {}),
    };
  };
  // half the budget for the faulty variants: each gets an equal share of what is left, so the time a quick
  // find does not use goes to the slower ones;
  // then what is left of that half goes, in equal shares, to a second pass (seed + 1) over the ones not found
  const faultyStart = performance.now();
  const bound = (timeMs: number) => (f.fuzzRuns !== undefined ? { runs: f.fuzzRuns } : { timeMs });
  const fuzzFaulty = async (list: typeof faulty, pass: number): Promise<void> => {
    for (const [k, v] of list.entries()) {
      const left = budget / 2 - (performance.now() - faultyStart);
      if (stopped()) return;
      const r = await runCampaign({ scenarios: allScenarios(), variants: [v.name], seed: seed + pass - 1, ...bound(Math.max(left, 0) / (list.length - k)), shouldStop: stopped });
      const added = r.finding ? addToCorpus(newCases, r.finding.counterexample, keys) : undefined;
      if (added && 'added' in added) added.corpus = intoCorpus(f, added.added, loadCounterexample(added.added), counts);
      rows.push(row(pass === 1 ? `fuzz-${v.name}` : `fuzz-${v.name}-pass${pass}`, v.name, r, added));
      log(`fuzz ${v.name}${pass === 1 ? '' : ` (pass ${pass}, seed ${seed + pass - 1})`}: ${r.finding ? `${r.finding.violation.invariant} after ${r.finding.runsToFind} runs` : `NOT FOUND in ${r.runs} runs`}${added ? `; ${'added' in added ? `${added.added}: ${added.corpus}` : added.skipped}` : ''}`);
    }
  };
  const found = (name: string) => rows.some((r) => r.variants === name && r.finding);
  await fuzzFaulty(faulty, 1);
  await fuzzFaulty(faulty.filter((v) => !found(v.name)), 2);
  // correct variants: a finding stops a campaign, so go on with the next seed; keep distinct alarms
  const alarms = new Set<string>();
  for (let k = 0; performance.now() - t0 < budget && k < 50 && !stopped(); k++) {
    const r = await runCampaign({ scenarios: allScenarios(), seed: seed + k, ...bound(budget - (performance.now() - t0)), shouldStop: stopped });
    if (r.finding) {
      const key = caseKey(r.finding.counterexample);
      if (alarms.has(key)) continue;
      alarms.add(key);
    }
    rows.push(row(`fuzz-correct-${k}`, 'correct', r));
    log(`fuzz correct variants (seed ${seed + k}): ${r.runs} runs, ${r.runsPerSec} runs/s${r.finding ? `, ALARM ${r.finding.violation.invariant}` : ''}`);
    if (!r.finding) break;
  }

  // 3. the nightly report
  const notFound = stopped() ? [] : faulty.filter((v) => !found(v.name));
  const falseAlarms = rows.filter((r) => r.variants === 'correct' && r.finding);
  // the invariants no correct-variant campaign reached an interesting state of (coverage.ts): never exercised
  const correctRows = rows.filter((r) => r.variants === 'correct');
  const neverExercised = correctRows.length === 0 ? [] : correctRows[0].result.coverage.neverExercised.filter((id) => correctRows.every((r) => (r.result.coverage.interesting[id] ?? 0) === 0));
  const problems = missed.length + notFound.length + falseAlarms.length + rows.filter((r) => r.result.crash || r.unattributed.length).length;
  const summary = {
    tool: 'iommu-check', nightly: started.toISOString(), seed, fuzzBudgetMs: budget, maxStates: f.maxStates,
    explorer: { jobs: results.length, states: w.report.totals.states, ms: w.report.totals.ms, notAsExpected: missed.map((r) => `${r.scenario} [${r.variants.join('+') || 'default'}]: wanted ${r.expect}, got ${r.violation?.invariant ?? r.verdict}`), report: w.markdown },
    fuzz: rows,
    fuzzNeverExercised: neverExercised,
    corpusAdded: rows.flatMap((r) => (r.corpus && 'added' in r.corpus ? [r.corpus.added] : [])),
    problems,
    ...(signalName() ? { interrupted: signalName() } : {}),
  };
  writeFileSync(join(f.out, 'nightly.json'), JSON.stringify(summary, null, 1) + '\n');
  const md = [
    `# iommu-check nightly`, '', `${summary.nightly} · seed ${seed} · fuzz budget ${budget / 1000} s · explorer bound ${f.maxStates} states · ${problems} problem(s)${signalName() ? ` · INTERRUPTED by ${signalName()}: partial` : ''}`, '',
    `## Explorer`, '', `${results.length} jobs, ${w.report.totals.states} states in ${w.report.totals.ms} ms; report: \`${w.markdown}\``, '',
    ...(missed.length ? summary.explorer.notAsExpected.map((s) => `- NOT AS EXPECTED: ${s}`) : ['Every correct variant explored clean; every faulty variant was caught by its invariant.']), '',
    `## Fuzzer`, '',
    markdownTable([['campaign', 'runs', 'runs/s', 'stopped by', 'violation', 'runs to find', 'minimized (threads/ops/set-up/steps)', 'corpus'],
      ...rows.map((r) => {
        const m = r.finding?.minimized as { threads: number; ops: number; setup: number; steps: number } | undefined;
        return [r.name, String(r.result.runs), String(r.result.runsPerSec), r.result.stoppedBy,
          r.finding ? `${r.finding.invariant}${r.variants === 'correct' ? ' (ALARM)' : ''}` : r.variants === 'correct' ? 'none' : found(r.variants) ? 'not in this pass' : 'NOT FOUND',
          r.finding ? String(r.finding.runsToFind) : '', m ? `${m.threads}/${m.ops}/${m.setup}/${m.steps}` : '',
          r.corpus ? ('added' in r.corpus ? `${r.corpus.added}: ${r.corpus.corpus}` : r.corpus.skipped) : ''];
      })]), '',
    correctRows.length === 0 ? '' : neverExercised.length ? `Invariants the correct-variant campaigns never exercised (no interesting state reached): ${neverExercised.join(', ')}` : 'The correct-variant campaigns reached interesting states of every invariant with a premise.', '',
  ];
  writeFileSync(join(f.out, 'nightly.md'), md.join('\n') + '\n');
  console.log(md.join('\n'));
  return problems ? EXIT_VIOLATION : signalName() ? EXIT_BOUNDED : EXIT_CLEAN; // interrupted: partial, clean so far
}

new Command('nightly')
  .option('--fuzz-time <duration>', 'fuzzing budget (default: $IOMMU_CHECK_FUZZ_TIME, else 10m)', parseDuration)
  .option('--fuzz-runs <n>', 'bound each fuzz campaign by runs instead of time (reproducible from the seed)', positiveInt)
  .option('--max-states <n>', 'explorer bound per job', positiveInt, 2_000_000)
  .option('--seed <n>', 'fuzz seed (default: the date, YYYYMMDD)', positiveInt)
  .option('-o, --out <dir>', 'report directory', join('reports', 'nightly'))
  .option('--corpus <dir>', 'the corpus new cases are compared with (and added to, with --update-corpus)', 'corpus')
  .option('--no-corpus', 'compare new cases with no corpus')
  .option('--update-corpus', 'add the new cases to the corpus (default: only to <out>/new-cases/)')
  .option('--format <format>', `explorer report: ${FORMAT_HELP}`, formatList)
  .option('--corpus-cap <n>', 'at most this many corpus cases per (variants, invariant)', positiveInt, 3)
  .action(async (f: Flags) => {
    process.exitCode = await nightly(f);
  })
  .exitOverride()
  .parseAsync(process.argv)
  .catch((e: unknown) => {
    if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? 0 : 2; // commander printed it
    else {
      process.stderr.write(`nightly: ${(e as Error).message}\n`);
      process.exitCode = 2;
    }
  });
