// Owns what SIGINT and SIGTERM do to a running command: the first asks the command to stop (it finishes its
// time slice, writes its partial report and, where it can, a checkpoint); a second ends the process at once
// with EXIT_KILLED. Every long-running command (explore, verify, fuzz, mutate, nightly) takes its stop
// request from here.
import { EXIT_KILLED } from './exitcodes';
import { printErr } from './print';

export interface StopRequest {
  /** true once a signal asked the command to stop */
  readonly stopped: () => boolean;
  /** the signal that asked (null before) */
  readonly signal: () => NodeJS.Signals | null;
  /** removes the handlers (the command is done) */
  done(): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Installs the handlers; `name` prefixes the message the first signal prints. */
export function stopOnSignals(name: string): StopRequest {
  let got: NodeJS.Signals | null = null;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (got) process.exit(EXIT_KILLED);
    got = sig;
    printErr(`\n${name}: ${sig}: stopping, writing what was done (${sig} again to end at once)\n`);
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  return {
    stopped: () => got !== null,
    signal: () => got,
    done: () => {
      for (const s of SIGNALS) process.off(s, onSignal);
    },
  };
}
