#!/usr/bin/env node
// Owns the command line: wires the commands, and maps every usage or input error to one line on stderr
// and exit code 2 (0 = all hold, 1 = an invariant failed, 2 = bad usage or bad input, 3 = replay did not
// reproduce, 4 = clean up to bound: a bound, budget or signal stopped the search; see ./exitcodes).
import { Command, CommanderError } from 'commander';
import { UsageError } from '../model/variants';
import { exploreCommand, verifyCommand } from './explore';
import { fuzzCommand } from './fuzz';
import { listCommand } from './list';
import { replayCommand } from './replay';
import { mergeCommand } from './merge';
import { mutateCommand } from './mutate';
import { loadModules } from './load';
import { collect } from './parse';

export function program(): Command {
  const p = new Command('iommu-check')
    .description('model checker and fuzzer for the concurrency and lifetime protocols of an IOMMU stack')
    .version('0.1.0')
    .showSuggestionAfterError()
    .exitOverride();
  for (const c of [exploreCommand(), verifyCommand(), listCommand(), replayCommand(), fuzzCommand(), mutateCommand()])
    p.addCommand(c.option('--load <module>', 'load a module of your own variants, scenarios and invariants (.js or .ts; repeatable)', collect, []).exitOverride());
  p.addCommand(mergeCommand().exitOverride());
  // users' modules are loaded before the command resolves any scenario or variant name
  p.hook('preAction', (_root, action) => void loadModules((action.opts().load as string[] | undefined) ?? []));
  return p;
}

export function main(argv: string[]): void {
  try {
    program().parse(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 2; // commander already printed the message
      return;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`iommu-check: ${e.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
}

if (require.main === module) main(process.argv);
