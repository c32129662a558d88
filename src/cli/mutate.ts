// Owns `iommu-check mutate`: derive the mutants of the operations the scenarios call, explore each, write
// reports/mutants.{json,md}; exit 0 when the goal holds (every lock drop killed or equivalent, >= 90 % of the
// non-equivalent killed), 1 when not; a signal leaves the outcomes so far in a run checkpoint that --resume continues.
import { Command, Option } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collect, positiveInt } from './parse';
import { checkOutDir } from './output';
import { resolveScenarios } from './scenarios';
import { deriveMutants } from '../mutate/mutants';
import { runMutants, type MutantOutcome } from '../mutate/run';
import { validateScenario, type ScenarioSpec } from '../model/scenario';
import { readRunCheckpoint, refuseRunOptions, resumedOut, writeRunCheckpoint, type RunCheckpoint } from './runcheckpoint';
import { makeMutationReport, renderMutationMarkdown, summaryLine } from '../mutate/report';
import { OPERATORS, type Operator } from '../mutate/operators';
import { findOp } from '../model/ops';
import { UsageError } from '../model/variants';
import { guarded } from './explore';
import { stopOnSignals } from './signals';
import { EXIT_BOUNDED, EXIT_CLEAN, EXIT_VIOLATION } from './exitcodes';
import { printErr, printLine } from './print';
import { nowMs } from '../explorer/clock';

interface MutateFlags { file: string[]; op: string[]; operator: Operator[]; maxStates: number; out: string; quiet?: boolean; progress?: boolean; resume?: string }

/** The run checkpoint of `mutate` (runcheckpoint.ts is the envelope): its scenarios, options and mutants done. */
interface MutateRun {
  scenarios: ScenarioSpec[];
  op: string[];
  operator: Operator[];
  maxStates: number;
  /** every mutant's id, in the order they run */
  mutants: string[];
  /** the outcomes of mutants[0 .. done.length) */
  done: MutantOutcome[];
  /** milliseconds the run took so far */
  ms: number;
}

function validMutateRun(p: unknown): p is MutateRun {
  const r = p as MutateRun;
  if (!r || !Array.isArray(r.scenarios) || !Array.isArray(r.op) || !Array.isArray(r.operator) || typeof r.maxStates !== 'number'
    || !Array.isArray(r.mutants) || !Array.isArray(r.done) || r.done.length > r.mutants.length || typeof r.ms !== 'number') return false;
  if (!r.done.every((o, i) => o && o.id === r.mutants[i] && typeof o.verdict === 'string')) return false;
  try {
    r.scenarios = r.scenarios.map((sc) => validateScenario(sc));
  } catch (e) {
    throw new UsageError(`--resume: the run checkpoint holds an invalid scenario: ${(e as Error).message}`);
  }
  return true;
}

export function mutateCommand(): Command {
  return new Command('mutate')
    .description('mutation testing: derive mutants of the model (lock, wait, invalidation, get/put drops; swaps; plain RMWs) and check each is caught')
    .argument('[scenario...]', 'built-in scenarios to run the mutants on (default: all)')
    .option('-f, --file <scenario.json>', 'also a scenario from a JSON file (repeatable)', collect, [])
    .option('--op <name>', 'mutate only this operation (repeatable)', collect, [])
    .addOption(new Option('--operator <name>', `apply only this operator (repeatable): ${OPERATORS.join(', ')}`).argParser(collect).default([]))
    .option('--max-states <n>', 'state bound of each exploration', positiveInt, 200_000)
    .option('-o, --out <dir>', 'where the report goes', 'reports')
    .option('-q, --quiet', 'no progress line')
    .option('--progress', 'a line on stderr per mutant explored (default: a progress line when stderr is a terminal)')
    .option('--resume <checkpoint.json>', 'continue a run a signal stopped, from its run checkpoint (checkpoints/mutate.ckpt.json): only the mutants not yet explored run')
    .action(guarded(async (names: string[], f: MutateFlags, cmd: Command) => {
      if (f.resume) f.out = resumedOut(cmd, f.out, f.resume);
      checkOutDir(f.out);
      const commandLine = ['mutate', ...process.argv.slice(3)].join(' ');
      let run: RunCheckpoint<MutateRun> | undefined;
      if (f.resume) {
        refuseRunOptions(cmd, names);
        run = readRunCheckpoint(f.resume, 'mutate', validMutateRun);
        f = { ...f, op: run.payload.op, operator: run.payload.operator, maxStates: run.payload.maxStates };
      }
      for (const op of f.op) if (!findOp(op)) throw new UsageError(`unknown operation '${op}' (see 'iommu-check list ops')`);
      for (const o of f.operator)
        if (!OPERATORS.includes(o)) throw new UsageError(`unknown mutation operator '${o}' (one of ${OPERATORS.join(', ')})`);
      const scenarios = run ? run.payload.scenarios : resolveScenarios(names, f.file);
      const mutants = deriveMutants(scenarios, { ops: f.op.length ? f.op : undefined, operators: f.operator.length ? f.operator : undefined });
      if (mutants.length === 0) throw new UsageError('no mutants: no scenario calls an operation with a site for the chosen operators');
      if (run && mutants.map((m) => m.id).join('\n') !== run.payload.mutants.join('\n')) {
        throw new UsageError(`--resume: the model's mutants of these scenarios are not the ones the checkpoint '${f.resume}' was taken with (the model changed)`);
      }
      const t0 = nowMs() - (run?.payload.ms ?? 0), startedAt = run ? new Date(run.startedAt) : new Date();
      const tty = process.stderr.isTTY && !f.quiet;
      const stop = stopOnSignals('mutate');
      const done = run?.payload.done ?? [];
      if (!f.quiet) printErr(`mutate: started: ${mutants.length} mutants on ${scenarios.length} scenario(s)${run ? `, ${done.length} explored before (resumed)` : ''}\n`);
      const outcomes = await runMutants(mutants, {
        maxStates: f.maxStates,
        shouldStop: stop.stopped,
        done,
        onMutant: (o, n, total) => {
          if (f.progress && !f.quiet) printErr(`mutate: ${n}/${total} ${o.id} ${o.verdict}\n`);
          else if (tty) printErr(`\r${n}/${total} ${o.id} ${o.verdict}`.padEnd(80).slice(0, 100));
        },
      });
      stop.done();
      if (tty && !f.progress) printErr('\n');
      const interrupted = stop.signal();
      const ms = nowMs() - t0;
      const report = { ...makeMutationReport(outcomes, scenarios.map((s) => s.name), startedAt, ms),
        ...(interrupted ? { interrupted, mutantsTotal: mutants.length } : {}) };
      mkdirSync(f.out, { recursive: true });
      writeFileSync(join(f.out, 'mutants.json'), `${JSON.stringify(report, null, 1)}\n`);
      writeFileSync(join(f.out, 'mutants.md'), renderMutationMarkdown(report));
      for (const o of outcomes.filter((x) => x.verdict === 'survived' || x.verdict === 'error'))
        printLine(`SURVIVED: ${o.id} (${o.where})${o.error ? `: ${o.error}` : ''}`);
      printLine(summaryLine(report));
      if (interrupted) {
        const payload: MutateRun = { scenarios: JSON.parse(JSON.stringify(scenarios)) as ScenarioSpec[], op: f.op, operator: f.operator, maxStates: f.maxStates,
          mutants: mutants.map((m) => m.id), done: outcomes, ms: Math.round(ms) };
        const file = writeRunCheckpoint(f.out, 'mutate', run?.commandLine ?? commandLine, startedAt, payload);
        printLine(`interrupted by ${interrupted}: ${outcomes.length} of ${mutants.length} mutants explored (partial report)`);
        printErr(`checkpoint: ${file} (${outcomes.length} of ${mutants.length} mutants done; continue with: iommu-check mutate --resume ${file})\n`);
      }
      printLine(`report: ${join(f.out, 'mutants.md')}`);
      process.exitCode = !report.goalMet ? EXIT_VIOLATION : interrupted ? EXIT_BOUNDED : EXIT_CLEAN;
    }));
}
