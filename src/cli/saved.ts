// Owns reading a saved result for `report` and for the --format outputs: the file (a run's report, a fuzz report,
// one counterexample), the counterexample of each job found on disk beside it (the minimized one when saved),
// with its replay path made relative to the folder the outputs go to, and what the model says about the
// invariants (descriptions, which ones each job checked).
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { UsageError } from '../model/variants';
import type { Counterexample } from '../result/format';
import type { Report, ReportJob } from '../report/report';
import { classify, counterexampleAsReport, fuzzAsReport, totalsOf, type RunView, type SavedResult, type ShownTrace, type SourceRef } from '../report/view';
import { invariantCatalogue } from './catalogue';
import { sourcesOf } from './locate';

export function readSaved(file: string): SavedResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`report: cannot read '${file}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError(`report: '${file}' is not JSON`);
  }
  const saved = isNightly(data) ? { kind: 'run' as const, report: nightlyAsReport(data, file) } : classify(data);
  if (!saved) throw new UsageError(`report: '${file}' is not an iommu-check result (a report written by explore, verify, merge, fuzz or nightly, or a counterexample file)`);
  return saved;
}

interface NightlySummary {
  tool: 'iommu-check';
  nightly: string;
  fuzz?: { name: string; report: string; finding?: unknown }[];
}

function isNightly(d: unknown): d is NightlySummary {
  const n = d as Partial<NightlySummary> | null;
  return !!n && n.tool === 'iommu-check' && typeof n.nightly === 'string';
}

/** nightly.json: the explorer's report beside it, and one job per fuzz campaign that found something. */
function nightlyAsReport(d: NightlySummary, file: string): Report {
  const dir = dirname(file);
  const explore = readSaved(join(dir, 'explore.json'));
  if (explore.kind !== 'run') throw new UsageError(`report: '${join(dir, 'explore.json')}' (beside ${file}) is not the nightly explorer's report`);
  const jobs: ReportJob[] = [...explore.report.jobs.map((j) => ({ ...j, counterexampleFile: j.counterexampleFile && (locate(j.counterexampleFile, join(dir, 'explore.json')) ?? j.counterexampleFile) }))];
  for (const row of d.fuzz ?? []) {
    if (!row.finding) continue;
    const json = [row.report, join(dir, 'fuzz', basename(row.report))].map((p) => p.replace(/\.md$/, '.json')).find((p) => existsSync(p));
    const fz = json ? readSaved(json) : undefined;
    if (!json || fz?.kind !== 'fuzz') continue;
    for (const j of fuzzAsReport(fz.report).jobs)
      jobs.push({ ...j, scenario: `${j.scenario} (fuzz campaign ${row.name})`, counterexampleFile: j.counterexampleFile && (locate(j.counterexampleFile, json) ?? j.counterexampleFile) });
  }
  return { ...explore.report, command: `nightly ${d.nightly}`, jobs, totals: totalsOf(jobs) };
}

function readCx(path: string): Counterexample | undefined {
  try {
    const saved = classify(JSON.parse(readFileSync(path, 'utf8')));
    return saved?.kind === 'counterexample' ? saved.cx : undefined;
  } catch {
    return undefined;
  }
}

/** Where a recorded counterexample path is now: as recorded (relative to the cwd), or beside the report. */
function locate(recorded: string, reportFile: string): string | undefined {
  const dir = dirname(reportFile);
  return [recorded, join(dir, 'counterexamples', basename(recorded)), join(dir, recorded)].find((p) => existsSync(p));
}

function traceOf(job: ReportJob, reportFile: string, outDir: string, alreadyMinimized: boolean): ShownTrace | undefined {
  const found = job.counterexampleFile ? locate(job.counterexampleFile, reportFile) : undefined;
  const rel = (p: string) => relative(resolve(outDir), resolve(p)) || basename(p);
  if (found) {
    const min = found.replace(/\.json$/, '.min.json');
    const minCx = !alreadyMinimized && min !== found && existsSync(min) ? readCx(min) : undefined;
    if (minCx) return { cx: minCx, replayFile: rel(min), minimized: true };
    const cx = readCx(found);
    if (cx) return { cx, replayFile: rel(found), minimized: alreadyMinimized };
  }
  if (job.minimized) return { cx: job.minimized, minimized: true };
  return undefined;
}

const TITLES: Record<string, string> = { explore: 'explore', verify: 'verify', merge: 'merge', nightly: 'nightly' };

/** The view of a saved result read from `file`, for outputs written into `outDir`. */
export function viewOfSaved(saved: SavedResult, file: string, outDir: string): RunView {
  let report: Report, kind: RunView['kind'];
  const traces = new Map<number, ShownTrace>();
  if (saved.kind === 'counterexample') {
    report = counterexampleAsReport(saved.cx, relative(resolve(outDir), resolve(file)) || basename(file));
    kind = 'counterexample';
    traces.set(0, { cx: saved.cx, replayFile: report.jobs[0].counterexampleFile, minimized: /\.min\.json$/.test(file) });
  } else {
    report = saved.kind === 'fuzz' ? fuzzAsReport(saved.report) : saved.report;
    kind = saved.kind;
    report.jobs.forEach((j, k) => {
      const t = j.violation ? traceOf(j, file, outDir, saved.kind === 'fuzz') : undefined;
      if (t) traces.set(k, t);
    });
  }
  const word = TITLES[report.command.split(' ')[0]] ?? (kind === 'fuzz' ? 'fuzz' : 'counterexample');
  const cat = invariantCatalogue(report, traces);
  const sources = new Map<number, SourceRef[]>([...traces].map(([k, t]) => [k, sourcesOf(t.cx)]));
  return { kind, title: `iommu-check ${word} report`, command: report.command, report, traces, invariants: cat.descriptions, checked: cat.checked, sources };
}
