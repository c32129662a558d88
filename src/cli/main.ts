#!/usr/bin/env node
// Owns the command line: wires the commands, and maps every usage or input error to one line on stderr
// and exit code 2 (0 = all hold, 1 = an invariant failed, 2 = bad usage or bad input, 3 = replay did not
// reproduce, 4 = clean up to bound: a bound, budget or signal stopped the search; see ./exitcodes).
import { Command, CommanderError } from 'commander';
import { UsageError } from '../model/variants';
import { loadModules } from './load';
import { collect } from './parse';
import { printErr } from './print';

// Each command's module is required only when that command runs (start-up time: the fuzzer and fast-check,
// mutate, replay and merge cost about 25 ms to load, which `explore` does not need; scripts/bench-startup.ts).
/* eslint-disable @typescript-eslint/no-require-imports */
const COMMANDS: Record<string, () => Command> = {
  explore: () => (require('./explore') as typeof import('./explore')).exploreCommand(),
  verify: () => (require('./explore') as typeof import('./explore')).verifyCommand(),
  list: () => (require('./list') as typeof import('./list')).listCommand(),
  replay: () => (require('./replay') as typeof import('./replay')).replayCommand(),
  fuzz: () => (require('./fuzz') as typeof import('./fuzz')).fuzzCommand(),
  mutate: () => (require('./mutate') as typeof import('./mutate')).mutateCommand(),
  report: () => (require('./report') as typeof import('./report')).reportCommand(),
};
const mergeCommand = () => (require('./merge') as typeof import('./merge')).mergeCommand();

/** The program; given the command line, with only the command it names (all of them for help or a typo). */
export function program(argv?: string[]): Command {
  const p = new Command('iommu-check')
    .description('model checker and fuzzer for the concurrency and lifetime protocols of an IOMMU stack')
    .version('0.1.0')
    .showSuggestionAfterError()
    .exitOverride();
  const named = argv?.[2];
  const only = named !== undefined && (named in COMMANDS || named === 'merge') ? named : undefined;
  for (const [name, make] of Object.entries(COMMANDS))
    if (only === undefined || only === name)
      p.addCommand(make().option('--load <module>', 'load a module of your own variants, scenarios and invariants (.js or .ts; repeatable)', collect, []).exitOverride());
  if (only === undefined || only === 'merge') p.addCommand(mergeCommand().exitOverride());
  // users' modules are loaded before the command resolves any scenario or variant name
  p.hook('preAction', (_root, action) => void loadModules((action.opts().load as string[] | undefined) ?? []));
  return p;
}

export function main(argv: string[]): void {
  try {
    program(argv).parse(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 2; // commander already printed the message
      return;
    }
    if (e instanceof UsageError) {
      printErr(`iommu-check: ${e.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
}

if (require.main === module) main(process.argv);
