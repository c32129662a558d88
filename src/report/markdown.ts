// Owns the Markdown rendering of a report: the summary table, then each violation with its set-up, initial state, trace and violating state.
import type { Report } from './report';
import { formatCounterexample, type Counterexample } from '../result/format';
import { markdownTable, summaryRows } from './table';

export function renderMarkdown(r: Report, counterexamples: Map<string, Counterexample>): string {
  const t = r.totals;
  const out = [
    `# iommu-check report`,
    '',
    `\`${r.command}\` · started ${r.startedAt} · ${t.jobs} job(s), ${t.violations} violation(s), ${t.states} states in ${t.ms} ms (${t.statesPerSec} states/s)`,
    '',
    markdownTable(summaryRows(r.jobs)),
  ];
  for (const j of r.jobs) {
    if (!j.violation || !j.counterexampleFile) continue;
    const cx = counterexamples.get(j.counterexampleFile);
    out.push('', `## ${j.scenario} · ${j.variants.join('+') || 'default'}: ${j.violation.invariant}`, '', `> ${j.violation.message}`, '');
    out.push(`Replay: \`npx iommu-check replay ${j.counterexampleFile}\` (${j.schedule?.length ?? 0} steps)`, '');
    if (cx) out.push('```', ...formatCounterexample(cx), '```');
  }
  return out.join('\n') + '\n';
}
