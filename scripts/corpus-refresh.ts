// Owns `npm run corpus:refresh`: finds every saved case of corpus/ again on the model as it is now. A case keeps
// its embedded (minimized) scenario, its variants and the invariant it violated; the explorer searches that
// program for a violation of that invariant alone, minimizes it and rewrites the file in the current format.
// Run it after a change to the model's steps (which invalidates recorded schedules); a case the model no longer
// violates is reported and left as it was, and the run exits 1.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateScenario } from '../src/model/scenario';
import { runJob } from '../src/explorer/job';

const dir = join(__dirname, '..', '..', 'corpus');
let failed = 0;
for (const f of readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
  const raw = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { scenario: unknown; variants: string[]; violation: { invariant: string } | null };
  const scenario = validateScenario(raw.scenario);
  if (!raw.violation) {
    console.log(`${f}: a recorded clean run: kept`);
    continue;
  }
  const inv = raw.violation.invariant;
  const r = runJob({ scenario, variants: raw.variants, invariants: [inv] });
  const cx = r.minimized ?? r.counterexample;
  if (!cx || r.violation?.invariant !== inv) {
    console.log(`${f}: NOT FOUND AGAIN (${r.verdict}, ${r.stats.states} states)`);
    failed++;
    continue;
  }
  writeFileSync(join(dir, f), `${JSON.stringify({ ...cx, foundBy: `${cx.foundBy} (corpus:refresh)` }, null, 1)}\n`);
  console.log(`${f}: ${inv}, ${cx.schedule.length} steps`);
}
process.exit(failed ? 1 : 0);
