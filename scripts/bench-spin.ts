// The side-by-side benchmark against SPIN (`npm run bench:spin [tlb-p4-t3 ...] [--runs N] [--reduced SIZES|none] [--write]`): builds
// SPIN's `pan` from the project's Promela model of its own steps, bench/spin/tlb-steps.pml (spin-pan.ts), checks
// first that both checkers store the same state graph (pan stores exactly one state more, its pre-init state)
// and aborts if not, then times pan without and with its partial-order reduction and `explore` (full search on
// 1 and 2 workers, reduced search), alternating, and prints medians and ratios. Times are the search times each
// tool reports (pan's "elapsed time", explore's "in N ms"), so process start-up is not counted.
// Needs `spin` and `gcc` on PATH (Debian: apt-get install spin); without them it says so and exits 0.
// Writes reports/bench/spin.md with --write only (bench-output.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchArgs, runsOf, writeBenchFiles } from './bench-output';
import { buildPan, MODEL, MODEL_DIR, onPath, runPan as panOnce, tableLog2, type PanRun, type Size } from './spin-pan';
import { markdownTable } from '../src/report/table';

const ROOT = __dirname.includes('dist') ? join(__dirname, '..', '..') : join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

function fail(msg: string, code = 1): never {
  process.stderr.write(`bench:spin: ${msg}\n`);
  process.exit(code);
}

function parseSize(name: string): Size {
  const m = /^tlb-p(\d+)-t(\d+)$/.exec(name);
  if (!m) fail(`unknown size "${name}" (expected tlb-pN-tM, as in bench/spin/*.json)`, 2);
  if (!existsSync(join(MODEL_DIR, `${name}.json`))) fail(`no scenario file bench/spin/${name}.json`, 2);
  return { name, pages: Number(m[1]), threads: Number(m[2]) };
}

interface Run { states: number; ms: number }

function runPan(bin: string, log2Slots: number, cwd: string): Run {
  let r: PanRun;
  try {
    r = panOnce(bin, log2Slots, cwd);
  } catch (e) {
    fail((e as Error).message);
  }
  if (r.errors > 0) fail(`pan found an error in the correct model:\n${r.out}`);
  return { states: r.states, ms: r.ms };
}

function runExplore(size: Size, extra: string[], out: string): Run {
  const r = spawnSync(process.execPath, [CLI, 'explore', '-f', join(MODEL_DIR, `${size.name}.json`), '-q', '-o', out, ...extra], { encoding: 'utf8' });
  const m = / (\d+) states, \d+ transitions in (\d+) ms/.exec(r.stdout);
  if (r.status !== 0 || !m) fail(`explore ${extra.join(' ')} on ${size.name} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  return { states: Number(m[1]), ms: Number(m[2]) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const KINDS = {
  panFull: 'pan, no reduction',
  explore1: 'explore --no-reduction --workers 1',
  explore2: 'explore --no-reduction --workers 2',
  panReduced: 'pan, partial-order reduction',
  exploreReduced: 'explore --reduction',
} as const;
type Kind = keyof typeof KINDS;

function benchSize(size: Size, runs: number, reducedToo: boolean): string[] {
  const dir = mkdtempSync(join(tmpdir(), `bench-spin-${size.name}-`));
  try {
    const pan = { full: buildPan(size, dir, 'pan-full'), reduced: buildPan(size, dir, 'pan-reduced', { reduced: true }) };
    // the state graphs first: explore's full search, then pan with a table sized to fit
    const ex = runExplore(size, ['--no-reduction', '--workers', '1'], dir);
    const log2 = tableLog2(ex.states);
    const pf = runPan(pan.full, log2, dir);
    if (pf.states !== ex.states + 1)
      fail(`${size.name}: the state graphs differ: pan stores ${pf.states} states, explore --no-reduction ${ex.states} (expected pan = explore + 1); ` +
        `bench/spin/${MODEL} no longer follows the explorer's steps: update it before comparing times`);
    process.stderr.write(`${size.name}: states match (pan ${pf.states} = explore ${ex.states} + 1); ${runs} alternating runs\n`);
    const ms: Record<Kind, number[]> = { panFull: [], explore1: [], explore2: [], panReduced: [], exploreReduced: [] };
    const states: Partial<Record<Kind, number>> = {};
    const once: Record<Kind, () => Run> = {
      panFull: () => runPan(pan.full, log2, dir),
      explore1: () => runExplore(size, ['--no-reduction', '--workers', '1'], dir),
      explore2: () => runExplore(size, ['--no-reduction', '--workers', '2'], dir),
      panReduced: () => runPan(pan.reduced, log2, dir),
      // --reduction: the reduced search itself (without a flag explore chooses per job, here the full search)
      exploreReduced: () => runExplore(size, ['--reduction'], dir),
    };
    const kinds = (Object.keys(once) as Kind[]).filter((k) => reducedToo || (k !== 'panReduced' && k !== 'exploreReduced'));
    for (let k = 0; k < runs; k++)
      for (const kind of kinds) {
        const r = once[kind]();
        ms[kind].push(r.ms);
        states[kind] = r.states;
      }
    const med = (k: Kind) => median(ms[k]);
    const ratio = (a: Kind, b: Kind) => `${(med(a) / med(b)).toFixed(2)}×`;
    const rate = (k: Kind) => `${Math.round(states[k]! / (med(k) / 1000) / 1000)}k/s`;
    return [
      size.name, String(ex.states),
      `${med('panFull').toFixed(0)} ms (${rate('panFull')})`,
      `${med('explore1').toFixed(0)} ms (${rate('explore1')})`, ratio('explore1', 'panFull'),
      `${med('explore2').toFixed(0)} ms`, ratio('explore2', 'panFull'),
      ...(reducedToo ? [`${states.panReduced} / ${states.exploreReduced}`,
        `${med('panReduced').toFixed(0)} / ${med('exploreReduced').toFixed(0)} ms`, ratio('exploreReduced', 'panReduced')] : ['not run', 'not run', '—']),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(): void {
  const args = benchArgs(process.argv.slice(2));
  let runs = 5;
  const names: string[] = [];
  let reducedOn: string[] | undefined; // sizes whose reduced searches run (default: every size)
  for (let k = 0; k < args.rest.length; k++) {
    if (args.rest[k] === '--runs') runs = runsOf(args.rest[++k]) ?? fail('--runs needs a whole number ≥ 1', 2);
    else if (args.rest[k] === '--reduced') {
      const v = args.rest[++k];
      if (v === undefined) fail('--reduced needs a list of sizes (tlb-p4-t3,...) or none', 2);
      reducedOn = v === 'none' ? [] : v.split(',');
      for (const n of reducedOn) parseSize(n);
    } else if (args.rest[k].startsWith('-')) fail(`unknown option ${args.rest[k]}`, 2);
    else names.push(args.rest[k]);
  }
  for (const tool of ['spin', 'gcc'])
    if (!onPath(tool)) {
      process.stderr.write(`bench:spin: skipped: \`${tool}\` is not on PATH (Debian: apt-get install -y spin gcc)\n`);
      return;
    }
  if (!existsSync(CLI)) fail(`${CLI} is missing: build first (npm run build)`);
  const sizes = (names.length ? names : ['tlb-p4-t3', 'tlb-p5-t3', 'tlb-p6-t3']).map(parseSize);
  const rows = sizes.map((s) => benchSize(s, runs, !reducedOn || reducedOn.includes(s.name)));
  const header = ['size', 'states', 'pan (full)', 'explore, 1 worker', 'ratio', 'explore, 2 workers', 'ratio',
    'reduced states pan / explore', 'reduced pan / explore', 'ratio'];
  const table = markdownTable([header, ...rows]);
  const text = `# iommu-check vs SPIN on the same state graph\n\n` +
    `\`npm run bench:spin\` · ${new Date().toISOString()} · medians of ${runs} alternating runs; times are each tool's ` +
    `own search time; ratio = explore / pan (below 1: explore is faster).\n\n${table}\n`;
  process.stdout.write(text);
  writeBenchFiles(args.out, { 'spin.md': text }, args.write);
}

main();
