// Owns `iommu-check mutate`: derive the mutants of the operations the scenarios call, explore each, write
// reports/mutants.{json,md}; exit 0 when the goal holds (every lock drop killed or equivalent, >= 90 % of the
// non-equivalent killed), 1 when not.
import { Command, Option } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collect, positiveInt } from './parse';
import { checkOutDir } from './output';
import { resolveScenarios } from './scenarios';
import { deriveMutants } from '../mutate/mutants';
import { runMutants } from '../mutate/run';
import { makeMutationReport, renderMutationMarkdown, summaryLine } from '../mutate/report';
import { OPERATORS, type Operator } from '../mutate/operators';
import { findOp } from '../model/ops';
import { UsageError } from '../model/variants';
import { guarded } from './explore';
import { stopOnSignals } from './signals';
import { EXIT_BOUNDED, EXIT_CLEAN, EXIT_VIOLATION } from './exitcodes';

interface MutateFlags { file: string[]; op: string[]; operator: Operator[]; maxStates: number; out: string; quiet?: boolean }

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
    .action(guarded(async (names: string[], f: MutateFlags) => {
      checkOutDir(f.out);
      for (const op of f.op) if (!findOp(op)) throw new UsageError(`unknown operation '${op}' (see 'iommu-check list ops')`);
      for (const o of f.operator)
        if (!OPERATORS.includes(o)) throw new UsageError(`unknown mutation operator '${o}' (one of ${OPERATORS.join(', ')})`);
      const scenarios = resolveScenarios(names, f.file);
      const mutants = deriveMutants(scenarios, { ops: f.op.length ? f.op : undefined, operators: f.operator.length ? f.operator : undefined });
      if (mutants.length === 0) throw new UsageError('no mutants: no scenario calls an operation with a site for the chosen operators');
      const t0 = performance.now(), startedAt = new Date();
      const tty = process.stderr.isTTY && !f.quiet;
      const stop = stopOnSignals('mutate');
      if (!f.quiet) process.stderr.write(`mutate: started: ${mutants.length} mutants on ${scenarios.length} scenario(s)\n`);
      const outcomes = await runMutants(mutants, {
        maxStates: f.maxStates,
        shouldStop: stop.stopped,
        onMutant: (o, done, total) => {
          if (tty) process.stderr.write(`\r${done}/${total} ${o.id} ${o.verdict}`.padEnd(80).slice(0, 100));
        },
      });
      stop.done();
      if (tty) process.stderr.write('\n');
      const interrupted = stop.signal();
      const report = { ...makeMutationReport(outcomes, scenarios.map((s) => s.name), startedAt, performance.now() - t0),
        ...(interrupted ? { interrupted, mutantsTotal: mutants.length } : {}) };
      mkdirSync(f.out, { recursive: true });
      writeFileSync(join(f.out, 'mutants.json'), `${JSON.stringify(report, null, 1)}\n`);
      writeFileSync(join(f.out, 'mutants.md'), renderMutationMarkdown(report));
      for (const o of outcomes.filter((x) => x.verdict === 'survived' || x.verdict === 'error'))
        console.log(`SURVIVED: ${o.id} (${o.where})${o.error ? `: ${o.error}` : ''}`);
      console.log(summaryLine(report));
      if (interrupted) console.log(`interrupted by ${interrupted}: ${outcomes.length} of ${mutants.length} mutants explored (partial report)`);
      console.log(`report: ${join(f.out, 'mutants.md')}`);
      process.exitCode = !report.goalMet ? EXIT_VIOLATION : interrupted ? EXIT_BOUNDED : EXIT_CLEAN;
    }));
}
