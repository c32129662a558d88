// Owns the mutation report: totals per operator and per subsystem (mutants, killed, equivalent, survived),
// whether the goal holds (every lock-drop mutant killed or shown equivalent, >= 90 % of the non-equivalent
// mutants killed), and every survivor and equivalent mutant with its step; as JSON and Markdown.
import { markdownTable } from '../report/table';
import type { MutantOutcome } from './run';
import { OPERATORS } from './operators';

export const KILL_GOAL = 0.9;

export interface MutationTotals {
  mutants: number;
  killed: number;
  equivalent: number;
  survived: number;
  errors: number;
}

export interface MutationReport {
  format: 'iommu-check/mutants';
  version: 1;
  startedAt: string;
  scenarios: string[];
  totals: MutationTotals;
  /** killed / (mutants - equivalent) */
  killRate: number;
  goalMet: boolean;
  byOperator: Record<string, MutationTotals>;
  bySubsystem: Record<string, MutationTotals>;
  outcomes: MutantOutcome[];
  ms: number;
}

function totals(os: readonly MutantOutcome[]): MutationTotals {
  const n = (v: string) => os.filter((o) => o.verdict === v).length;
  return { mutants: os.length, killed: n('killed'), equivalent: n('equivalent'), survived: n('survived'), errors: n('error') };
}

function groupBy(os: readonly MutantOutcome[], key: (o: MutantOutcome) => string): Record<string, MutationTotals> {
  const keys = [...new Set(os.map(key))];
  return Object.fromEntries(keys.map((k) => [k, totals(os.filter((o) => key(o) === k))]));
}

export function makeMutationReport(outcomes: MutantOutcome[], scenarios: string[], startedAt: Date, ms: number): MutationReport {
  const t = totals(outcomes);
  const live = t.mutants - t.equivalent;
  const killRate = live === 0 ? 1 : t.killed / live;
  const lockDrops = outcomes.filter((o) => o.operator === 'drop-lock');
  const goalMet = t.errors === 0 && killRate >= KILL_GOAL && lockDrops.every((o) => o.verdict === 'killed' || o.verdict === 'equivalent');
  const order = (o: MutantOutcome) => OPERATORS.indexOf(o.operator as never);
  const byOperator = groupBy([...outcomes].sort((a, b) => order(a) - order(b)), (o) => o.operator);
  return { format: 'iommu-check/mutants', version: 1, startedAt: startedAt.toISOString(), scenarios, totals: t, killRate, goalMet,
    byOperator, bySubsystem: groupBy(outcomes, (o) => o.subsystem), outcomes, ms: Math.round(ms) };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

function rows(by: Record<string, MutationTotals>, label: string): string[][] {
  const r = (k: string, t: MutationTotals) => {
    const live = t.mutants - t.equivalent;
    return [k, String(t.mutants), String(t.killed), String(t.equivalent), String(t.survived + t.errors), live ? pct(t.killed / live) : '-'];
  };
  return [[label, 'mutants', 'killed', 'equivalent', 'survived', 'killed of non-equivalent'], ...Object.entries(by).map(([k, t]) => r(k, t))];
}

export function summaryLine(r: MutationReport): string {
  const t = r.totals;
  return `${t.mutants} mutants: ${t.killed} killed, ${t.equivalent} equivalent, ${t.survived} survived${t.errors ? `, ${t.errors} errors` : ''}`
    + ` — ${pct(r.killRate)} of the non-equivalent killed; goal ${r.goalMet ? 'met' : 'NOT met'}`;
}

export function renderMutationMarkdown(r: MutationReport): string {
  const t = r.totals;
  const out = [
    '# Mutation testing', '',
    `${summaryLine(r)} (${(r.ms / 1000).toFixed(1)} s, ${r.startedAt}).`, '',
    `Mutants are derived mechanically from the operations the scenarios' threads call (${r.scenarios.length} scenarios); each runs`,
    'on every scenario that calls its operation until an invariant fails. Goal: every lock-drop mutant killed or shown',
    `equivalent, and at least ${pct(KILL_GOAL)} of the non-equivalent mutants killed.`, '',
    '## By operator', '', markdownTable([...rows(r.byOperator, 'operator'), ['all', String(t.mutants), String(t.killed), String(t.equivalent), String(t.survived + t.errors), pct(r.killRate)]]), '',
    '## By subsystem', '', markdownTable(rows(r.bySubsystem, 'subsystem')), '',
  ];
  const survivors = r.outcomes.filter((o) => o.verdict === 'survived' || o.verdict === 'error');
  out.push('## Survivors', '');
  if (survivors.length === 0) out.push('None.', '');
  else out.push(markdownTable([['mutant', 'step', 'ran on', 'note'], ...survivors.map((o) => [o.id, o.where, (o.ranOn ?? []).join(', '), o.error ?? (o.bounded ? 'a bound cut a run' : '')])]), '');
  const eq = r.outcomes.filter((o) => o.verdict === 'equivalent');
  out.push('## Equivalent mutants', '');
  if (eq.length === 0) out.push('None.', '');
  else out.push(markdownTable([['mutant', 'step', 'why it is equivalent'], ...eq.map((o) => [o.id, o.where, o.reason ?? ''])]), '');
  out.push('## Killed', '', markdownTable([['mutant', 'step', 'killed by', 'states'], ...r.outcomes.filter((o) => o.verdict === 'killed')
    .map((o) => [o.id, o.where, `${o.killedBy!.scenario}: ${o.killedBy!.invariant}`, String(o.killedBy!.states)])]), '');
  return out.join('\n');
}
