// Owns the swimlane diagram of a trace, as inline SVG: one lane per actor the trace names (CPU threads first, in
// the scenario's order, then hardware actors and callbacks as they appear), one box per step in its actor's lane,
// arrows where the data shows a hand-off between actors (a lock released by one and taken by the next, a queue
// entry written by one and consumed by another, a consumer's CONS reaching the PROD a thread wrote: its commands
// complete, seen at that thread's next step), and the violating step marked.
import type { Counterexample, TraceStep } from '../result/format';
import { changesOf, fieldKind } from './changes';
import { escapeHtml as esc } from './escape';

const LANE_W = 210, BOX_W = 196, ROW_H = 30, BOX_H = 22, HEAD_H = 44, LEFT = 36, FOOT_H = 34;

export interface HandOff {
  from: number; // step index in the trace
  to: number;
  key: string;
  kind: 'lock' | 'queue' | 'complete';
}

/** Lanes in order: the scenario's threads that step, then every other actor in order of first appearance. */
export function lanesOf(cx: Counterexample): string[] {
  const seen = [...new Set(cx.trace.map((t) => t.thread))];
  const threads = (cx.scenario.threads ?? []).map((t) => t.name).filter((n) => seen.includes(n));
  return [...threads, ...seen.filter((n) => !threads.includes(n))];
}

/** Consecutive changes of one lock or queue field by two different actors: who handed it to whom. */
export function handOffs(trace: readonly TraceStep[]): HandOff[] {
  const last = new Map<string, number>();
  const out: HandOff[] = [];
  trace.forEach((t, i) => {
    for (const c of changesOf(t)) {
      const kind = fieldKind(c.field);
      // PROD and CONS indices are not entries: completions() reads them
      if (c.ghost || kind === 'other' || /\.(prod|cons)$/.test(c.field)) continue;
      const prev = last.get(c.key);
      if (prev !== undefined && trace[prev].thread !== t.thread && !out.some((h) => h.from === prev && h.to === i)) out.push({ from: prev, to: i, key: c.key, kind });
      last.set(c.key, i);
    }
  });
  return [...out, ...completions(trace)];
}

/** `X.prod[i]` written by a thread, then `X.cons[i]` moved to that value by another actor: the completion. */
function completions(trace: readonly TraceStep[]): HandOff[] {
  const prods = new Map<string, { thread: string; value: string }[]>(); // 'X[i]' of X.prod -> who wrote which values
  const out: HandOff[] = [];
  trace.forEach((t, i) => {
    for (const c of changesOf(t)) {
      const m = /^(.*)\.(prod|cons)((?:\[[^\]]*\])*)$/.exec(c.key);
      if (!m || c.ghost) continue;
      const q = m[1] + m[3];
      if (m[2] === 'prod') (prods.get(q) ?? prods.set(q, []).get(q)!).push({ thread: t.thread, value: c.toText });
      const p = m[2] === 'cons' ? [...(prods.get(q) ?? [])].reverse().find((w) => w.value === c.toText) : undefined;
      if (!p || p.thread === t.thread) continue;
      const next = trace.findIndex((u, k) => k > i && u.thread === p.thread);
      if (next >= 0) out.push({ from: i, to: next, key: `${m[1]}.cons${m[3]} = ${c.toText}`, kind: 'complete' });
    }
  });
  return out;
}

export function stepLabel(t: TraceStep): string {
  const op = t.op === 'hardware' ? '' : `${t.op} · `;
  return `${op}${t.step}${t.returned !== undefined ? ` → ${t.returned}` : ''}`;
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n - 1) + '…';
}

function box(t: TraceStep, i: number, lane: number, last: boolean): string {
  const x = LEFT + lane * LANE_W + (LANE_W - BOX_W) / 2, y = HEAD_H + i * ROW_H + (ROW_H - BOX_H) / 2;
  const ch = changesOf(t).filter((c) => !c.ghost).map((c) => `${c.key}: ${c.fromText} → ${c.toText}`);
  const title = [`${t.n}. ${t.thread}: ${t.op} · ${t.step}${t.returned !== undefined ? ` -> ${t.returned}` : ''}`, ...ch].join('\n');
  const short = t.op === 'hardware' ? t.step : `${t.op.replace(/\(.*$/, '')} · ${t.step}`;
  return `<g class="step${last ? ' violation' : ''}" data-step="${t.n}" data-lane="${esc(t.thread)}"><title>${esc(title)}</title>` +
    `<rect x="${x}" y="${y}" width="${BOX_W}" height="${BOX_H}" rx="4"/>` +
    `<text x="${x + 6}" y="${y + 15}">${esc(clip(short + (t.returned !== undefined ? ` → ${t.returned}` : ''), 27))}</text></g>`;
}

function arrow(h: HandOff, lanes: string[], trace: readonly TraceStep[]): string {
  const a = lanes.indexOf(trace[h.from].thread), b = lanes.indexOf(trace[h.to].thread);
  const right = b > a;
  const x1 = LEFT + a * LANE_W + LANE_W / 2 + (right ? BOX_W / 2 : -BOX_W / 2);
  const x2 = LEFT + b * LANE_W + LANE_W / 2 + (right ? -BOX_W / 2 : BOX_W / 2);
  const y1 = HEAD_H + h.from * ROW_H + ROW_H / 2, y2 = HEAD_H + h.to * ROW_H + ROW_H / 2;
  const what = h.kind === 'lock' ? `lock hand-off: ${h.key}` : h.kind === 'queue' ? `queue entry: ${h.key}` : `complete: ${h.key}`;
  return `<path class="handoff ${h.kind}" data-from="${trace[h.from].n}" data-to="${trace[h.to].n}" d="M${x1},${y1} C${(x1 + x2) / 2},${y1} ${(x1 + x2) / 2},${y2} ${x2},${y2}" marker-end="url(#arrow-${h.kind})"><title>${esc(what)}</title></path>`;
}

const STYLE = `.lane-head{font:bold 12px sans-serif;fill:#222}.lane-line{stroke:#bbb;stroke-dasharray:4 4}
.step rect{fill:#eef3fb;stroke:#5577aa}.step text{font:11px monospace;fill:#111}.step.violation rect{fill:#fde2e2;stroke:#c00;stroke-width:2.5}
.rowno{font:10px monospace;fill:#777}.handoff{fill:none;stroke-width:1.5}.handoff.lock{stroke:#2255cc}.handoff.queue{stroke:#d27a00;stroke-dasharray:5 3}.handoff.complete{stroke:#1a8a3a;stroke-dasharray:2 3}
.violation-mark{font:bold 12px sans-serif;fill:#c00}`;

/** The diagram as one <svg> element (no scripts, no external references). */
export function renderSwimlane(cx: Counterexample): string {
  const lanes = lanesOf(cx);
  const w = LEFT + lanes.length * LANE_W + 10, h = HEAD_H + cx.trace.length * ROW_H + FOOT_H;
  const marker = (kind: string, color: string) =>
    `<marker id="arrow-${kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${color}"/></marker>`;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="swimlane" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="swimlane diagram of the trace">`,
    `<style>${STYLE}</style><defs>${marker('lock', '#2255cc')}${marker('queue', '#d27a00')}${marker('complete', '#1a8a3a')}</defs>`,
  ];
  lanes.forEach((name, k) => {
    const cxk = LEFT + k * LANE_W + LANE_W / 2;
    out.push(`<g class="lane" data-lane="${esc(name)}"><text class="lane-head" x="${cxk}" y="24" text-anchor="middle">${esc(clip(name, 28))}<title>${esc(name)}</title></text>` +
      `<line class="lane-line" x1="${cxk}" y1="32" x2="${cxk}" y2="${h - FOOT_H}"/></g>`);
  });
  cx.trace.forEach((t, i) => {
    out.push(`<text class="rowno" x="4" y="${HEAD_H + i * ROW_H + ROW_H / 2 + 4}">${t.n}</text>`);
    out.push(box(t, i, lanes.indexOf(t.thread), i === cx.trace.length - 1 && cx.violation !== null));
  });
  for (const hnd of handOffs(cx.trace)) out.push(arrow(hnd, lanes, cx.trace));
  if (cx.violation && cx.trace.length)
    out.push(`<text class="violation-mark" x="${LEFT}" y="${h - 12}">✗ after step ${cx.trace[cx.trace.length - 1].n}: ${esc(cx.violation.invariant)} fails</text>`);
  out.push('</svg>');
  return out.join('\n');
}
