// Owns the saved runs the output-format tests render: a small verify-like run (clean, caught, not caught,
// stopped at a bound) written with the CLI's own writer, and its view as `report` reads it back.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runJob, type JobResult, type JobSpec } from '../src/explorer/job';
import { findScenario } from '../src/model/scenarios';
import { writeRun } from '../src/cli/output';
import { viewOfSaved } from '../src/cli/saved';
import type { RunView } from '../src/report/view';

export function savedRun(): { view: RunView; dir: string; results: JobResult[] } {
  const sc = findScenario('unmap-racing-dma-with-sync');
  const jobs: [JobSpec, Record<string, number>][] = [
    [{ scenario: sc, variants: [], expect: 'clean' }, {}],
    [{ scenario: sc, variants: ['sync-no-wait'], expect: 'no-stale-tlb-after-sync', invariants: ['no-stale-tlb-after-sync'] }, {}],
    [{ scenario: sc, variants: ['sync-no-wait'], expect: 'refcount-sane', invariants: ['refcount-sane'] }, {}],
    [{ scenario: findScenario('two-instances-share-domain'), variants: [], expect: 'clean' }, { maxStates: 5 }],
    [{ scenario: findScenario('two-instances-share-domain'), variants: ['sync-one-instance'] }, {}],
  ];
  const results = jobs.map(([j, o]) => runJob(j, o));
  const dir = mkdtempSync(join(tmpdir(), 'iommu-check-formats-'));
  const w = writeRun(dir, 'verify', 'verify (test)', {}, new Date(), results);
  return { view: viewOfSaved({ kind: 'run', report: w.report }, w.json, dir), dir, results };
}
