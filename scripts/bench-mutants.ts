// Owns `npm run bench:mutants`: the mutation run over every built-in scenario (all operators), written to
// reports/bench/mutants.{json,md}; exit 1 when the goal does not hold.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allScenarios } from '../src/model/scenarios';
import { deriveMutants } from '../src/mutate/mutants';
import { runMutants } from '../src/mutate/run';
import { makeMutationReport, renderMutationMarkdown, summaryLine } from '../src/mutate/report';

const out = join(__dirname, '..', '..', 'reports', 'bench');
const scenarios = [...allScenarios()];
const t0 = performance.now(), startedAt = new Date();
const mutants = deriveMutants(scenarios);
const outcomes = runMutants(mutants, {
  onMutant: (o, done, total) => {
    if (o.verdict !== 'killed' || done % 50 === 0) console.log(`${done}/${total} ${o.id}: ${o.verdict}${o.reason ? ` (${o.reason})` : ''}`);
  },
});
const report = makeMutationReport(outcomes, scenarios.map((s) => s.name), startedAt, performance.now() - t0);
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'mutants.json'), `${JSON.stringify(report, null, 1)}\n`);
writeFileSync(join(out, 'mutants.md'), renderMutationMarkdown(report));
console.log(summaryLine(report));
process.exit(report.goalMet ? 0 : 1);
