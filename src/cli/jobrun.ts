// Owns what the run checkpoint of `explore` and `verify` over several jobs holds (runcheckpoint.ts is the
// envelope): the run's options, every job (scenario as a spec, so a changed -f file cannot change the run),
// the results of the jobs done, the job in progress with its own search checkpoint when its search wrote a usable
// one, the jobs left, the warnings and the job partition of a sharded run. It also decides which search
// checkpoint continues exactly.
import type { JobRecord } from '../result/format';
import type { JobOptions, JobSpec } from '../explorer/job';
import { FULL_PROBE_STATES } from '../explorer/job';
import { checkedCheckpoint, type Checkpoint } from '../explorer/checkpoint';
import { jobKey, type JobPartition } from '../explorer/partition';
import { validateScenario } from '../model/scenario';
import { UsageError } from '../model/variants';
import { DISPLAY_OPTIONS } from './runcheckpoint';

export interface JobRunPayload {
  /** the run's parsed options, without the output folder, --resume and the display options */
  flags: Record<string, unknown>;
  jobs: JobSpec[];
  /** the results of jobs[0 .. done.length), in order */
  done: JobRecord[];
  /** jobs[done.length], stopped: its search's checkpoint (absent: the job runs again from its start) */
  current?: { checkpoint?: Checkpoint; search?: JobRecord['search'] };
  /** the jobs not done (the one in progress first), as `scenario [variants]`, for the reader */
  left: string[];
  warnings: string[];
  partition?: JobPartition;
}

/** The options kept in the checkpoint (everything that shapes the run). */
export function storedFlags(f: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(f).filter(([k, v]) => v !== undefined && !DISPLAY_OPTIONS.includes(k)));
}

/**
 * The search checkpoint a stopped job leaves in the run checkpoint, when resuming it ends as the uninterrupted job
 * would: not one taken inside the automatic choice's probe of the full search (the uninterrupted job might then
 * have gone on with the reduced search), so that job runs again from its start (at most FULL_PROBE_STATES states).
 */
export function usableCheckpoint(c: Checkpoint | undefined, opts: JobOptions): Checkpoint | undefined {
  if (!c) return undefined;
  if (opts.reduction === 'auto' && !c.search && c.states <= FULL_PROBE_STATES) return undefined;
  return c;
}

/** The options of the job resumed from `c`: the same search the checkpoint continues (a parallel one on its own
 * workers). */
export function resumeOptions(opts: JobOptions, c: Checkpoint): JobOptions {
  return { ...opts, resume: c, reduction: c.search === 'reduced', ...(c.search === 'bfs' ? { strategy: 'bfs' as const } : {}),
    ...(c.search === 'parallel' ? { workers: c.parallel!.workers } : {}) };
}

export function makePayload(flags: object, jobs: JobSpec[], done: JobRecord[], current: JobRunPayload['current'], warnings: readonly string[], partition?: JobPartition): JobRunPayload {
  const plain = (x: unknown) => JSON.parse(JSON.stringify(x)) as never; // the records as the report holds them
  return {
    flags: storedFlags(flags), jobs: plain(jobs), done: plain(done), ...(current ? { current: plain(current) } : {}),
    left: jobs.slice(done.length).map(jobKey), warnings: [...warnings], ...(partition ? { partition } : {}),
  };
}

/** The payload's shape (a false answer: the file is corrupt); normalizes its scenarios and its search checkpoint. */
export function validJobRun(p: unknown): p is JobRunPayload {
  const r = p as JobRunPayload;
  if (!r || typeof r !== 'object' || typeof r.flags !== 'object' || !Array.isArray(r.jobs) || !Array.isArray(r.done) || !Array.isArray(r.warnings)) return false;
  if (!Array.isArray(r.left) || r.done.length >= r.jobs.length || r.left.length !== r.jobs.length - r.done.length) return false;
  if (!r.jobs.every((j) => j && typeof j.scenario === 'object' && Array.isArray(j.variants))) return false;
  if (!r.done.every((d, i) => d && d.scenario === r.jobs[i].scenario.name && typeof d.stats === 'object')) return false;
  try {
    for (const j of r.jobs) j.scenario = validateScenario(j.scenario);
  } catch (e) {
    throw new UsageError(`--resume: the run checkpoint holds an invalid scenario: ${(e as Error).message}`);
  }
  if (r.current?.checkpoint) r.current.checkpoint = checkedCheckpoint(r.current.checkpoint, 'the job in progress');
  return true;
}
