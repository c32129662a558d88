// Owns `iommu-check fuzz`: random programs and schedules over the built-in scenarios' configurations, for a
// time budget or a number of runs; prints a progress line and runs/s, stops on SIGINT with the results kept,
// writes the report; exit 1 when a violation was found (minimized and saved as a replayable counterexample).
// A signal leaves a run checkpoint (the inputs, the next chunk, the counts so far) that --resume continues exactly.
import { Command, InvalidArgumentError, Option } from 'commander';
import { runCampaign, type CampaignOptions, type CampaignState } from '../../fuzz/campaign';
import { coverageLine, summaryLine, writeFuzzRun } from '../../fuzz/report';
import { formatCounterexample } from '../result/format';
import { UsageError, VariantSet } from '../model/variants';
import { validateScenario, type ScenarioSpec } from '../model/scenario';
import { readRunCheckpoint, refuseRunOptions, resumedOut, writeRunCheckpoint, type RunCheckpoint } from './runcheckpoint';
import { boundedInt, collect, parseDuration, positiveInt } from './parse';
import { MAX_OPS_PER_THREAD, MAX_THREADS } from '../model/scenario';
import { checkOutDir } from './output';
import { resolveScenarios } from './scenarios';
import { stopOnSignals } from './signals';
import { variantWarnings } from './variant-warnings';
import { FORMAT_HELP, formatList, writeOutputs } from './outputs';
import type { Format } from '../report/formats';
import { printErr, printLine } from './print';

interface FuzzFlags {
  file: string[];
  showGhosts?: boolean;
  variant: string[];
  time?: number;
  runs?: number;
  seed?: number;
  shard: { index: number; count: number };
  maxThreads: number;
  maxOps: number;
  maxSteps: number;
  out: string;
  quiet?: boolean;
  progress?: boolean;
  resume?: string;
  format?: Format[];
}

/** The run checkpoint of `fuzz` (runcheckpoint.ts is the envelope): the campaign's inputs and where it stopped. */
interface FuzzRun {
  scenarios: ScenarioSpec[];
  variants: string[];
  seed: number;
  shard: { index: number; count: number };
  runs?: number;
  timeMs?: number;
  maxThreads: number;
  maxOps: number;
  maxSteps: number;
  warnings: string[];
  state: CampaignState;
}

function validFuzzRun(p: unknown): p is FuzzRun {
  const r = p as FuzzRun;
  const n = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
  if (!r || !Array.isArray(r.scenarios) || !Array.isArray(r.variants) || !n(r.seed) || !r.shard || !n(r.shard.index) || !n(r.shard.count)
    || !n(r.maxThreads) || !n(r.maxOps) || !n(r.maxSteps) || !Array.isArray(r.warnings) || !r.state || !n(r.state.chunk) || !n(r.state.runs)
    || !Array.isArray(r.state.unattributed) || !r.state.coverage || typeof r.state.coverage.seen !== 'string') return false;
  try {
    r.scenarios = r.scenarios.map((sc) => validateScenario(sc));
  } catch (e) {
    throw new UsageError(`--resume: the run checkpoint holds an invalid scenario: ${(e as Error).message}`);
  }
  return true;
}

/** Re-exported for scripts that import it from here; the parser lives in ./parse. */
export { parseDuration };

/** "i/N" with 1 <= i <= N -> 0-based shard. */
export function parseShard(v: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  const i = m ? Number(m[1]) : 0, n = m ? Number(m[2]) : 0;
  if (!m || n < 1 || i < 1 || i > n) throw new InvalidArgumentError('expected i/N with 1 <= i <= N, e.g. 2/4');
  return { index: i - 1, count: n };
}

function seedArg(v: string): number {
  if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new InvalidArgumentError('expected an integer');
  return Number(v) | 0;
}

function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${(ms / 1000).toFixed(1)}s`;
}

export function fuzzCommand(): Command {
  return new Command('fuzz')
    .description('run random thread programs under random and PCT schedules; minimize and save the first violation')
    .argument('[scenario...]', 'built-in scenarios whose configuration and set-up serve as templates (default: all)')
    .option('-f, --file <scenario.json>', 'also a template from a JSON file (repeatable)', collect, [])
    .option('--show-ghosts', 'in the printed counterexample, also show the ghost (bookkeeping) fields the invariants keep')
    .addOption(new Option('-v, --variant <name>', 'run with these variants instead of drawing correct ones (repeatable)').argParser(collect).default([]))
    .option('-t, --time <duration>', 'time budget: 90, 90s, 10m, 1h30m (default 60s unless --runs is given)', parseDuration)
    .option('-n, --runs <n>', 'stop after this many runs', positiveInt)
    .option('-s, --seed <n>', 'seed (default: drawn and printed); a seed and --runs give the same result every time', seedArg)
    .addOption(new Option('--shard <i/N>', 'run shard i of N: each shard draws from its own seed stream').argParser(parseShard).default({ index: 0, count: 1 }, '1/1'))
    .option('--max-threads <n>', `most threads a generated scenario has (at most ${MAX_THREADS})`, boundedInt(MAX_THREADS, 'the threads a scenario may have'), 4)
    .option('--max-ops <n>', `most operations per generated thread (at most ${MAX_OPS_PER_THREAD})`, boundedInt(MAX_OPS_PER_THREAD, 'the operations a scenario thread may call'), 4)
    .option('--max-steps <n>', 'steps one run may take', positiveInt, 2000)
    .option('-o, --out <dir>', 'where to write the report and the counterexample', 'reports')
    .option('-q, --quiet', 'no progress line')
    .option('--progress', 'a progress line on stderr after every chunk of runs (default: every second on a terminal, else every 10 s)')
    .option('--format <format>', FORMAT_HELP, formatList)
    .option('--resume <checkpoint.json>', 'continue a campaign a signal stopped, from its run checkpoint (checkpoints/fuzz.ckpt.json): the runs left, as the uninterrupted campaign would have run them')
    .action((names: string[], f: FuzzFlags, cmd: Command) => {
      // usage errors surface here, synchronously, so main() maps them to exit 2
      if (f.resume) f.out = resumedOut(cmd, f.out, f.resume);
      checkOutDir(f.out);
      let run: RunCheckpoint<FuzzRun> | undefined;
      if (f.resume) {
        refuseRunOptions(cmd, names);
        run = readRunCheckpoint(f.resume, 'fuzz', validFuzzRun);
        const p = run.payload;
        f = { ...f, variant: p.variants, seed: p.seed, shard: p.shard, runs: p.runs, time: p.timeMs, maxThreads: p.maxThreads, maxOps: p.maxOps, maxSteps: p.maxSteps };
      }
      if (f.variant.length) new VariantSet(f.variant);
      const scenarios = run ? run.payload.scenarios : resolveScenarios(names, f.file);
      return fuzz(scenarios, f, run).catch((e: unknown) => {
        if (!(e instanceof UsageError)) throw e;
        printErr(`iommu-check: ${e.message}\n`);
        process.exitCode = 2;
      });
    });
}

async function fuzz(scenarios: ScenarioSpec[], f: FuzzFlags, run?: RunCheckpoint<FuzzRun>): Promise<void> {
  // a selected variant no template uses: an error; one some templates do not use: a warning (variant-warnings.ts)
  const warnings = run ? run.payload.warnings : variantWarnings(scenarios, f.variant);
  for (const w of warnings) printErr(`warning: ${w}\n`);
  const seed = f.seed ?? (Math.floor(Math.random() * 2 ** 31) | 0);
  const timeMs = f.time ?? (f.runs === undefined && !run ? 60_000 : undefined);
  const stop = stopOnSignals('fuzz');
  const started = run ? new Date(run.startedAt) : new Date();
  const tty = process.stderr.isTTY;
  let lastPrint = 0;
  const budget = [f.runs !== undefined ? `${f.runs} runs` : '', timeMs !== undefined ? clock(timeMs) : ''].filter(Boolean).join(' or ');
  if (!f.quiet) printErr(`fuzz: seed ${seed}, shard ${f.shard.index + 1}/${f.shard.count}, ${scenarios.length} template(s), ${f.variant.length ? f.variant.join('+') : 'correct variants'}, budget ${budget}${run ? `; resumed after ${run.payload.state.runs} runs` : ''}\n`);
  const opts: CampaignOptions = {
    scenarios, variants: f.variant.length ? f.variant : undefined, seed, shard: f.shard, runs: f.runs, timeMs,
    maxThreads: f.maxThreads, maxOps: f.maxOps, maxSteps: f.maxSteps,
    shouldStop: stop.stopped,
    ...(run ? { resume: run.payload.state } : {}),
    onProgress: (p) => {
      if (f.quiet || (!f.progress && p.ms - lastPrint < (tty ? 1000 : 10_000))) return;
      lastPrint = p.ms;
      const line = `fuzz: ${p.runs} runs, ${p.runsPerSec} runs/s, ${clock(p.ms)} of ${budget}, no violation yet`;
      printErr(tty && !f.progress ? `\r${line}\x1b[K` : `${line}\n`);
    },
  };
  const r = await runCampaign(opts);
  stop.done();
  if (!f.quiet && tty && !f.progress && lastPrint > 0) printErr('\n');
  const command = run ? run.commandLine : ['fuzz', ...process.argv.slice(3)].join(' ');
  if (r.resumeFrom) {
    const payload: FuzzRun = { scenarios: JSON.parse(JSON.stringify(scenarios)) as ScenarioSpec[], variants: f.variant, seed, shard: f.shard,
      ...(f.runs !== undefined ? { runs: f.runs } : {}), ...(timeMs !== undefined ? { timeMs } : {}),
      maxThreads: f.maxThreads, maxOps: f.maxOps, maxSteps: f.maxSteps, warnings: [...warnings], state: r.resumeFrom };
    const file = writeRunCheckpoint(f.out, 'fuzz', command, started, payload);
    printErr(`checkpoint: ${file} (${r.runs} runs done; continue with: iommu-check fuzz --resume ${file})\n`);
  }
  const w = writeFuzzRun(f.out, 'fuzz', command, { seed, shard: `${f.shard.index + 1}/${f.shard.count}`, runs: f.runs, timeMs, variants: f.variant, maxThreads: f.maxThreads, maxOps: f.maxOps, maxSteps: f.maxSteps }, started, r, warnings);
  printLine(`seed ${seed}, shard ${f.shard.index + 1}/${f.shard.count}: ${summaryLine(w.report)}${stop.stopped() ? ' (interrupted)' : ''}`);
  if (w.report.coverage) printLine(coverageLine(w.report.coverage));
  const fd = w.report.finding;
  if (fd && r.finding) {
    printLine(`\n${fd.template} [${fd.variants.join('+') || 'default'}] violates ${fd.violation.invariant}: ${fd.violation.message}`);
    printLine(`found after ${fd.runsToFind} runs (${(fd.msToFind / 1000).toFixed(2)} s); minimized to ${fd.minimized.threads} thread(s), ${fd.minimized.ops} operation(s), ${fd.minimized.steps} steps`);
    printLine(formatCounterexample(r.finding.counterexample, { ghosts: f.showGhosts }).join('\n'));
    printLine(`replay: npx iommu-check replay ${fd.counterexampleFile}`);
  }
  for (const u of w.report.unattributed)
    printLine(`\n${u.invariant} met with the faulty variants, but the same program also fails under the correct ones (${u.correctRun}): ${u.counterexampleFile}`);
  if (r.crash) printLine(`\nthe model threw on a generated case (see ${w.markdown}):\n${r.crash.error}`);
  const extra = writeOutputs({ kind: 'fuzz', report: w.report }, w.json, f.out, 'fuzz', f.format ?? []);
  printLine(`report: ${w.markdown} and ${w.json}${extra.length ? `; also ${extra.join(', ')}` : ''}`);
  process.exitCode = r.finding || r.crash || r.unattributed.length ? 1 : 0;
}
