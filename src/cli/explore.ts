// Owns `iommu-check explore` and `iommu-check verify`: build the jobs, run them, print the summary,
// write the report; exit 0 when all hold (explore) or all met their expectation (verify), else 1.
import { Command, Option } from 'commander';
import { runJobAsync, parallelObstacle, metExpectation, type JobOptions, type JobResult, type JobSpec } from '../explorer/job';
import { VariantSet } from '../model/variants';
import { checkInvariantNames } from '../invariants';
import type { ScenarioSpec } from '../model/scenario';
import { InvalidArgumentError } from 'commander';
import { join } from 'node:path';
import { boundedInt, collect, parseDuration, positiveInt } from './parse';
import { exitCodeOf } from './exitcodes';
import { stopOnSignals } from './signals';
import type { Progress } from '../explorer/result';
import { resolveScenarios } from './scenarios';
import { checkOutDir, jobFileName, minimizedPath, writeRun } from './output';
import { summaryRows, textTable } from '../report/table';
import { formatCounterexample } from '../result/format';
import { readCheckpoint, writeCheckpoint, type Checkpoint } from '../explorer/checkpoint';
import { loadRecordedModules } from './load';
import { DISPLAY_OPTIONS, isRunCheckpoint, readRunCheckpoint, refuseRunOptions, resumedOut, writeRunCheckpoint, type RunCheckpoint } from './runcheckpoint';
import { makePayload, resumeOptions, usableCheckpoint, validJobRun, type JobRunPayload } from './jobrun';
import { UsageError } from '../model/variants';
import { mkdirSync } from 'node:fs';
import { parseShard, type ShardSpec } from '../explorer/shard';
import { writeFingerprints } from '../explorer/swarm';
import { defaultWorkers, MAX_WORKERS } from '../explorer/parallel/search';
import { variantWarnings } from './variant-warnings';
import { jobKey, partitionJobs, type JobPartition } from '../explorer/partition';
import { FORMAT_HELP, formatList, writeOutputs } from './outputs';
import type { Format } from '../report/formats';
import { printErr, printLine } from './print';

interface ExploreFlags {
  file: string[];
  showGhosts?: boolean;
  variant: string[];
  invariant?: string[];
  maxStates?: number;
  maxDepth?: number;
  maxPreemptions?: number;
  maxOps?: number;
  maxMemory?: number;
  time?: number; // milliseconds (parseDuration)
  /** --reduction / --no-reduction; absent: chosen per job (choice.ts) */
  reduction?: boolean;
  livelock: boolean;
  progress?: boolean;
  bitstate?: number;
  minimize: boolean;
  shortest?: boolean;
  shorten: boolean;
  deadlock: boolean;
  out: string;
  quiet?: boolean;
  resume?: string;
  shard?: ShardSpec;
  workers?: number;
  format?: Format[];
}

function nonNegativeInt(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

function shardSpec(v: string): ShardSpec {
  const s = parseShard(v);
  if (!s) throw new InvalidArgumentError('expected i/N with 1 <= i <= N (e.g. 2/4)');
  return s;
}

function bitstateLog2(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 10 || n > 34) throw new InvalidArgumentError('expected log2 of the bit-table size, 10..34 (e.g. 30 = 128 MB)');
  return n;
}

/** The correct runs of a scenario: its defaults, plus each correct alternative it lists. */
export function correctJobs(sc: ScenarioSpec): JobSpec[] {
  return [[], ...(sc.alternatives ?? [])].map((variants) => ({ scenario: sc, variants, expect: 'clean' }));
}

/**
 * The faulty runs of a scenario: each variant it exists to catch, checked against the invariant expected to catch
 * it alone (another, no-data-race say, may fire first in the full check: `explore -v` shows whichever does).
 */
export function faultyJobs(sc: ScenarioSpec): JobSpec[] {
  return (sc.catches ?? []).map((c) => ({ scenario: sc, variants: [c.variant], expect: c.invariant, invariants: [c.invariant] }));
}

function jobOptions(f: ExploreFlags): JobOptions {
  const o: JobOptions = {
    maxStates: f.maxStates, maxDepth: f.maxDepth, deadlock: f.deadlock, strategy: f.shortest ? 'bfs' : 'dfs',
    shortenBudget: f.shorten ? undefined : 0, invariants: f.invariant,
    maxPreemptions: f.maxPreemptions, maxOpsPerThread: f.maxOps, maxMemoryMB: f.maxMemory,
    // unless told, the search is chosen per job; a swarm shard and worker threads run the full search
    timeBudgetMs: f.time, reduction: f.reduction ?? (f.shard || (f.workers ?? 1) > 1 ? false : 'auto'), livelock: f.livelock,
    bitstateLog2: f.bitstate, minimize: f.minimize, shard: f.shard,
  };
  if (f.workers !== undefined) o.workers = f.workers;
  for (const k of Object.keys(o) as (keyof JobOptions)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/**
 * SIGINT or SIGTERM stops the running search cleanly at the end of its time slice (partial report, verdict
 * 'bounded', a checkpoint where the search can resume); a second one ends the process at once (signals.ts).
 */
function interruptible(opts: JobOptions, f: ExploreFlags, name: string): { opts: JobOptions; stopped(): boolean; done(): void; clearProgress(): void } {
  const stop = stopOnSignals(name);
  // unless told (--progress / --no-progress), progress shows on a terminal, asked only once a job has run a second
  // (a short run never touches process.stderr: its stream costs start-up time)
  const auto = f.progress === undefined && !f.quiet;
  let tty: boolean | undefined, shown = false;
  const onProgress = (p: Progress): void => {
    if (auto && (p.secs < 1 || !(tty ??= process.stderr.isTTY === true))) return;
    shown = true;
    printErr(`\r${progressLine(p)}\x1b[K`);
  };
  return {
    opts: { ...opts, shouldStop: stop.stopped, ...(f.progress === true || auto ? { onProgress } : {}) },
    stopped: stop.stopped,
    done: stop.done,
    clearProgress: () => {
      if (shown) printErr('\r\x1b[K');
      shown = false;
    },
  };
}

export function progressLine(p: Progress): string {
  return `${p.states} states, ${p.statesPerSec} states/s, depth ${p.depth}, frontier ${p.frontier}, ${(p.bytes / 1048576).toFixed(0)} MB, ${p.secs.toFixed(0)} s`;
}

function checkpointFile(f: ExploreFlags, r: JobResult): string {
  mkdirSync(join(f.out, 'checkpoints'), { recursive: true });
  return join(f.out, 'checkpoints', jobFileName(r, '.ckpt.json'));
}

/** Writes a swarm shard's visited fingerprints beside the report; the path returned is relative to the report. */
function saveFingerprints(out: string, r: JobResult): string {
  const rel = join('fingerprints', jobFileName(r, `.shard-${r.shard!.index}-of-${r.shard!.count}.fp`));
  mkdirSync(join(out, 'fingerprints'), { recursive: true });
  writeFingerprints(join(out, rel), r.fingerprints!);
  return rel;
}

/** The worker count: --workers, else the core count where the job can use workers (the full search), else 1. */
function workersFor(f: ExploreFlags, opts: JobOptions): number {
  if (f.workers !== undefined) {
    const why = f.workers > 1 ? parallelObstacle(opts) : null;
    if (why) throw new UsageError(`--workers ${f.workers}: ${why}`);
    return f.workers;
  }
  return parallelObstacle(opts) ? 1 : defaultWorkers();
}

/** Runs an async command body, mapping a usage error to one line on stderr and exit 2 (as main does). */
export function guarded<A extends unknown[]>(body: (...a: A) => Promise<void>): (...a: A) => Promise<void> {
  return async (...a: A) => {
    try {
      await body(...a);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      printErr(`iommu-check: ${e.message}\n`);
      process.exitCode = 2;
    }
  };
}

/** What runAll runs: new jobs, one job from its search checkpoint, or the rest of a run from its run checkpoint. */
interface RunInput {
  jobs: JobSpec[];
  command: string;
  name: 'explore' | 'verify';
  warnings?: string[];
  /** one job's search checkpoint (explore --resume of a job checkpoint) */
  resume?: Checkpoint;
  /** a run checkpoint (explore/verify --resume of a run checkpoint) */
  run?: RunCheckpoint<JobRunPayload>;
}

async function runAll(input: RunInput, f: ExploreFlags): Promise<JobResult[]> {
  checkOutDir(f.out);
  const { name, run } = input;
  let { jobs } = input;
  const command = run ? run.commandLine : input.command;
  const warnings = run ? run.payload.warnings : input.warnings ?? [];
  for (const w of warnings) printErr(`warning: ${w}\n`);
  // with many jobs, --shard i/N runs every N-th job whole (partition.ts); with one, it splits that job (shard.ts)
  let partition: JobPartition | undefined = run?.payload.partition;
  if (f.shard && jobs.length > 1) {
    partition = { index: f.shard.index, count: f.shard.count, keys: jobs.map(jobKey) };
    jobs = partitionJobs(jobs, f.shard);
    f = { ...f, shard: undefined };
  }
  const plain = jobOptions(f);
  if (input.resume) plain.resume = input.resume;
  plain.workers = workersFor(f, plain);
  const stoppable = interruptible(plain, f, command.split(' ')[0]);
  const opts = stoppable.opts;
  const started = run ? new Date(run.startedAt) : new Date();
  // a run of many jobs (or one resumed from a run checkpoint) leaves a run checkpoint when a signal stops it
  const runCheckpointed = jobs.length > 1 || !!run;
  const results: JobResult[] = run ? (run.payload.done as JobResult[]) : [];
  if (run) printErr(`resuming ${name}: ${results.length} of ${jobs.length} jobs done${run.payload.current?.checkpoint ? `, the next from its checkpoint (${run.payload.current.checkpoint.states} states)` : ''}\n`);
  const resumeAt = results.length;
  for (let i = resumeAt; i < jobs.length; i++) {
    const job = jobs[i];
    const current = i === resumeAt && run?.payload.current ? run.payload.current : undefined;
    const r = await runJobAsync(job, current?.checkpoint ? resumeOptions(opts, current.checkpoint) : opts);
    if (current?.search && !r.search) r.search = current.search;
    stoppable.clearProgress();
    // cut short by the signal: its search was stopped, or (a violation) its shortening may have been
    const cut = r.bound === 'interrupted' || (stoppable.stopped() && !!r.violation);
    if (runCheckpointed && cut) {
      const ckpt = usableCheckpoint(r.checkpoint, current?.checkpoint ? resumeOptions(plain, current.checkpoint) : plain);
      const file = writeRunCheckpoint(f.out, name, command, started, makePayload({ ...f, shard: undefined }, jobs, results, { ...(ckpt ? { checkpoint: ckpt } : {}), ...(r.search ? { search: r.search } : {}) }, warnings, partition));
      results.push(r);
      printErr(`checkpoint: ${file} (${i} of ${jobs.length} jobs done${ckpt ? `; the job in progress from ${ckpt.states} states` : '; the job in progress runs again'}; continue with: iommu-check ${name} --resume ${file})\n`);
      break;
    }
    results.push(r);
    if (r.fingerprints && r.shard) r.shard.fingerprintsFile = saveFingerprints(f.out, r);
    if (r.checkpoint) {
      const file = checkpointFile(f, r);
      writeCheckpoint(file, r.checkpoint);
      printErr(`checkpoint: ${file} (${r.checkpoint.states} states; continue with: iommu-check explore --resume ${file})\n`);
      delete r.checkpoint; // (it holds the search's visited table: the next jobs have the memory)
    } else if (r.verdict === 'bounded' && /^(interrupted|time |memory |\d+ states)/.test(r.bound ?? '') && !f.quiet) {
      printErr('no checkpoint: the bitstate search cannot be resumed\n');
    }
    if (r.bound === 'interrupted') break;
    if (!f.quiet) printErr(`${r.scenario} [${r.variants.join('+') || 'default'}]: ${r.violation ? `VIOLATION ${r.violation.invariant}` : r.verdict}, ${r.stats.states} states${r.search ? `, ${r.search.ran} search: ${r.search.why}` : ''}\n`);
  }
  stoppable.done();
  const workersUsed = Math.max(1, ...results.map((r) => (r.parallel && !r.parallel.sequential ? r.parallel.workers : 1)));
  if (f.workers !== undefined && workersUsed < f.workers && !f.quiet)
    printErr(`workers: ${workersUsed} used of the ${f.workers} asked for (a job under the parallel threshold, or too small to split, runs in one thread)\n`);
  const w = writeRun(f.out, name, command, { ...plain, workersUsed, ...(partition ? { jobPartition: partition } : {}) }, started, results, warnings);
  if (partition && !f.quiet) printErr(`shard ${partition.index}/${partition.count}: ${jobs.length} of ${partition.keys.length} jobs (combine the shards' reports with \`iommu-check merge\`)\n`);
  printLine(textTable(summaryRows(w.report.jobs)));
  for (const r of results) {
    if (!r.minimized) continue;
    const file = minimizedPath(join(f.out, 'counterexamples', jobFileName(r, '.json')));
    if (!f.quiet) printLine(`minimized counterexample: ${file} (${r.minimized.foundBy})`);
  }
  for (const r of results) {
    if (!r.counterexample || f.quiet) continue;
    printLine(`\n${r.scenario} [${r.variants.join('+') || 'default'}] violates ${r.violation!.invariant}: ${r.violation!.message}`);
    printLine(formatCounterexample(r.counterexample, { ghosts: f.showGhosts }).join('\n'));
  }
  const extra = writeOutputs({ kind: 'run', report: w.report }, w.json, f.out, name, f.format ?? []);
  const t = w.report.totals;
  printLine(`\n${t.jobs} job(s), ${t.violations} violation(s), ${t.states} states, ${t.transitions} transitions in ${t.ms} ms (${t.statesPerSec} states/s), peak RSS ${t.peakRssMB} MB`);
  printLine(`report: ${w.markdown} and ${w.json}${extra.length ? `; also ${extra.join(', ')}` : ''}`);
  return results;
}

function common(cmd: Command): Command {
  return cmd
    .option('-f, --file <scenario.json>', 'also run a scenario from a JSON file (repeatable)', collect, [])
    .option('--show-ghosts', 'in printed counterexamples, also show the ghost (bookkeeping) fields the invariants keep')
    .option('-i, --invariant <id>', 'check only these invariants (repeatable, comma-separated)', collect)
    .option('--max-states <n>', 'stop after this many distinct states (result: clean up to bound)', positiveInt)
    .option('--max-depth <n>', 'do not go deeper than this many steps (result: clean up to bound)', positiveInt)
    .option('--max-preemptions <n>', 'context bounding: at most n switches away from a thread that could go on', nonNegativeInt)
    .option('--max-ops <n>', 'run only the first n operations of each thread', positiveInt)
    .option('--max-memory <mb>', 'stop when the visited table and heap exceed this many MB', positiveInt)
    .option('--time <duration>', 'stop after this long: 90, 90s, 10m, 1h30m (result: clean up to bound)', parseDuration)
    .option('--reduction', 'always the reduced search (partial-order reduction); default: chosen per job')
    .option('--no-reduction', 'always the full search: no partial-order reduction')
    .option('--no-livelock', 'do not report cycles in which no operation completes')
    .option('--bitstate <log2bits>', 'supertrace: a bit table of 2^n bits instead of exact fingerprints (may omit states)', bitstateLog2)
    .option('--no-minimize', 'keep the counterexample as found (skip removing steps, operations and threads)')
    .option('--progress', 'print a progress line on stderr (default when stderr is a terminal)')
    .option('--shortest', 'breadth-first search: the first violation found has a shortest schedule')
    .option('--no-shorten', 'keep the depth-first counterexample as found (skip the breadth-first shortening)')
    .option('--no-deadlock', 'do not report deadlocks')
    .option('-o, --out <dir>', 'where to write the report and counterexamples', 'reports')
    .option('-q, --quiet', 'print only the summary table')
    .option('--shard <i/N>', 'with many jobs: run every N-th job (scenario × variants) from the i-th; with one job: shard i of a swarm of N differently ordered full searches (bound each with --time or --max-states); combine the reports with `iommu-check merge`', shardSpec)
    .option('--workers <n>', `worker threads for the full search, at most ${MAX_WORKERS}; default: the core count where the full search runs`, boundedInt(MAX_WORKERS, 'worker threads sharing one fingerprint table'))
    .option('--format <format>', FORMAT_HELP, formatList)
    .option('--resume <checkpoint.json>', 'continue what a signal or a bound stopped: a run of many jobs from its run checkpoint (checkpoints/<command>.ckpt.json), or one job\'s search (full, reduced, breadth-first or parallel) from its checkpoint');
}

export function exploreCommand(): Command {
  return common(new Command('explore')
    .description('explore every interleaving of scenarios (default: every built-in, with its correct variants)')
    .argument('[scenario...]', 'built-in scenario names (see `list scenarios`)')
    .addOption(new Option('-v, --variant <name>', 'run with these variants instead of the correct ones (repeatable)').argParser(collect).default([])))
    .action(guarded(async (names: string[], f: ExploreFlags, cmd: Command) => {
      const line = ['explore', ...process.argv.slice(3)].join(' ');
      if (f.resume) f.out = resumedOut(cmd, f.out, f.resume);
      if (f.resume && isRunCheckpoint(f.resume)) {
        refuseRunOptions(cmd, names);
        const run = readRunCheckpoint(f.resume, 'explore', validJobRun);
        const results = await runAll({ jobs: run.payload.jobs, command: line, name: 'explore', run }, resumedFlags(run.payload, f, cmd));
        process.exitCode = exitCodeOf(results.some((r) => r.violation), results.some((r) => r.verdict === 'bounded'));
        return;
      }
      if (f.resume) {
        if (names.length || f.file.length || f.variant.length || f.invariant) throw new UsageError('--resume takes the scenario, variants and invariants from the checkpoint: give no scenario, --file, --variant or --invariant');
        const c = readCheckpoint(f.resume, loadRecordedModules);
        const job = { scenario: c.scenario, variants: c.variants };
        // a parallel search's checkpoint continues on its own workers
        const workers = f.workers ?? (c.search === 'parallel' ? c.parallel!.workers : undefined);
        const results = await runAll({ jobs: [job], command: line, name: 'explore', resume: c }, { ...f, reduction: c.search === 'reduced', shortest: c.search === 'bfs', ...(workers !== undefined ? { workers } : {}), ...(c.invariants ? { invariant: c.invariants } : {}) });
        process.exitCode = exitCodeOf(results.some((r) => r.violation), results.some((r) => r.verdict === 'bounded'));
        return;
      }
      if (f.invariant) checkInvariantNames(f.invariant);
      if (f.variant.length) new VariantSet(f.variant);
      const scenarios = resolveScenarios(names, f.file);
      const warnings = variantWarnings(scenarios, f.variant);
      const jobs = scenarios.flatMap((sc) => (f.variant.length ? [{ scenario: sc, variants: f.variant }] : correctJobs(sc)));
      const results = await runAll({ jobs, command: line, name: 'explore', warnings }, f);
      process.exitCode = exitCodeOf(results.some((r) => r.violation), results.some((r) => r.verdict === 'bounded'));
    }));
}

/** A resumed run's flags: the checkpoint's, with the display options given on this command line. */
function resumedFlags(p: JobRunPayload, f: ExploreFlags, cmd: Command): ExploreFlags {
  const shown = Object.fromEntries(DISPLAY_OPTIONS.filter((k) => cmd.getOptionValueSource(k) === 'cli').map((k) => [k, (f as unknown as Record<string, unknown>)[k]]));
  return { ...(p.flags as unknown as ExploreFlags), out: f.out, ...shown, resume: undefined };
}

export function verifyCommand(): Command {
  return common(new Command('verify')
    .description('check the checker: every correct variant explores clean and every faulty one is caught by its invariant')
    .argument('[scenario...]', 'built-in scenario names (default: all)'))
    .action(guarded(async (names: string[], f: ExploreFlags, cmd: Command) => {
      const line = ['verify', ...process.argv.slice(3)].join(' ');
      if (f.resume) f.out = resumedOut(cmd, f.out, f.resume);
      let results: JobResult[];
      if (f.resume) {
        refuseRunOptions(cmd, names);
        const run = readRunCheckpoint(f.resume, 'verify', validJobRun);
        results = await runAll({ jobs: run.payload.jobs, command: line, name: 'verify', run }, { ...resumedFlags(run.payload, f, cmd), quiet: true });
      } else {
        if (f.invariant) checkInvariantNames(f.invariant);
        const scenarios = resolveScenarios(names, f.file);
        const jobs = scenarios.flatMap((sc) => [...correctJobs(sc), ...faultyJobs(sc)]);
        results = await runAll({ jobs, command: line, name: 'verify' }, { ...f, quiet: true });
      }
      // a job stopped by a bound before any violation is undecided (exit 4), not a wrong answer (exit 1)
      const undecided = results.filter((r) => r.verdict === 'bounded' && !r.violation);
      const missed = results.filter((r) => metExpectation(r) === false && !undecided.includes(r));
      for (const r of missed) printLine(`NOT AS EXPECTED: ${r.scenario} [${r.variants.join('+') || 'default'}] wanted ${r.expect}, got ${r.violation?.invariant ?? r.verdict}`);
      for (const r of undecided) printLine(`UNDECIDED (clean up to bound: ${r.bound}): ${r.scenario} [${r.variants.join('+') || 'default'}] wanted ${r.expect}`);
      process.exitCode = exitCodeOf(missed.length > 0, undecided.length > 0);
    }));
}
