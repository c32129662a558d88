// Owns `npm run bench:fuzz`: for each faulty variant, the runs and seconds until the fuzzer finds it (median
// over several seeds, each within a time budget) and the size of the minimized case; for each correct variant,
// runs/s over a time budget and every false alarm met. Writes reports/bench/fuzz.{json,md} and the false alarms'
// cases with --write only (bench-output.ts).
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { allScenarios } from '../src/model/scenarios';
import { allVariants } from '../src/model/variants';
import { positiveInt } from '../src/cli/parse';
import { parseDuration } from '../src/cli/fuzz';
import { runCampaign } from '../fuzz/campaign';
import { caseFileName } from '../fuzz/corpus';
import { median } from '../fuzz/median';
import { markdownTable } from '../src/report/table';
import { benchDir, writeBenchFiles } from './bench-output';

interface Flags { seeds: number; budget: number; correctTime: number; out: string; write: boolean }

interface FaultyRow {
  variant: string;
  seeds: { seed: number; found: boolean; invariant?: string; runs: number; ms: number; minimized?: { threads: number; ops: number; setup: number; steps: number }; shrinkMs?: number; unattributed: number }[];
  found: number;
  medianRuns: number;
  medianSeconds: number;
  maxSeconds: number;
  medianMinimizedOps: number;
  maxMinimizedOps: number;
}

interface CorrectRow {
  variant: string;
  runs: number;
  seconds: number;
  runsPerSec: number;
  falseAlarms: { seed: number; invariant: string; message: string; runs: number; file: string }[];
}

async function main(f: Flags): Promise<void> {
  const scenarios = allScenarios();
  const seeds = Array.from({ length: f.seeds }, (_, k) => k + 1);
  const faulty: FaultyRow[] = [];
  for (const v of allVariants().filter((x) => x.faulty)) {
    const rows: FaultyRow['seeds'] = [];
    for (const seed of seeds) {
      const r = await runCampaign({ scenarios, variants: [v.name], seed, timeMs: f.budget });
      const fd = r.finding;
      rows.push(fd
        ? { seed, found: true, invariant: fd.violation.invariant, runs: fd.runsToFind, ms: fd.msToFind, minimized: fd.minimized, shrinkMs: fd.shrinkMs, unattributed: r.unattributed.length }
        : { seed, found: false, runs: r.runs, ms: r.ms, unattributed: r.unattributed.length });
      process.stderr.write(`${v.name} seed ${seed}: ${fd ? `${fd.violation.invariant} after ${fd.runsToFind} runs, ${(fd.msToFind / 1000).toFixed(2)} s; minimized ${JSON.stringify(fd.minimized)}` : `NOT FOUND in ${r.runs} runs`}\n`);
    }
    const found = rows.filter((x) => x.found);
    const at = (x: (typeof rows)[number], k: 'runs' | 'ms') => (x.found ? x[k] : Infinity);
    faulty.push({
      variant: v.name, seeds: rows, found: found.length,
      medianRuns: median(rows.map((x) => at(x, 'runs'))), medianSeconds: median(rows.map((x) => at(x, 'ms') / 1000)),
      maxSeconds: Math.max(...rows.map((x) => at(x, 'ms') / 1000)),
      medianMinimizedOps: median(found.map((x) => x.minimized!.ops + x.minimized!.setup)),
      maxMinimizedOps: Math.max(...found.map((x) => x.minimized!.ops + x.minimized!.setup)),
    });
  }
  const correct: CorrectRow[] = [];
  const alarmDir = join(f.out, 'fuzz-false-alarms');
  // every correct variant (the others at their defaults), then what `fuzz` runs by default: one drawn per slot
  for (const v of [...allVariants().filter((x) => !x.faulty), { name: '(drawn per slot)' }]) {
    const variants = v.name.startsWith('(') ? undefined : [v.name];
    let runs = 0, ms = 0;
    const alarms: CorrectRow['falseAlarms'] = [];
    // a false alarm stops a campaign: go on with the next seed until the time budget is spent
    for (let seed = 1; ms < f.correctTime && seed < 100; seed++) {
      const r = await runCampaign({ scenarios, variants, seed, timeMs: f.correctTime - ms });
      runs += r.runs;
      ms += r.ms;
      const fd = r.finding;
      if (fd) {
        const name = `${variants ? v.name : 'drawn'}--seed${seed}--${caseFileName(fd.counterexample)}`, file = join(alarmDir, name);
        writeBenchFiles(alarmDir, { [name]: JSON.stringify(fd.counterexample, null, 1) + '\n' }, f.write);
        alarms.push({ seed, invariant: fd.violation.invariant, message: fd.violation.message, runs: fd.runsToFind, file });
      }
    }
    correct.push({ variant: v.name, runs, seconds: ms / 1000, runsPerSec: Math.round((runs / Math.max(ms, 1)) * 1000), falseAlarms: alarms });
    process.stderr.write(`${v.name}: ${runs} runs in ${(ms / 1000).toFixed(1)} s, ${alarms.length} false alarm(s)\n`);
  }
  const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version };
  const bench = { tool: 'iommu-check', bench: 'fuzz', date: new Date().toISOString(), machine, seeds, budgetMs: f.budget, correctTimeMs: f.correctTime, faulty, correct };
  writeBenchFiles(f.out, { 'fuzz.json': JSON.stringify(bench, null, 1) + '\n', 'fuzz.md': renderMarkdown(bench) }, f.write);
  console.log(renderMarkdown(bench));
  const missed = faulty.filter((r) => r.found < seeds.length).length;
  process.exitCode = missed ? 1 : 0;
}

function largest(r: FaultyRow): string {
  const ms = r.seeds.flatMap((s) => (s.minimized ? [s.minimized] : []));
  if (!ms.length) return '';
  const m = ms.reduce((a, b) => (b.ops + b.setup > a.ops + a.setup || (b.ops + b.setup === a.ops + a.setup && b.steps > a.steps) ? b : a));
  return `${m.threads}/${m.ops}/${m.setup}/${m.steps}`;
}

const num = (x: number, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : 'not found');

function renderMarkdown(b: { date: string; machine: { cpu: string; cores: number; node: string }; seeds: number[]; budgetMs: number; correctTimeMs: number; faulty: FaultyRow[]; correct: CorrectRow[] }): string {
  const out = [
    '# Fuzzer benchmark', '',
    `${b.date} · ${b.machine.cpu}, ${b.machine.cores} cores, Node ${b.machine.node} · \`npm run bench:fuzz\``, '',
    `## Faulty variants: time to find (seeds ${b.seeds.join(', ')}; budget ${b.budgetMs / 1000} s each)`, '',
    'Runs and seconds until the first violation (the failing run included), median over the seeds; minimized size =',
    'operations + set-up calls of the case after shrinking and minimization; largest = threads/operations/set-up calls/steps.', '',
    markdownTable([
      ['variant', 'found', 'invariant', 'median runs', 'median s', 'max s', 'minimized ops (median / max)', 'largest minimized case'],
      ...b.faulty.map((r) => [r.variant, `${r.found}/${r.seeds.length}`, [...new Set(r.seeds.filter((s) => s.invariant).map((s) => s.invariant))].join(', '),
        num(r.medianRuns), num(r.medianSeconds, 3), num(r.maxSeconds, 3), `${num(r.medianMinimizedOps)} / ${num(r.maxMinimizedOps)}`, largest(r)]),
    ]), '',
    `## Correct variants: throughput and false alarms (${b.correctTimeMs / 1000} s each)`, '',
    markdownTable([
      ['variant', 'runs', 'runs/s', 'false alarms'],
      ...b.correct.map((r) => [r.variant, String(r.runs), String(r.runsPerSec),
        r.falseAlarms.length ? r.falseAlarms.map((a) => `${a.invariant} after ${a.runs} runs (\`${a.file}\`)`).join('; ') : 'none']),
    ]), '',
  ];
  return out.join('\n');
}

new Command('bench-fuzz')
  .option('--seeds <n>', 'seeds per faulty variant', positiveInt, 5)
  .option('--budget <duration>', 'time budget per faulty variant and seed', parseDuration, 60_000)
  .option('--correct-time <duration>', 'time per correct variant', parseDuration, 10_000)
  .option('-o, --out <dir>', 'output directory (with --write)', benchDir())
  .option('--write', 'write the results (without it nothing is written)', false)
  .action((f: Flags) => main(f))
  .exitOverride()
  .parseAsync(process.argv)
  .catch((e: unknown) => {
    if (!(e instanceof CommanderError)) throw e;
    process.exitCode = e.exitCode === 0 ? 0 : 2; // commander printed the message
  });
