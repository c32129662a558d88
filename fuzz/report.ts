// Owns the fuzz report: one campaign's figures (runs, runs/s, why it stopped), its finding with the minimized
// counterexample file and trace, as JSON + Markdown, and the counterexample files themselves.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Counterexample } from '../src/result/format';
import { formatCounterexample } from '../src/result/format';
import type { CampaignResult, Finding } from './campaign';
import { caseFileName } from './corpus';
import type { CoverageReport } from './coverage';

export interface FuzzReport {
  tool: 'iommu-check';
  command: string;
  startedAt: string;
  options: Record<string, unknown>;
  /** what the run's inputs did not do as given (a selected variant no fuzzed scenario uses); also on stderr */
  warnings?: string[];
  seed: number;
  shard: string;
  runs: number;
  invalid: number;
  truncated: number;
  ms: number;
  runsPerSec: number;
  /** distinct states, steps, steps/s, operations completed, interesting states per invariant (coverage.ts) */
  coverage?: CoverageReport;
  stoppedBy: CampaignResult['stoppedBy'];
  finding?: Omit<Finding, 'counterexample'> & { counterexampleFile: string };
  unattributed: { invariant: string; correctRun: string; runs: number; counterexampleFile: string }[];
  crash?: CampaignResult['crash'];
}

export interface WrittenFuzz {
  report: FuzzReport;
  json: string;
  markdown: string;
}

function save(outDir: string, cx: Counterexample, prefix = ''): string {
  const dir = join(outDir, 'counterexamples');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, prefix + caseFileName(cx));
  writeFileSync(path, JSON.stringify(cx, null, 1) + '\n');
  return relative(process.cwd(), path) || path;
}

export function writeFuzzRun(outDir: string, name: string, command: string, options: Record<string, unknown>, startedAt: Date, r: CampaignResult, warnings: readonly string[] = []): WrittenFuzz {
  mkdirSync(outDir, { recursive: true });
  const { counterexample: cx, ...finding } = r.finding ?? ({} as Partial<Finding>);
  const report: FuzzReport = {
    tool: 'iommu-check', command, startedAt: startedAt.toISOString(), options, ...(warnings.length ? { warnings: [...warnings] } : {}), seed: r.seed, shard: `${r.shard.index + 1}/${r.shard.count}`,
    runs: r.runs, invalid: r.invalid, truncated: r.truncated, ms: r.ms, runsPerSec: r.runsPerSec, stoppedBy: r.stoppedBy, coverage: r.coverage,
    ...(r.finding && cx ? { finding: { ...(finding as Omit<Finding, 'counterexample'>), counterexampleFile: save(outDir, cx) } } : {}),
    unattributed: r.unattributed.map((u) => ({ invariant: u.invariant, correctRun: u.correctRun, runs: u.runs, counterexampleFile: save(outDir, u.counterexample, 'unattributed--') })),
    ...(r.crash ? { crash: r.crash } : {}),
  };
  const json = join(outDir, `${name}.json`);
  const markdown = join(outDir, `${name}.md`);
  writeFileSync(json, JSON.stringify(report, null, 1) + '\n');
  writeFileSync(markdown, renderFuzzMarkdown(report, cx));
  return { report, json, markdown };
}

export function summaryLine(r: Pick<FuzzReport, 'runs' | 'ms' | 'runsPerSec' | 'stoppedBy' | 'invalid' | 'truncated'>): string {
  return `${r.runs} runs in ${(r.ms / 1000).toFixed(1)} s (${r.runsPerSec} runs/s), stopped by ${r.stoppedBy}` +
    `; ${r.invalid} invalid, ${r.truncated} cut at the step bound`;
}

/**
 * "coverage: 12345 distinct states, 67890 steps (1234 steps/s); operations completed: map 120, unmap 98;
 * invariants exercised 20/22, never: pasid-unique, vdev-id-unique"
 */
export function coverageLine(c: CoverageReport): string {
  const ops = Object.entries(c.operations).map(([k, n]) => `${k} ${n}`).join(', ');
  return `coverage: ${c.statesCapped ? '>= ' : ''}${c.states} distinct states, ${c.steps} steps (${c.stepsPerSec} steps/s); operations completed: ${ops || 'none'}` +
    exercisedPart(c);
}

/** "; invariants exercised 20/22, never: a, b" (empty for a report written before interesting states were counted) */
function exercisedPart(c: CoverageReport): string {
  if (!c.interesting) return '';
  const n = Object.keys(c.interesting).length, never = c.neverExercised;
  return `; invariants exercised ${n - never.length}/${n}${never.length ? `, never: ${never.join(', ')}` : ''}`;
}

/** Markdown table: per invariant, the distinct states interesting for it (0 marked as never exercised). */
export function interestingTable(c: CoverageReport): string[] {
  if (!c.interesting || Object.keys(c.interesting).length === 0) return [];
  const rows = Object.entries(c.interesting).map(([id, n]) => `| ${id} | ${n}${n === 0 ? ' (never exercised)' : ''} |`);
  return ['| invariant | distinct interesting states |', '|---|---|', ...rows, ''];
}

export function renderFuzzMarkdown(r: FuzzReport, cx?: Counterexample): string {
  const out = [`# iommu-check fuzz report`, '', `\`${r.command}\` · started ${r.startedAt} · seed ${r.seed} · shard ${r.shard}`, '', summaryLine(r), ''];
  if (r.coverage) out.push(coverageLine(r.coverage), '', ...interestingTable(r.coverage));
  if (r.warnings?.length) out.push('## Warnings', '', ...r.warnings.map((w) => `- ${w}`), '');
  const f = r.finding;
  if (f) {
    out.push(`## ${f.template} · ${f.variants.join('+') || 'default'}: ${f.violation.invariant}`, '', `> ${f.violation.message}`, '');
    out.push(`Found after ${f.runsToFind} runs (${(f.msToFind / 1000).toFixed(2)} s). Size (threads/operations/set-up calls/steps): ` +
      `found ${size(f.found)}, after fast-check's shrinking ${size(f.shrunk)}, minimized ${size(f.minimized)} (${f.shrinkMs} ms).`, '');
    out.push(`Replay: \`npx iommu-check replay ${f.counterexampleFile}\``, '');
    if (cx) out.push('```', ...formatCounterexample(cx), '```', '');
  } else if (!r.crash) out.push('No violation.', '');
  for (const u of r.unattributed)
    out.push(`- ${u.invariant} met with the faulty variants, but the program does not explore clean under the correct ones (${u.correctRun}): \`${u.counterexampleFile}\``);
  if (r.crash) out.push('## The model threw', '', '```', r.crash.error, '```', '', 'Case:', '', '```json', JSON.stringify(r.crash.case), '```');
  return out.join('\n') + '\n';
}

function size(s: { threads: number; ops: number; setup: number; steps: number }): string {
  return `${s.threads}/${s.ops}/${s.setup}/${s.steps}`;
}
