// Owns the one shape every renderer reads: a saved result (an explore/verify/merge report, a fuzz report, a
// single counterexample file) turned into a report's jobs, each with the counterexample to show (the minimized
// one when there is one) and the path that replays it from the report's folder. Reading files is the caller's:
// it hands in what it read and a function that finds a job's counterexample.
import { COUNTEREXAMPLE_FORMAT, type Counterexample, type ExploreStats } from '../result/format';
import type { Report, ReportJob } from './report';

/** A job's counterexample as a report shows it. */
export interface ShownTrace {
  cx: Counterexample;
  /** the file that replays it, relative to the report's folder (absent: not saved) */
  replayFile?: string;
  minimized: boolean;
}

/** Where the model defines what a counterexample ran (an operation, a variant), relative to the package root. */
export interface SourceRef {
  file: string;
  line: number;
  what?: string;
}

export interface RunView {
  /** what the input was: a run's report, a fuzz campaign's, or one counterexample file */
  kind: 'run' | 'fuzz' | 'counterexample';
  title: string;
  command: string;
  report: Report;
  /** by job index */
  traces: Map<number, ShownTrace>;
  /** invariant id -> its one-line description (those the caller knows) */
  invariants: Record<string, string>;
  /** by job index: the invariants the job checked (those the caller knows) */
  checked: Map<number, string[]>;
  /** by job index: where its violating step's operation (first) and its variants are defined, when known */
  sources: Map<number, SourceRef[]>;
}

/** The part of a fuzz report (fuzz/report.ts) the renderers read. */
export interface FuzzReportLike {
  tool: 'iommu-check';
  command: string;
  startedAt: string;
  seed: number;
  shard: string;
  runs: number;
  ms: number;
  coverage?: { states: number; steps: number };
  stoppedBy: string;
  finding?: { violation: { invariant: string; message: string }; template: string; variants: string[]; counterexampleFile: string };
}

export type SavedResult = { kind: 'run'; report: Report } | { kind: 'fuzz'; report: FuzzReportLike } | { kind: 'counterexample'; cx: Counterexample };

/** What a parsed JSON file is, or null when it is none of the saved results. */
export function classify(data: unknown): SavedResult | null {
  const d = data as Record<string, unknown> | null;
  if (!d || typeof d !== 'object') return null;
  if (d.format === COUNTEREXAMPLE_FORMAT && Array.isArray(d.trace) && d.scenario) return { kind: 'counterexample', cx: d as unknown as Counterexample };
  if (d.tool !== 'iommu-check') return null;
  if (Array.isArray(d.jobs) && d.totals) return { kind: 'run', report: d as unknown as Report };
  if (typeof d.runs === 'number' && typeof d.seed === 'number') return { kind: 'fuzz', report: d as unknown as FuzzReportLike };
  return null;
}

const noStats = (ms = 0): ExploreStats => ({ states: 0, transitions: 0, maxDepth: 0, ms, statesPerSec: 0, visitedBytes: 0, omission: 0 });

export function totalsOf(jobs: ReportJob[]): Report['totals'] {
  const states = jobs.reduce((a, j) => a + j.stats.states, 0);
  const ms = jobs.reduce((a, j) => a + j.stats.ms, 0);
  return {
    jobs: jobs.length, violations: jobs.filter((j) => j.violation).length, states,
    transitions: jobs.reduce((a, j) => a + j.stats.transitions, 0), ms, statesPerSec: Math.round((states / Math.max(ms, 1)) * 1000),
  };
}

/** A fuzz campaign as a report of one job per finding (the campaign's states and steps as its figures). */
export function fuzzAsReport(f: FuzzReportLike): Report {
  const jobs: ReportJob[] = f.finding ? [{
    scenario: f.finding.template, variants: f.finding.variants, verdict: 'violation', violation: f.finding.violation,
    stats: { ...noStats(f.ms), states: f.coverage?.states ?? 0, transitions: f.coverage?.steps ?? 0 }, counterexampleFile: f.finding.counterexampleFile,
  }] : [{ scenario: 'fuzz campaign', variants: [], verdict: 'clean', stats: { ...noStats(f.ms), states: f.coverage?.states ?? 0, transitions: f.coverage?.steps ?? 0 } }];
  return { tool: 'iommu-check', command: f.command, startedAt: f.startedAt, options: { seed: f.seed, shard: f.shard, runs: f.runs, stoppedBy: f.stoppedBy }, jobs, totals: totalsOf(jobs) };
}

/** One counterexample file as a report of one job (no search figures: the file holds none). */
export function counterexampleAsReport(cx: Counterexample, file: string): Report {
  const jobs: ReportJob[] = [{
    scenario: cx.scenario.name, variants: cx.variants, verdict: cx.violation ? 'violation' : 'clean',
    ...(cx.violation ? { violation: cx.violation } : {}), schedule: cx.schedule, stats: noStats(), counterexampleFile: file,
  }];
  return { tool: 'iommu-check', command: `replay ${file}`, startedAt: '', options: {}, jobs, totals: totalsOf(jobs) };
}

export function jobLabel(j: Pick<ReportJob, 'scenario' | 'variants'>): string {
  return `${j.scenario} [${j.variants.join('+') || 'default'}]`;
}
