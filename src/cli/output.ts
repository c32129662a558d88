// Owns writing a run's results to disk: JSON + Markdown report, one counterexample file per violation and,
// beside it, the minimized one (`.min.json`) when minimizing removed something.
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { UsageError } from '../model/variants';
import { join, relative } from 'node:path';
import type { JobResult } from '../explorer/job';
import type { Counterexample } from '../explorer/counterexample';
import { makeReport, type Report } from '../report/report';
import { renderMarkdown } from '../report/markdown';

export interface Written {
  report: Report;
  json: string;
  markdown: string;
}

/** A job's file name: `<scenario>--<variants><ext>`, with anything but [a-zA-Z0-9.+_-] made `_`. */
export function jobFileName(r: { scenario: string; variants: readonly string[] }, ext: string): string {
  return `${r.scenario}--${r.variants.join('+') || 'default'}${ext}`.replace(/[^a-zA-Z0-9.+_-]/g, '_');
}

/** The minimized counterexample's file, beside the one as found. */
export function minimizedPath(counterexampleFile: string): string {
  return counterexampleFile.replace(/\.json$/, '.min.json');
}

export function writeRun(outDir: string, name: string, command: string, options: Record<string, unknown>, startedAt: Date, results: JobResult[], warnings: readonly string[] = []): Written {
  mkdirSync(join(outDir, 'counterexamples'), { recursive: true });
  const cxs = new Map<string, Counterexample>();
  const jobs = results.map((result) => {
    if (!result.counterexample) return { result };
    const path = join(outDir, 'counterexamples', jobFileName(result, '.json'));
    writeFileSync(path, JSON.stringify(result.counterexample, null, 1) + '\n');
    if (result.minimized) writeFileSync(minimizedPath(path), JSON.stringify(result.minimized, null, 1) + '\n');
    const rel = relative(process.cwd(), path) || path;
    cxs.set(rel, result.counterexample);
    return { result, file: rel };
  });
  const report: Report = { ...makeReport(command, options, startedAt, jobs), warnings: [...warnings] };
  report.totals.peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024); // maxRSS is in KB
  const json = join(outDir, `${name}.json`);
  const markdown = join(outDir, `${name}.md`);
  writeFileSync(json, JSON.stringify(report, null, 1) + '\n');
  const notes = warnings.length ? `\n## Warnings\n\n${warnings.map((w) => `- ${w}`).join('\n')}\n` : '';
  writeFileSync(markdown, renderMarkdown(report, cxs) + notes);
  return { report, json, markdown };
}

/** Checked before any job runs: the output folder (-o) must be a folder or not exist yet. */
export function checkOutDir(dir: string): void {
  const st = statSync(dir, { throwIfNoEntry: false });
  if (st && !st.isDirectory()) throw new UsageError(`-o ${dir}: is an existing file, not a folder (give a folder for the reports)`);
}
