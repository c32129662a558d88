// Owns `iommu-check replay FILE`: re-execute a saved counterexample exactly and print its trace.
// Exit 1 when the replay ends in a violation, 0 when it runs clean, 3 when it does not reproduce the
// verdict recorded in the file.
import { Command } from 'commander';
import { loadCounterexample } from '../explorer/counterexample';
import { replayCounterexample } from '../explorer/replay';
import { formatCounterexample } from '../result/format';
import { printErr, printLine } from './print';

export function replayCommand(): Command {
  return new Command('replay')
    .description('re-execute a counterexample (or corpus case) step by step and report its violation')
    .argument('<file>', 'a counterexample JSON file written by explore, verify or fuzz')
    .option('-q, --quiet', 'print only the verdict')
    .option('--show-ghosts', 'also show the ghost (bookkeeping) fields the invariants keep')
    .action((file: string, f: { quiet?: boolean; showGhosts?: boolean }) => {
      const cx = loadCounterexample(file);
      const out = replayCounterexample(cx, file);
      if (out.ignoredSteps > 0)
        printErr(`warning: ${file}: the violation came at step ${out.steps.length} of ${cx.schedule.length}; the ${out.ignoredSteps} step(s) after it were not replayed\n`);
      if (!f.quiet) {
        printLine(`${cx.scenario.name} [${cx.variants.join('+') || 'default'}], ${cx.schedule.length} steps`);
        printLine(formatCounterexample({ ...out, trace: out.steps }, { ghosts: f.showGhosts }).join('\n'));
      }
      const got = out.violation ? `violation of ${out.violation.invariant}: ${out.violation.message}` : 'no violation';
      const want = cx.violation ? `violation of ${cx.violation.invariant}` : 'no violation';
      printLine(out.reproduced ? `reproduced: ${got}` : `NOT reproduced: recorded ${want}, replay gave ${got}`);
      process.exitCode = !out.reproduced ? 3 : out.violation ? 1 : 0;
    });
}
