// Owns the HTML report: one self-contained page (inline CSS and SVG, no scripts, nothing fetched) with the
// summary table and, for each counterexample, its invariant and description, the swimlane diagram, the state
// diff of every step, the violating state highlighted, and the command that replays it from the report's folder.
import { changeName, type Counterexample, type FieldValue } from '../result/format';
import { changesOf, type ShownChange } from './changes';
import { escapeHtml as esc } from './escape';
import { renderSwimlane } from './swimlane';
import { verdictText } from './table';
import { jobLabel, type RunView, type ShownTrace } from './view';
import type { ReportJob } from './report';

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#111}table{border-collapse:collapse;margin:8px 0}
td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}th{background:#f3f3f3}
td.num{text-align:right;font-variant-numeric:tabular-nums}.bad{color:#b00;font-weight:bold}.ok{color:#070}
.ghost{color:#888}.changes div{font:12px monospace}tr.violating{background:#fde2e2}tr.violating td:first-child{border-left:4px solid #c00}
.read{background:#fff3b0;font-weight:bold}code,pre{background:#f6f6f6;padding:2px 4px}blockquote{border-left:4px solid #c00;margin:8px 0;padding:4px 10px;background:#fff6f6}
.diagram{overflow-x:auto;border:1px solid #ddd;padding:4px;margin:8px 0}.legend span{margin-right:14px}`;

function cell(v: string | number, cls = ''): string {
  return `<td${cls ? ` class="${cls}"` : ''}>${esc(v)}</td>`;
}

function summaryTable(v: RunView): string {
  const stats = v.kind !== 'counterexample';
  const expect = v.report.jobs.some((j) => j.asExpected !== undefined);
  const head = ['scenario', 'variants', 'invariants', 'verdict', ...(expect ? ['expected'] : []), 'bound hit', ...(stats ? ['states', 'transitions', 'ms'] : [])];
  const rows = v.report.jobs.map((j, k) => {
    const inv = v.checked.get(k) ?? (j.violation ? [j.violation.invariant] : []);
    const verdict = verdictText(j);
    return `<tr class="job">${cell(j.scenario)}${cell(j.variants.join('+') || 'default')}${cell(inv.length ? inv.join(', ') : 'all that apply')}` +
      `${cell(verdict, j.violation ? 'bad' : 'ok')}${expect ? cell(j.asExpected === undefined ? '' : j.asExpected ? `yes (${j.expect})` : `NO (wanted ${j.expect})`, j.asExpected === false ? 'bad' : '') : ''}` +
      `${cell(j.verdict === 'bounded' ? j.bound ?? 'yes' : '—')}` +
      `${stats ? `${cell(j.stats.states, 'num')}${cell(j.stats.transitions, 'num')}${cell(j.stats.ms, 'num')}` : ''}</tr>`;
  });
  return `<table class="summary"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

/** The changes shown: ghost (bookkeeping) fields are left out, as in the terminal (`replay --show-ghosts` shows them). */
function changeList(cs: ShownChange[]): string {
  return cs.filter((c) => !c.ghost).map((c) => `<div>${esc(c.key)}: ${esc(c.fromText)} → ${esc(c.toText)}</div>`).join('');
}

function stepTable(cx: Counterexample): string {
  const rows = cx.trace.map((t, i) => {
    const violating = i === cx.trace.length - 1 && cx.violation !== null;
    return `<tr class="trace-step${violating ? ' violating' : ''}" data-step="${t.n}">${cell(t.n, 'num')}${cell(t.thread)}${cell(t.op)}${cell(t.step)}` +
      `${cell(t.returned ?? '')}<td class="changes">${changeList(changesOf(t))}</td></tr>`;
  });
  return `<table class="trace"><thead><tr><th>#</th><th>actor</th><th>operation</th><th>step</th><th>returned</th><th>state diff</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

function valueTable(cls: string, values: readonly FieldValue[]): string {
  const rows = values.filter((f) => !f.ghost).map((f) => `<tr class="${f.read ? 'read' : ''}">${cell(changeName(f))}${cell(f.text)}${cell(f.read ? 'read by the invariant' : '')}</tr>`);
  return `<table class="${cls}"><thead><tr><th>field</th><th>value</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function replayLine(t: ShownTrace): string {
  if (!t.replayFile) return '<p>Not saved to a file: replay it from the run\'s JSON report.</p>';
  return `<p>Replay (from this report's folder): <code class="replay">npx iommu-check replay ${esc(t.replayFile)}</code>` +
    ` (${t.cx.schedule.length} steps${t.minimized ? ', minimized' : ''})</p>`;
}

function counterexampleSection(v: RunView, j: ReportJob, t: ShownTrace, k: number): string {
  const cx = t.cx, inv = cx.violation?.invariant ?? j.violation?.invariant ?? '';
  const out = [`<section class="counterexample" id="cx-${k}">`, `<h2>${esc(jobLabel(j))}: ${esc(inv)}</h2>`];
  if (v.invariants[inv]) out.push(`<p class="invariant"><b>${esc(inv)}</b>: ${esc(v.invariants[inv])}</p>`);
  out.push(`<blockquote class="message">${esc(cx.violation?.message ?? j.violation?.message ?? '')}</blockquote>`);
  if (cx.foundBy) out.push(`<p>Found by: ${esc(cx.foundBy)}</p>`);
  out.push(replayLine(t));
  if (cx.prologue?.length) out.push('<h3>Set-up</h3><ul class="prologue">' + cx.prologue.map((p) => `<li>${esc(p)}</li>`).join('') + '</ul>');
  if (cx.initial?.length) out.push('<h3>Initial state</h3>', valueTable('initial', cx.initial));
  out.push('<h3>Diagram</h3>', '<p class="legend"><span>one lane per actor, one box per step</span><span style="color:#2255cc">→ lock hand-off</span><span style="color:#d27a00">⇢ queue entry consumed</span><span style="color:#1a8a3a">⇢ commands complete (CONS reached the PROD written)</span><span style="color:#c00">red: the step after which the invariant fails</span></p>');
  out.push(`<div class="diagram">${renderSwimlane(cx)}</div>`);
  out.push('<h3>Steps and state diff</h3>', '<p>Ghost (bookkeeping) fields are hidden: <code>iommu-check replay FILE --show-ghosts</code> shows them.</p>', stepTable(cx));
  out.push('<h3>Violating state</h3>');
  if (cx.final?.length) out.push('<p>The fields the trace touched and the invariant read (those read highlighted):</p>', valueTable('final', cx.final));
  else if (cx.trace.length) out.push(`<p class="violating-state">The state after step ${cx.trace[cx.trace.length - 1].n} (highlighted above).</p>`);
  out.push('</section>');
  return out.join('\n');
}

export function renderHtml(v: RunView): string {
  const t = v.report.totals;
  const sections = v.report.jobs.flatMap((j, k) => {
    const tr = v.traces.get(k);
    return tr ? [counterexampleSection(v, j, tr, k)] : [];
  });
  const figures = v.kind === 'counterexample' ? `${t.violations} violation(s)` : `${t.jobs} job(s), ${t.violations} violation(s), ${t.states} states, ${t.transitions} transitions in ${t.ms} ms`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(v.title)}</title><style>${CSS}</style></head>
<body>
<h1>${esc(v.title)}</h1>
<p class="command"><code>${esc(v.command)}</code>${v.report.startedAt ? ` · started ${esc(v.report.startedAt)}` : ''} · ${esc(figures)}</p>
${summaryTable(v)}
${sections.length ? sections.join('\n') : '<p>No counterexample.</p>'}
</body></html>
`;
}
