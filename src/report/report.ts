// Owns the exploration report data: jobs with their verdicts and statistics, and the run's totals.
import { metExpectation, type JobRecord } from '../result/format';

export interface Report {
  tool: 'iommu-check';
  command: string;
  startedAt: string;
  options: Record<string, unknown>;
  jobs: ReportJob[];
  /** peakRssMB: the process's peak resident memory when the report was written (measured, for --max-memory) */
  totals: { jobs: number; violations: number; states: number; transitions: number; ms: number; statesPerSec: number; peakRssMB?: number };
  /** what the run's inputs did not do as given (a selected variant that changes nothing, ...): also on stderr */
  warnings?: string[];
}

export interface ReportJob extends Omit<JobRecord, 'counterexample'> {
  /** path of the saved counterexample, relative to the report */
  counterexampleFile?: string;
  asExpected?: boolean;
}

export function makeReport(command: string, options: Record<string, unknown>, startedAt: Date, jobs: { result: JobRecord; file?: string }[]): Report {
  const rj = jobs.map(({ result, file }) => {
    const { counterexample: _cx, ...rest } = result;
    const ok = metExpectation(result);
    return { ...rest, ...(file ? { counterexampleFile: file } : {}), ...(ok !== undefined ? { asExpected: ok } : {}) };
  });
  const states = rj.reduce((a, j) => a + j.stats.states, 0);
  const ms = rj.reduce((a, j) => a + j.stats.ms, 0);
  return {
    tool: 'iommu-check', command, startedAt: startedAt.toISOString(), options, jobs: rj,
    totals: {
      jobs: rj.length, violations: rj.filter((j) => j.violation).length, states,
      transitions: rj.reduce((a, j) => a + j.stats.transitions, 0), ms,
      statesPerSec: Math.round((states / Math.max(ms, 1)) * 1000),
    },
  };
}
