// Owns building and running SPIN's `pan` from the project's Promela model of its own steps
// (bench/spin/tlb-steps.pml) for one scenario size tlb-pN-tM: the spin and gcc flags the state-for-state match
// needs, and reading pan's stored states, errors and search time. Used by `npm run bench:spin` and its test.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = __dirname.includes('dist') ? join(__dirname, '..', '..') : join(__dirname, '..');
export const MODEL_DIR = join(ROOT, 'bench', 'spin');
export const MODEL = 'tlb-steps.pml';

/** A scenario size: bench/spin/tlb-p<pages>-t<threads>.json and the model's -DP / -DNTHR. */
export interface Size { name: string; pages: number; threads: number }

export interface PanBuild {
  /** partial-order reduction on (pan's default) instead of -DNOREDUCE */
  reduced?: boolean;
  /** the faulty variant sync-one-instance (-DBUG_ONE_INSTANCE) */
  bug?: boolean;
}

export interface PanRun {
  states: number;
  transitions: number;
  errors: number;
  ms: number;
  out: string;
}

export function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Generate pan.c in dir and compile it to dir/<name>. `-o1`: no dead-variable elimination (SPIN would otherwise
 * reset a thread's locals after their last use, which the explorer keeps until the operation returns); `-o3`: no
 * statement merging (each Promela step stays one explorer step).
 */
export function buildPan(size: Size, dir: string, name: string, opts: PanBuild = {}): string {
  const defs = [`-DP=${size.pages}`, `-DNTHR=${size.threads}`, ...(opts.bug ? ['-DBUG_ONE_INSTANCE'] : [])];
  execFileSync('spin', ['-o1', '-o3', '-a', ...defs, join(MODEL_DIR, MODEL)], { cwd: dir, stdio: 'pipe' });
  const bin = join(dir, name);
  execFileSync('gcc', ['-O2', '-DSAFETY', ...(opts.reduced ? [] : ['-DNOREDUCE']), '-w', '-o', bin, 'pan.c'], { cwd: dir, stdio: 'pipe' });
  return bin;
}

/** log2 of a hash table that fits `states` (pan's -w): at least 2^18 slots, about twice the states. */
export function tableLog2(states: number): number {
  return Math.max(18, Math.ceil(Math.log2(states + 1)) + 1);
}

/** Run pan (exit status 0 with or without errors found); throws when its output has no state count. */
export function runPan(bin: string, log2Slots: number, cwd: string): PanRun {
  const r = spawnSync(bin, ['-m100000', `-w${log2Slots}`], { cwd, encoding: 'utf8', maxBuffer: 1 << 24 });
  const out = r.stdout ?? '';
  const states = /(\d+) states, stored/.exec(out), trans = /(\d+) transitions \(= stored\+matched\)/.exec(out);
  const errors = /errors: (\d+)/.exec(out), t = /elapsed time ([\d.e+-]+) seconds/.exec(out);
  if (r.status !== 0 || !states || !trans || !errors || !t) throw new Error(`cannot read pan's output (exit ${r.status}):\n${out}${r.stderr ?? ''}`);
  return { states: Number(states[1]), transitions: Number(trans[1]), errors: Number(errors[1]), ms: Number(t[1]) * 1000, out };
}
