// Owns `npm run bench:mutants`: the mutation run over every built-in scenario (all operators), written to
// reports/bench/mutants.{json,md} with --write only (bench-output.ts); exit 1 when the goal does not hold.
import { benchArgs, writeBenchFiles } from './bench-output';
import { allScenarios } from '../src/model/scenarios';
import { deriveMutants } from '../src/mutate/mutants';
import { runMutants } from '../src/mutate/run';
import { makeMutationReport, renderMutationMarkdown, summaryLine } from '../src/mutate/report';

const args = benchArgs(process.argv.slice(2));
if (args.rest.length) {
  console.error(`bench:mutants: unknown argument '${args.rest[0]}' (only --write and --out <dir>)`);
  process.exit(2);
}
const scenarios = [...allScenarios()];
const t0 = performance.now(), startedAt = new Date();
const mutants = deriveMutants(scenarios);
async function main(): Promise<void> {
  const outcomes = await runMutants(mutants, {
    onMutant: (o, done, total) => {
      if (o.verdict !== 'killed' || done % 50 === 0) console.log(`${done}/${total} ${o.id}: ${o.verdict}${o.reason ? ` (${o.reason})` : ''}`);
    },
  });
  const report = makeMutationReport(outcomes, scenarios.map((s) => s.name), startedAt, performance.now() - t0);
  writeBenchFiles(args.out, { 'mutants.json': `${JSON.stringify(report, null, 1)}\n`, 'mutants.md': renderMutationMarkdown(report) }, args.write);
  console.log(summaryLine(report));
  process.exit(report.goalMet ? 0 : 1);
}

void main();
