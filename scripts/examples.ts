// Owns `npm run examples`: the example reports committed under reports/examples/ (HTML and Markdown, with the
// counterexamples they replay), one per faulty variant of a different subsystem, rendered by the same code as
// `explore --format html,md`. The output is deterministic (start time n/a, durations zeroed) so that
// test/report-examples.test.ts can regenerate it in memory and fail when the committed files are stale.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { runJob } from '../src/explorer/job';
import { findScenario } from '../src/model/scenarios';
import { writeRun } from '../src/cli/output';
import { writeOutputs } from '../src/cli/outputs';
import type { Report } from '../src/report/report';

/** scenario, faulty variant: the flush/command queue, the IOASID allocator, the vIOMMU, the hypervisor. */
export const EXAMPLES: [string, string][] = [
  ['two-instances-share-domain', 'sync-one-instance'],
  ['ioasid-adjust-set-racing-alloc', 'adjust-ignores-count'],
  ['two-vms-overlapping-vdev-ids', 'unset-drain-before-erase'],
  ['hyp-host-maps-donated-page', 'hyp-share-check-then-take'],
];

/** The report with what differs from run to run (start time, durations, rates) taken out. */
function stable(r: Report): Report {
  const zero = { ms: 0, statesPerSec: 0 };
  return { ...r, startedAt: 'n/a', jobs: r.jobs.map((j) => ({ ...j, stats: { ...j.stats, ...zero } })), totals: { ...r.totals, ...zero } };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)).split('\\').join('/')).sort();
}

/** Every example file (path relative to reports/examples/ -> content), rendered in a scratch folder. */
export function renderExamples(): Map<string, string> {
  const scratch = mkdtempSync(join(tmpdir(), 'iommu-check-examples-'));
  try {
    for (const [scenario, variant] of EXAMPLES) {
      const name = `${scenario}--${variant}`;
      const r = runJob({ scenario: findScenario(scenario), variants: [variant] }, { workers: 1 });
      const w = writeRun(scratch, name, `explore ${scenario} --variant ${variant}`, {}, new Date(0), [r]);
      const report = stable(w.report);
      writeFileSync(w.json, JSON.stringify(report, null, 1) + '\n');
      writeOutputs({ kind: 'run', report }, w.json, scratch, name, ['html', 'md']);
      rmSync(w.json);
    }
    return new Map(filesUnder(scratch).map((f) => [f, readFileSync(join(scratch, f), 'utf8')]));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export const EXAMPLES_DIR = join(__dirname, '..', ...(__dirname.includes(`${join('dist', 'scripts')}`) ? ['..'] : []), 'reports', 'examples');

if (require.main === module) {
  const files = renderExamples();
  rmSync(EXAMPLES_DIR, { recursive: true, force: true });
  for (const [f, text] of files) {
    mkdirSync(dirname(join(EXAMPLES_DIR, f)), { recursive: true });
    writeFileSync(join(EXAMPLES_DIR, f), text);
  }
  console.log(`examples: ${files.size} files in ${relative(process.cwd(), EXAMPLES_DIR) || EXAMPLES_DIR}`);
}
