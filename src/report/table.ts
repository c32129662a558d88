// Owns the summary table printed on the terminal and embedded in the Markdown report.
import type { ReportJob } from './report';

export function verdictText(j: ReportJob): string {
  if (j.violation) return `VIOLATION ${j.violation.invariant}`;
  if (j.verdict === 'bounded') return `clean up to bound (${j.bound})`;
  return 'clean';
}

export function summaryRows(jobs: readonly ReportJob[]): string[][] {
  const head = ['scenario', 'variants', 'verdict', 'states', 'transitions', 'depth', 'ms', 'states/s'];
  const showExpect = jobs.some((j) => j.asExpected !== undefined);
  if (showExpect) head.push('expected');
  const rows = jobs.map((j) => {
    const r = [j.scenario, j.variants.join('+') || 'default', verdictText(j), String(j.stats.states), String(j.stats.transitions),
      String(j.stats.maxDepth), String(j.stats.ms), String(j.stats.statesPerSec)];
    if (showExpect) r.push(expectedText(j));
    return r;
  });
  return [head, ...rows];
}

/** Met, not met, or undecided: a bound stopped the search before it found the violation it expected or proved clean. */
function expectedText(j: ReportJob): string {
  if (j.asExpected === undefined) return '';
  if (j.asExpected) return `yes (${j.expect})`;
  return j.verdict === 'bounded' && !j.violation ? `undecided (wanted ${j.expect})` : `NO (wanted ${j.expect})`;
}

export function textTable(rows: string[][]): string {
  const w = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(w[c])).join('  ').trimEnd()).join('\n');
}

export function markdownTable(rows: string[][]): string {
  const [head, ...body] = rows;
  const line = (r: string[]) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...body.map(line)].join('\n');
}
