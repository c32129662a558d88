// Owns where the benchmark scripts (scripts/bench*.ts) put their results: files under reports/bench/ (or
// `--out <dir>`) only when `--write` is given; otherwise nothing is written and a line on stderr says what would
// have been. Every bench script writes through here, never with fs directly (test/bench-write.test.ts checks).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository's reports/bench, from a script in scripts/ or in dist/scripts/. */
export function benchDir(): string {
  return __dirname.includes('dist') ? join(__dirname, '..', '..', 'reports', 'bench') : join(__dirname, '..', 'reports', 'bench');
}

export interface BenchArgs {
  write: boolean;
  out: string;
  /** the other arguments, in order */
  rest: string[];
}

/** Takes `--write` and `--out <dir>` out of the arguments (process.argv.slice(2)). */
export function benchArgs(argv: string[]): BenchArgs {
  const rest: string[] = [];
  let write = false, out = benchDir();
  for (let k = 0; k < argv.length; k++) {
    if (argv[k] === '--write') write = true;
    else if (argv[k] === '--out' || argv[k] === '-o') {
      if (k + 1 >= argv.length) {
        process.stderr.write(`${argv[k]} needs a directory\n`);
        process.exit(2);
      }
      out = argv[++k];
    } else rest.push(argv[k]);
  }
  return { write, out, rest };
}

/** Writes the files (name -> content) into dir when asked to; says so either way. */
export function writeBenchFiles(dir: string, files: Record<string, string>, write: boolean): void {
  const names = Object.keys(files).map((f) => join(dir, f));
  if (!write) {
    process.stderr.write(`not written (pass --write to write ${names.join(', ')})\n`);
    return;
  }
  mkdirSync(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  process.stderr.write(`written: ${names.join(', ')}\n`);
}

/** A `--runs` value: a whole number >= 1, else null. */
export function runsOf(v: string | undefined): number | null {
  const n = Number(v);
  return v !== undefined && Number.isInteger(n) && n >= 1 ? n : null;
}

/** The arguments of a script that takes only `--runs N` (besides --write and --out): N, or `runs` by default. */
export function onlyRuns(rest: readonly string[], runs: number, fail: (msg: string, code: number) => never): number {
  for (let k = 0; k < rest.length; k++) {
    if (rest[k] === '--runs') runs = runsOf(rest[++k]) ?? fail('--runs needs a whole number ≥ 1', 2);
    else fail(`unknown argument ${rest[k]}`, 2);
  }
  return runs;
}
