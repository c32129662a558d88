// The start-up benchmark (`npm run bench:startup [--runs N] [--write]`): wall time from process start to exit of
// `iommu-check explore SCENARIO --variant BUG` on a built-in (a short run that finds, minimizes and reports its
// violation), against a bare `node -e 0`, in alternating runs on this machine: as installed (the bundle, through
// its code cache), without the code cache, and from the compiled modules; prints medians and their ratios
// (the goal of issue 13: at most 1.5×). Writes reports/bench/startup.md with --write only (bench-output.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchArgs, onlyRuns, writeBenchFiles } from './bench-output';
import { markdownTable } from '../src/report/table';

const ROOT = __dirname.includes('dist') ? join(__dirname, '..', '..') : join(__dirname, '..');
const BIN = join(ROOT, 'bin', 'iommu-check.js');
const SCENARIO = 'two-instances-share-domain', BUG = 'sync-one-instance';

function fail(msg: string, code = 1): never {
  process.stderr.write(`bench:startup: ${msg}\n`);
  process.exit(code);
}

/** Wall ms of one process run; `expect` is its exit code. */
function wall(args: string[], expect: number, env: Record<string, string> = {}): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== expect) fail(`node ${args.join(' ')} exited ${r.status} (expected ${expect}): ${r.stderr}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main(): void {
  const args = benchArgs(process.argv.slice(2));
  const runs = onlyRuns(args.rest, 21, fail);
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) fail('dist/ is missing: build first (npm run build)');
  const out = mkdtempSync(join(tmpdir(), 'bench-startup-'));
  // a code cache of its own, written by the warm-up run of this very command (bin/iommu-check.js)
  const cacheHome = mkdtempSync(join(tmpdir(), 'bench-startup-cache-'));
  const args_ = ['explore', SCENARIO, '--variant', BUG, '-q', '-o', out];
  const kinds: { name: string; args: string[]; code: number; env: Record<string, string> }[] = [
    { name: 'node -e 0', args: ['-e', '0'], code: 0, env: {} },
    { name: `iommu-check explore ${SCENARIO} --variant ${BUG}`, args: [BIN, ...args_], code: 1, env: { XDG_CACHE_HOME: cacheHome } },
    { name: '  the same without the code cache', args: [BIN, ...args_], code: 1, env: { IOMMU_CHECK_CODE_CACHE: '0' } },
    { name: '  the same from the compiled modules (dist/src/, no bundle)', args: [join(ROOT, 'dist', 'src', 'cli', 'main.js'), ...args_], code: 1, env: {} },
  ];
  const times = kinds.map(() => [] as number[]);
  try {
    wall(kinds[1].args, 1, kinds[1].env); // warm the file cache, write the code cache
    for (let k = 0; k < runs; k++) kinds.forEach((kind, i) => times[i].push(wall(kind.args, kind.code, kind.env)));
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(cacheHome, { recursive: true, force: true });
  }
  const b = median(times[0]);
  const table = markdownTable([
    ['run', 'median wall ms', 'ratio'],
    ...kinds.map((kind, i) => [kind.name, median(times[i]).toFixed(0), `${(median(times[i]) / b).toFixed(2)}×`]),
  ]);
  const text = `# Start-up\n\n\`npm run bench:startup\` · ${new Date().toISOString()} · node ${process.version} · medians of ${runs} ` +
    `alternating runs, process start to exit (goal: ≤ 1.5×).\n\n${table}\n`;
  process.stdout.write(text);
  writeBenchFiles(args.out, { 'startup.md': text }, args.write);
}

main();
