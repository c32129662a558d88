// Owns `npm run nightly`: the explorer over every built-in scenario to the nightly bounds (correct variants
// must explore clean, each faulty variant must be caught by its invariant), then the fuzzer for a time budget
// (--fuzz-time or IOMMU_CHECK_FUZZ_TIME, default 10m): half of it finding each faulty variant, whose minimized
// case is written to <out>/new-cases/ when it is new (not in corpus/ nor found earlier in the run: deduplicated by
// variants, invariant and minimized trace), the rest fuzzing the correct variants, where every violation is an
// alarm. corpus/ changes only with --update-corpus, which copies the new cases into it, at most --corpus-cap per
// (variants, invariant). Writes reports/nightly/nightly.{md,json} next to the explorer's and each campaign's
// report. SIGINT or SIGTERM stops it within a job or a fuzz chunk, with what was done written (a second one ends
// it at once), and leaves a run checkpoint (nightlyrun.ts) that --resume continues. Exit 1 when anything is not as
// expected.
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { allScenarios } from '../src/model/scenarios';
import { allVariants } from '../src/model/variants';
import { runJobAsync, metExpectation, type JobOptions, type JobResult } from '../src/explorer/job';
import { correctJobs, faultyJobs } from '../src/cli/explore';
import { writeRun } from '../src/cli/output';
import { positiveInt } from '../src/cli/parse';
import { parseDuration } from '../src/cli/fuzz';
import { EXIT_BOUNDED, EXIT_VIOLATION, EXIT_CLEAN } from '../src/cli/exitcodes';
import { stopOnSignals } from '../src/cli/signals';
import { runCampaign, type CampaignOptions, type CampaignResult } from '../fuzz/campaign';
import { writeFuzzRun } from '../fuzz/report';
import { addToCorpus, caseKey, corpusKeys, forCorpus, type AddOutcome } from '../fuzz/corpus';
import { readRunCheckpoint, refuseRunOptions, writeRunCheckpoint, type RunCheckpoint } from '../src/cli/runcheckpoint';
import { resumeOptions, usableCheckpoint } from '../src/cli/jobrun';
import type { Checkpoint } from '../src/explorer/checkpoint';
import type { JobRecord } from '../src/result/format';
import { validNightlyRun, type DoneCampaign, type NightlyOptions, type NightlyRun } from './nightlyrun';
import { loadCounterexample, type Counterexample } from '../src/explorer/counterexample';
import { markdownTable } from '../src/report/table';
import { FORMAT_HELP, formatList, writeOutputs } from '../src/cli/outputs';
import type { Format } from '../src/report/formats';

interface Flags { format?: Format[]; fuzzTime?: number; fuzzRuns?: number; maxStates: number; seed?: number; out: string; corpus: string | false; updateCorpus?: boolean; corpusCap: number; resume?: string }

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

async function nightly(f: Flags, run?: RunCheckpoint<NightlyRun>): Promise<number> {
  // resumed: the options of the run it continues, with its seed and budget as they were resolved
  if (run) {
    const o = run.payload.options;
    f = { ...f, fuzzRuns: o.fuzzRuns, fuzzTime: o.fuzzBudgetMs, maxStates: o.maxStates, seed: o.seed, corpus: o.corpus, updateCorpus: o.updateCorpus, corpusCap: o.corpusCap };
  }
  const started = run ? new Date(run.startedAt) : new Date();
  const seed = f.seed ?? Number(started.toISOString().slice(0, 10).replace(/-/g, '')); // the date: one new seed a night
  // a runs bound makes the run reproducible from its seed: no time budget then
  const budget = f.fuzzRuns !== undefined ? Infinity : fuzzBudget(f);
  const options: NightlyOptions = { ...(f.fuzzRuns !== undefined ? { fuzzRuns: f.fuzzRuns } : { fuzzBudgetMs: budget }), maxStates: f.maxStates, seed, corpus: f.corpus,
    ...(f.updateCorpus ? { updateCorpus: true } : {}), corpusCap: f.corpusCap };
  mkdirSync(f.out, { recursive: true });
  const log = (s: string) => process.stderr.write(`nightly: ${s}\n`);
  // the corpus is read first: a corrupt case stops the run before any work is done, naming the file
  const keys = f.corpus ? corpusKeys(f.corpus) : new Set<string>();
  const newKeys = new Set(run?.payload.newKeys ?? []);
  for (const k of newKeys) keys.add(k);
  const counts = f.corpus ? groupCounts(f.corpus) : new Map<string, number>();
  const newCases = join(f.out, 'new-cases');

  // 1. the explorer, to the nightly bounds
  const jobs = allScenarios().flatMap((sc) => [...correctJobs(sc), ...faultyJobs(sc)]);
  const results: JobResult[] = run ? (run.payload.explorer.done as JobResult[]) : [];
  if (run) log(`resuming: ${results.length} of ${jobs.length} explorer jobs and ${Object.keys(run.payload.campaigns).length} fuzz campaigns done`);
  const resumeAt = results.length;
  let explorerDone = jobs.length; // jobs done, when a signal stops the explorer; its stopped job's search checkpoint
  let explorerCurrent: Checkpoint | undefined;
  for (let i = resumeAt; i < jobs.length; i++) {
    if (stopped()) {
      explorerDone = i;
      break;
    }
    const opts: JobOptions = { maxStates: f.maxStates, shouldStop: stopped };
    const from = i === resumeAt ? run?.payload.explorer.current : undefined;
    const r = await runJobAsync(jobs[i], from ? resumeOptions(opts, from) : opts);
    results.push(r);
    if (r.bound === 'interrupted' || (stopped() && r.violation)) {
      explorerDone = i;
      explorerCurrent = usableCheckpoint(r.checkpoint, opts);
      break;
    }
  }
  const w = writeRun(f.out, 'explore', 'nightly explore', { maxStates: f.maxStates }, started, results);
  const formatted = writeOutputs({ kind: 'run', report: w.report }, w.json, f.out, 'explore', f.format ?? []);
  if (formatted.length) log(`explorer report also as ${formatted.join(', ')}`);
  const missed = results.filter((r) => metExpectation(r) === false);
  log(`explorer: ${results.length} jobs, ${w.report.totals.states} states, ${missed.length} not as expected`);

  // 2. the fuzzer: each faulty variant (stop at the first find), then the correct variants for the rest
  const fuzzDir = join(f.out, 'fuzz');
  const t0 = performance.now() - (run?.payload.fuzzMs ?? 0);
  // campaigns by their (unique) name: those a resumed run did before are replayed, the stopped one goes on
  const campaigns: Record<string, DoneCampaign> = { ...(run?.payload.campaigns ?? {}) };
  let stoppedCampaign: NightlyRun['current'];
  const campaign = async (name: string, o: CampaignOptions): Promise<{ r: CampaignResult; before?: DoneCampaign }> => {
    const before = campaigns[name];
    if (before) return { r: before.result, before };
    const from = run?.payload.current?.name === name ? run.payload.current.state : undefined;
    const r = await runCampaign({ ...o, ...(from ? { resume: from } : {}) });
    if (r.resumeFrom) stoppedCampaign = { name, state: r.resumeFrom };
    return { r };
  };
  const record = (name: string, r: CampaignResult, corpus?: AddOutcome) => {
    if (r.resumeFrom) return;
    const { resumeFrom: _r, ...result } = r;
    campaigns[name] = { result, ...(corpus ? { corpus } : {}) };
  };
  /** the case a campaign found, into <out>/new-cases/ (and the corpus); a replayed campaign's as it was */
  const caseOf = (r: CampaignResult, before?: DoneCampaign): AddOutcome | undefined => {
    if (!r.finding) return undefined;
    if (before) {
      if (!before.corpus || !('added' in before.corpus)) return before.corpus;
      const file = join(newCases, basename(before.corpus.added));
      mkdirSync(newCases, { recursive: true });
      writeFileSync(file, JSON.stringify(forCorpus(r.finding.counterexample), null, 1) + '\n');
      return { ...before.corpus, added: file };
    }
    const added = addToCorpus(newCases, r.finding.counterexample, keys);
    if ('added' in added) {
      newKeys.add(caseKey(forCorpus(r.finding.counterexample)));
      added.corpus = intoCorpus(f, added.added, loadCounterexample(added.added), counts);
    }
    return added;
  };
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
  const faultyStart = t0; // the faulty variants' half starts the fuzzing
  const bound = (timeMs: number) => (f.fuzzRuns !== undefined ? { runs: f.fuzzRuns } : { timeMs });
  const fuzzFaulty = async (list: typeof faulty, pass: number): Promise<void> => {
    for (const [k, v] of list.entries()) {
      const left = budget / 2 - (performance.now() - faultyStart);
      if (stopped()) return;
      const name = pass === 1 ? `fuzz-${v.name}` : `fuzz-${v.name}-pass${pass}`;
      const { r, before } = await campaign(name, { scenarios: allScenarios(), variants: [v.name], seed: seed + pass - 1, ...bound(Math.max(left, 0) / (list.length - k)), shouldStop: stopped });
      const added = caseOf(r, before);
      record(name, r, added);
      rows.push(row(name, v.name, r, added));
      log(`fuzz ${v.name}${pass === 1 ? '' : ` (pass ${pass}, seed ${seed + pass - 1})`}: ${r.finding ? `${r.finding.violation.invariant} after ${r.finding.runsToFind} runs` : `NOT FOUND in ${r.runs} runs`}${added ? `; ${'added' in added ? `${added.added}: ${added.corpus}` : added.skipped}` : ''}`);
    }
  };
  const found = (name: string) => rows.some((r) => r.variants === name && r.finding);
  await fuzzFaulty(faulty, 1);
  await fuzzFaulty(faulty.filter((v) => !found(v.name)), 2);
  // correct variants: a finding stops a campaign, so go on with the next seed; keep distinct alarms
  const alarms = new Set<string>();
  for (let k = 0; performance.now() - t0 < budget && k < 50 && !stopped(); k++) {
    const { r } = await campaign(`fuzz-correct-${k}`, { scenarios: allScenarios(), seed: seed + k, ...bound(budget - (performance.now() - t0)), shouldStop: stopped });
    record(`fuzz-correct-${k}`, r);
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
  if (signalName()) {
    const payload: NightlyRun = {
      options, explorer: { jobs: jobs.length, done: JSON.parse(JSON.stringify(results.slice(0, explorerDone))) as JobRecord[], ...(explorerCurrent ? { current: explorerCurrent } : {}) },
      campaigns, ...(stoppedCampaign ? { current: stoppedCampaign } : {}), newKeys: [...newKeys], fuzzMs: Math.round(performance.now() - t0),
    };
    const file = writeRunCheckpoint(f.out, 'nightly', run?.commandLine ?? ['nightly', ...process.argv.slice(2)].join(' '), started, payload);
    log(`checkpoint: ${file} (${explorerDone} of ${jobs.length} explorer jobs, ${Object.keys(campaigns).length} fuzz campaigns done; continue with: npm run nightly -- --resume ${file})`);
  }
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
  .option('--resume <checkpoint.json>', 'continue a run a signal stopped, from its run checkpoint (<out>/checkpoints/nightly.ckpt.json), with its options')
  .action(async (f: Flags, cmd: Command) => {
    let run: RunCheckpoint<NightlyRun> | undefined;
    if (f.resume) {
      refuseRunOptions(cmd, []);
      run = readRunCheckpoint(f.resume, 'nightly', validNightlyRun);
    }
    process.exitCode = await nightly(f, run);
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
