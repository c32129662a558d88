// Owns the run checkpoint of `npm run nightly` (src/cli/runcheckpoint.ts is the envelope) and what a resumed
// nightly reuses from it: the options (seed and budget resolved), the explorer's jobs done with their results and
// the stopped job's own search checkpoint, every fuzz campaign done by name with its result and what happened to
// its case (new case, corpus), the stopped campaign's state between two chunks, the case keys the run added, and
// the fuzzing time spent. Campaigns are named uniquely within a run (fuzz-<variant>, fuzz-<variant>-pass2,
// fuzz-correct-<k>), so the resumed run replays those done and runs the rest as the uninterrupted run would.
import type { JobRecord } from '../src/result/format';
import type { CampaignResult, CampaignState } from '../fuzz/campaign';
import type { AddOutcome } from '../fuzz/corpus';
import { checkedCheckpoint, type Checkpoint } from '../src/explorer/checkpoint';

export interface NightlyOptions {
  fuzzRuns?: number;
  /** the fuzz budget in ms (absent with fuzzRuns: campaigns are bounded by runs) */
  fuzzBudgetMs?: number;
  maxStates: number;
  seed: number;
  corpus: string | false;
  updateCorpus?: boolean;
  corpusCap: number;
}

export interface DoneCampaign {
  result: CampaignResult;
  /** the case it found, as written to <out>/new-cases/ (and to the corpus), or why not */
  corpus?: AddOutcome;
}

export interface NightlyRun {
  options: NightlyOptions;
  explorer: { done: JobRecord[]; current?: Checkpoint; jobs: number };
  campaigns: Record<string, DoneCampaign>;
  current?: { name: string; state: CampaignState };
  /** keys of the cases this run added to <out>/new-cases/ (a resumed run deduplicates against them too) */
  newKeys: string[];
  /** fuzzing time spent so far (a time budget goes on from there) */
  fuzzMs: number;
}

export function validNightlyRun(p: unknown): p is NightlyRun {
  const r = p as NightlyRun;
  if (!r || !r.options || typeof r.options.seed !== 'number' || typeof r.options.maxStates !== 'number') return false;
  if (!r.explorer || !Array.isArray(r.explorer.done) || typeof r.explorer.jobs !== 'number' || r.explorer.done.length > r.explorer.jobs) return false;
  if (!r.campaigns || typeof r.campaigns !== 'object' || !Array.isArray(r.newKeys) || typeof r.fuzzMs !== 'number') return false;
  if (!Object.values(r.campaigns).every((c) => c && c.result && typeof c.result.runs === 'number')) return false;
  if (r.current && (typeof r.current.name !== 'string' || !r.current.state)) return false;
  if (r.explorer.current) r.explorer.current = checkedCheckpoint(r.explorer.current, 'the explorer job in progress');
  return true;
}
