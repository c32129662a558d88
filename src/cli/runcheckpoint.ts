// Owns the run checkpoint: the one file (<out>/checkpoints/<command>.ckpt.json) that a run of many units of
// work (explore or verify over several jobs, fuzz's chunks, mutate's mutants) writes when a signal stops it, so
// that `<command> --resume FILE` continues the same run. The envelope holds the command, the command line, when
// the run started, the users' modules it had loaded (--load; loaded again, unchanged, on --resume) and a payload each command defines (its options, the work done with its results, where the
// unit in progress stood, what is left), sealed by a digest; reading it checks format, digest and command and
// fails with one clear UsageError (exit 2) on a corrupt, foreign or mismatched file. It also says which options a
// resumed run may still be given (where and how it reports, not what it does).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../model/variants';
import { recordedModules, type ModuleRef } from '../model/origin';
import { loadRecordedModules } from './load';

export const RUN_CHECKPOINT_FORMAT = 'iommu-check-run-checkpoint/1';

export type RunCommand = 'explore' | 'verify' | 'fuzz' | 'mutate' | 'nightly';

export interface RunCheckpoint<P> {
  format: typeof RUN_CHECKPOINT_FORMAT;
  command: RunCommand;
  /** the command line of the first run (the resumed run's report shows it) */
  commandLine: string;
  startedAt: string;
  payload: P;
  /** the users' modules (--load) the run had loaded: a resumed run loads them again, unchanged */
  modules?: ModuleRef[];
  /** sha256 of the fields above: detects an edited or truncated file */
  digest: string;
  savedAt: string;
}

function digestOf(c: Pick<RunCheckpoint<unknown>, 'format' | 'command' | 'commandLine' | 'startedAt' | 'payload' | 'modules'>): string {
  const fields: unknown[] = [c.format, c.command, c.commandLine, c.startedAt, c.payload];
  if (c.modules) fields.push(c.modules);
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/** The command line that continues a run from its checkpoint `file`. */
export function resumeCommand(command: RunCommand, file: string): string {
  return command === 'nightly' ? `npm run nightly -- --resume ${file}` : `iommu-check ${command} --resume ${file}`;
}

/** Where a resumed run writes when no -o is given: the stopped run's own folder, the one whose checkpoints/ holds
 * the checkpoint (so the run's report is continued where it was), else the default. */
export function resumedOut(cmd: Command, out: string, checkpointFile: string): string {
  if (cmd.getOptionValueSource('out') === 'cli') return out;
  const dir = dirname(resolve(checkpointFile));
  return basename(dir) === 'checkpoints' ? dirname(dir) : out;
}

/** Where a command's run checkpoint goes in an output folder. */
export function runCheckpointPath(out: string, command: RunCommand): string {
  return join(out, 'checkpoints', `${command}.ckpt.json`);
}

/** Writes the run checkpoint of `command` into `out`; returns its path. */
export function writeRunCheckpoint<P>(out: string, command: RunCommand, commandLine: string, startedAt: Date, payload: P): string {
  const modules = recordedModules();
  const body = { format: RUN_CHECKPOINT_FORMAT, command, commandLine, startedAt: startedAt.toISOString(), payload, ...(modules.length ? { modules } : {}) } as const;
  const c: RunCheckpoint<P> = { ...body, digest: digestOf(body), savedAt: new Date().toISOString() };
  const file = runCheckpointPath(out, command);
  mkdirSync(join(out, 'checkpoints'), { recursive: true });
  writeFileSync(file, JSON.stringify(c) + '\n');
  return file;
}

function parse(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`--resume: cannot read checkpoint '${file}'`);
  }
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // not JSON: said below
  }
  throw new UsageError(`--resume: '${file}' is not a checkpoint (not a JSON object)`);
}

/** Is this file a run checkpoint (as opposed to one job's search checkpoint)? Unreadable files say no. */
export function isRunCheckpoint(file: string): boolean {
  try {
    return parse(file).format === RUN_CHECKPOINT_FORMAT;
  } catch {
    return false;
  }
}

/**
 * Reads a run checkpoint of `command`, checking its format, digest and command, and loads the users' modules it
 * was taken with; `valid` checks the payload's shape (false: corrupt).
 */
export function readRunCheckpoint<P>(file: string, command: RunCommand, valid: (p: unknown) => p is P): RunCheckpoint<P> {
  const c = parse(file) as unknown as RunCheckpoint<P>;
  if (c.format !== RUN_CHECKPOINT_FORMAT) {
    const format: unknown = c.format;
    const job = typeof format === 'string' && format.startsWith('iommu-check-checkpoint/');
    throw new UsageError(job
      ? `--resume: '${file}' is one job's search checkpoint, not a run checkpoint: continue it with \`iommu-check explore --resume ${file}\``
      : `--resume: '${file}' is not an ${RUN_CHECKPOINT_FORMAT} file (or one written by another version)`);
  }
  const { digest, savedAt: _s, ...body } = c;
  const corrupt = () => new UsageError(`--resume: checkpoint '${file}' is corrupt (its digest does not match its content)`);
  if (typeof digest !== 'string' || digest !== digestOf(body)) throw corrupt();
  if (c.command !== command) throw new UsageError(`--resume: '${file}' is the checkpoint of a \`${c.command}\` run: continue it with \`${resumeCommand(c.command, file)}\``);
  if (c.modules) loadRecordedModules(c.modules, file); // before the payload's scenarios are read
  if (!valid(c.payload)) throw corrupt();
  return c;
}

/** Options a resumed run may be given: they change where and how it reports, not what it explores. */
export const DISPLAY_OPTIONS = ['out', 'quiet', 'progress', 'format', 'showGhosts', 'load', 'resume'];

/** Refuses any option given on the command line that a run checkpoint already fixes. */
export function refuseRunOptions(cmd: Command, names: readonly string[]): void {
  if (names.length) throw new UsageError('--resume takes the jobs from the run checkpoint: give no scenario');
  const given = cmd.options.filter((o) => !DISPLAY_OPTIONS.includes(o.attributeName()) && cmd.getOptionValueSource(o.attributeName()) === 'cli');
  if (given.length) {
    const allowed = cmd.options.filter((o) => DISPLAY_OPTIONS.includes(o.attributeName()) && o.attributeName() !== 'resume').map((o) => o.short ?? o.long);
    throw new UsageError(`--resume of a run checkpoint runs with the run's own options: give only ${allowed.join(', ')} (not ${given.map((o) => o.long ?? o.short).join(', ')})`);
  }
}
